// Progress reports: stages weighted by their estimated costs, work counted
// from several threads, and the cost model's estimates against what the
// training loops count.
#include "common/progress.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "search/cost.hpp"
#include "search/grid.hpp"
#include "search/sweep.hpp"
#include "train/train_support.hpp"

namespace lrfind {
namespace {

struct Report {
  double fraction;
  std::string stage;
};

// A Progress that records every report.
struct Recorder {
  std::vector<Report> reports;
  Progress progress() {
    return Progress([this](double fraction, std::string_view stage) { reports.push_back({fraction, std::string(stage)}); });
  }
  double last() const { return reports.empty() ? 0.0 : reports.back().fraction; }
};

// Counts `total` units of work into `part` one unit at a time, checking after
// each report that the whole bar stands where `begin + width * done / total` says.
void count_through(const Progress& part, Recorder& recorder, int total, double begin, double width) {
  const Progress work = part.counting(total);
  for (int done = 1; done <= total; ++done) {
    const std::size_t before = recorder.reports.size();
    work.add(1.0);
    if (recorder.reports.size() > before) {
      EXPECT_NEAR(recorder.last(), begin + width * done / total, 1e-12) << "after " << done << " of " << total;
    }
  }
}

TEST(ProgressPlan, StagesAdvanceInProportionToTheirCosts) {
  // Costs 1, 3 and 6: the stages take 10%, 30% and 60% of the bar, whatever
  // units of work each counts in, and not a third each.
  Recorder recorder;
  ProgressPlan plan(recorder.progress(), 10.0);
  count_through(plan.next(1.0, "a"), recorder, 1000, 0.0, 0.1);
  EXPECT_NEAR(recorder.last(), 0.1, 0.1 * Progress::kReportStep * 10);
  EXPECT_EQ(recorder.reports.back().stage, "a");
  count_through(plan.next(3.0, "b"), recorder, 30, 0.1, 0.3);
  EXPECT_NEAR(recorder.last(), 0.4, 1e-12);
  EXPECT_EQ(recorder.reports.back().stage, "b");
  count_through(plan.next(6.0, "c"), recorder, 7, 0.4, 0.6);
  EXPECT_NEAR(recorder.last(), 1.0, 1e-12);
  EXPECT_TRUE(std::is_sorted(recorder.reports.begin(), recorder.reports.end(),
                             [](const Report& a, const Report& b) { return a.fraction < b.fraction; }));
}

TEST(ProgressPlan, AStageThatEndsEarlyLeavesItsShareToTheRestWithoutAJump) {
  Recorder recorder;
  ProgressPlan plan(recorder.progress(), 4.0);
  const Progress first = plan.next(2.0, "first").counting(100);
  for (int i = 0; i < 50; ++i) first.add(1.0);  // half its estimate: the bar at a quarter
  EXPECT_NEAR(recorder.last(), 0.25, 1e-12);
  // The next stage (cost 1 of the 2 left) starts where the bar is, and takes
  // half of what is left of it.
  const std::size_t before = recorder.reports.size();
  count_through(plan.next(1.0, "second"), recorder, 10, 0.25, 0.375);
  EXPECT_NEAR(recorder.reports[before].fraction, 0.25 + 0.0375, 1e-12);
  // More work found: the rest of the bar is shared among 1 + 2.
  plan.replan(plan.remaining() + 2.0);
  count_through(plan.next(1.0, "third"), recorder, 10, 0.625, 0.375 / 3);
  count_through(plan.next(2.0, "fourth"), recorder, 10, 0.75, 0.25);
  EXPECT_NEAR(recorder.last(), 1.0, 1e-12);
}

TEST(Progress, CountingFromManyThreadsNeverGoesBackAndReportsOftenAndCheaply) {
  Recorder recorder;
  const Progress work = recorder.progress().counting(4 * 100000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 100000; ++i) work.add(1.0);
    });
  for (std::thread& t : threads) t.join();
  EXPECT_TRUE(std::is_sorted(recorder.reports.begin(), recorder.reports.end(),
                             [](const Report& a, const Report& b) { return a.fraction < b.fraction; }));
  // One report per kReportStep of the bar (and a few by the clock): not one per add.
  EXPECT_GE(recorder.reports.size(), static_cast<std::size_t>(0.9 / Progress::kReportStep));
  EXPECT_LE(recorder.reports.size(), static_cast<std::size_t>(1.0 / Progress::kReportStep) + 1000);
  EXPECT_NEAR(recorder.last(), 1.0, 2 * Progress::kReportStep);
}

TEST(ProgressCost, RunGridCountsTheWorkItsEstimateAssumes) {
  // 20 rates in three stacks (7, 7, 6), batches of 7 rows (the last smaller),
  // and the last stack's rates all diverging at once: the work counted is the
  // estimate's, so a grid's share of the bar ends where it should.
  Matrix X(100, 2);
  Vector y(100);
  std::vector<Index> train, validation;
  for (Index i = 0; i < 100; ++i) {
    X(i, 0) = static_cast<double>(i % 7) - 3.0;
    X(i, 1) = static_cast<double>(i % 5) - 2.0;
    y(i) = X(i, 0) - 2.0 * X(i, 1);
    (i % 4 == 0 ? validation : train).push_back(i);
  }
  GridConfig config;
  config.rates = log_spaced(1e-4, 0.1, 14);
  for (int r = 0; r < 6; ++r) config.rates.push_back(1e200);
  config.epochs = 3;
  config.batch_size = 7;
  const double estimate = grid_work(config.rates.size(), config.epochs, train.size(), validation.size());
  for (const double total : {estimate * (1.0 - 1e-9), estimate * (1.0 + 1e-6)}) {
    Recorder recorder;
    const Progress work = recorder.progress().counting(total);
    Rng rng(0);
    const Model model = testing::make("linear", 2, 0, 0.0);
    const auto results = run_grid(model, testing::optimizer("sgd"), X, y, train, validation, config, rng, StopToken{}, work);
    ASSERT_TRUE(results.back().diverged);
    EXPECT_EQ(work.counted() >= total, total < estimate) << work.counted() << " of " << estimate;
  }
}

TEST(ProgressCost, StagesCostTheirWorkOverTheThreadsThatShareIt) {
  // A stack of k rates costs k + 1/2 a row; three stacks share 2 threads in 2 rounds.
  EXPECT_DOUBLE_EQ(grid_work(1, 1, 100, 0), 1.5 * (100 + kScoring * 100));
  EXPECT_DOUBLE_EQ(grid_work(16, 2, 80, 20), 2 * (16 + 2 * kStackOverhead) * (80 + kScoring * 100));
  EXPECT_DOUBLE_EQ(parallel_speedup(3, 2), 1.5);
  EXPECT_DOUBLE_EQ(parallel_speedup(15, 2), 15.0 / 8);
  EXPECT_DOUBLE_EQ(parallel_speedup(1, 8), 1.0);
  EXPECT_DOUBLE_EQ(range_test_work(100, 32, 1000), 100 * 32 * 1.5);
  EXPECT_DOUBLE_EQ(range_test_work(100, 0, 50), 100 * 50 * 1.5);  // a whole-set batch
  // The refinement's golden-section evaluations: two, then one per shrink by
  // the golden ratio from a factor 10^(2/3) down to 1.05.
  EXPECT_EQ(refinement_evaluations(std::log(std::pow(10.0, 2.0 / 3.0)), false), 10);
  EXPECT_EQ(refinement_evaluations(std::log(1.04), true), 0);
  // Reading weighs against training by bytes against cells: a file 10 times
  // larger for the same training takes ten times its share.
  RunConfig config;
  config.method = "grid";
  config.training.epochs = 2;
  const RunCost small = run_cost(config, 1e6, 10000, 20, 1, 1);
  const RunCost large = run_cost(config, 1e7, 10000, 20, 1, 1);
  EXPECT_DOUBLE_EQ(large.reading, 10 * small.reading);
  EXPECT_DOUBLE_EQ(large.method, small.method);
}

}  // namespace
}  // namespace lrfind
