#include "search/grid.hpp"
#include "train/optimizer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <sstream>
#include <memory>
#include <numeric>
#include <random>


#include "train/train_support.hpp"

namespace lrfind {
namespace {

using testing::loss_of;
using testing::make;
using testing::make_optimizer;
using testing::optimizer;
using testing::rows_loss_of;

struct Problem {
  Matrix X;
  Vector y;
  std::vector<Index> train;
  std::vector<Index> validation;
};

Problem noisy_line(Index rows) {
  std::mt19937 gen(4);
  std::normal_distribution<double> normal(0.0, 1.0);
  Problem p{Matrix(rows, 2), Vector(rows), {}, {}};
  for (Index i = 0; i < rows; ++i) {
    p.X(i, 0) = normal(gen);
    p.X(i, 1) = normal(gen);
    p.y(i) = 2.0 * p.X(i, 0) - p.X(i, 1) + 0.5 + 0.1 * normal(gen);
    (i % 5 == 0 ? p.validation : p.train).push_back(i);
  }
  return p;
}

TEST(RunGrid, OneStepPerEpochMatchesHandComputation) {
  // One row x = 1, y = 1, full batch, SGD: after one step w = b = 2r, loss (4r - 1)².
  Matrix X(1, 1);
  X << 1.0;
  Vector y(1);
  y << 1.0;
  const std::vector<Index> rows{0};
  const Model model = make("linear", 1, 0, 0.0);
  GridConfig config;
  config.rates = {0.1, 0.05};
  config.epochs = 2;
  config.batch_size = 0;
  Rng rng(0);
  const auto results = run_grid(model, optimizer("sgd"), X, y, rows, {}, config, rng, StopToken{});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_DOUBLE_EQ(results[0].train_loss[0], (0.4 - 1.0) * (0.4 - 1.0));
  EXPECT_DOUBLE_EQ(results[1].train_loss[0], (0.2 - 1.0) * (0.2 - 1.0));
  // Second step: residual shrinks by (1 - 4r) again.
  EXPECT_DOUBLE_EQ(results[0].train_loss[1], std::pow(1 - 0.4, 4));
  EXPECT_TRUE(results[0].val_loss.empty());
  EXPECT_FALSE(results[0].diverged);
}

TEST(RunGrid, EveryRateSeesTheSameBatches) {
  const Problem p = noisy_line(103);
  const Model model = make("linear", 2, 0, 0.0);
  GridConfig config;
  config.rates = {0.01, 0.03, 0.01};
  config.epochs = 3;
  config.batch_size = 8;
  Rng rng(7);
  const auto together = run_grid(model, optimizer("momentum"), p.X, p.y, p.train, p.validation, config, rng, StopToken{});
  // Equal rates, equal curves: only possible if they saw the same batches.
  EXPECT_EQ(together[0].train_loss, together[2].train_loss);
  EXPECT_EQ(together[0].val_loss, together[2].val_loss);
  // A rate trained alone, from the same seed, gives the same curve as in company.
  GridConfig alone = config;
  alone.rates = {0.03};
  Rng rng2(7);
  const auto single = run_grid(model, optimizer("momentum"), p.X, p.y, p.train, p.validation, alone, rng2, StopToken{});
  EXPECT_EQ(single[0].train_loss, together[1].train_loss);
  EXPECT_EQ(single[0].val_loss, together[1].val_loss);
}

TEST(RunGrid, RecordsTrainAndValidationEachEpoch) {
  const Problem p = noisy_line(200);
  const Model model = make("linear", 2, 0, 0.0);
  GridConfig config;
  config.rates = {0.2};
  config.epochs = 4;
  Rng rng(1);
  const auto results = run_grid(model, optimizer("sgd"), p.X, p.y, p.train, p.validation, config, rng, StopToken{});
  ASSERT_EQ(results[0].train_loss.size(), 4u);
  ASSERT_EQ(results[0].val_loss.size(), 4u);
  // A well-posed problem at a sane rate: both losses fall to the noise level (0.01).
  EXPECT_LT(results[0].train_loss.back(), results[0].train_loss.front());
  EXPECT_LT(results[0].val_loss.back(), 0.05);
}

TEST(RunGrid, DivergentRateIsMarkedAndOthersContinue) {
  const Problem p = noisy_line(100);
  const Model model = make("linear", 2, 0, 0.0);
  GridConfig config;
  config.rates = {0.01, 1e6};
  config.epochs = 3;
  config.batch_size = 10;
  Rng rng(2);
  const auto results = run_grid(model, optimizer("sgd"), p.X, p.y, p.train, p.validation, config, rng, StopToken{});
  EXPECT_FALSE(results[0].diverged);
  EXPECT_EQ(results[0].train_loss.size(), 3u);
  EXPECT_TRUE(results[1].diverged);
  ASSERT_FALSE(results[1].train_loss.empty());
  EXPECT_FALSE(std::isfinite(results[1].train_loss.back()));
  EXPECT_LT(results[1].train_loss.size(), 3u + 1);
}

TEST(RunGrid, TrainingLossIncludesPenaltyValidationDoesNot) {
  const Problem p = noisy_line(60);
  const Model model = make("linear", 2, 0, 0.5);
  GridConfig config;
  config.rates = {0.05};
  config.epochs = 1;
  config.batch_size = 0;
  Rng rng(3);
  const auto results = run_grid(model, optimizer("sgd"), p.X, p.y, p.train, p.train, config, rng, StopToken{});
  // Validation on the training rows themselves: the two differ by the penalty.
  const double gap = results[0].train_loss[0] - results[0].val_loss[0];
  EXPECT_GT(gap, 0.0);
  // After one full-batch step from zero: w = -lr·(2/n)·Xᵀ(-y) ... the penalty is (λ/2)·||w||².
  Params w = model.initial_params();
  Params g;
  rows_loss_of(model, p.X, p.y, p.train, w, &g);
  w -= 0.05 * g;
  EXPECT_NEAR(gap, model.penalty(w), 1e-12);
}

TEST(RunGrid, StopRequestKeepsWholeEpochsOnly) {
  const Problem p = noisy_line(100);  // 80 training rows: 8 batches of 10 per epoch
  const Model model = make("linear", 2, 0, 0.0);
  GridConfig config;
  config.rates = {0.01, 0.05, 1e30};
  config.epochs = 5;
  config.batch_size = 10;
  Rng rng1(2), rng2(2);
  const auto whole = run_grid(model, optimizer("sgd"), p.X, p.y, p.train, p.validation, config, rng1, StopToken{});
  ASSERT_TRUE(whole[2].diverged);
  ASSERT_EQ(whole[2].train_loss.size(), 1u);  // diverged in the first epoch
  std::vector<GridRateResult> cut;
  {
    const StopToken stop;
    stop.stop_after_steps(2 * 8 + 3);  // three batches into the third epoch
    cut = run_grid(model, optimizer("sgd"), p.X, p.y, p.train, p.validation, config, rng2, stop);
  }
  for (std::size_t r = 0; r < 2; ++r) {
    EXPECT_TRUE(cut[r].interrupted);
    EXPECT_FALSE(cut[r].diverged);
    ASSERT_EQ(cut[r].train_loss.size(), 2u);
    ASSERT_EQ(cut[r].val_loss.size(), 2u);
    for (std::size_t e = 0; e < 2; ++e) {
      EXPECT_EQ(cut[r].train_loss[e], whole[r].train_loss[e]);
      EXPECT_EQ(cut[r].val_loss[e], whole[r].val_loss[e]);
    }
  }
  // A rate that had already diverged is finished, not cut short.
  EXPECT_FALSE(cut[2].interrupted);
  EXPECT_TRUE(cut[2].diverged);
  EXPECT_EQ(cut[2].train_loss.size(), 1u);
}

}  // namespace
}  // namespace lrfind

namespace lrfind {
namespace {

// A classification problem with `classes` classes in `features` dimensions.
Problem clusters(Index rows, Index features, int classes, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  Problem p{Matrix(rows, features), Vector(rows), {}, {}};
  for (Index i = 0; i < rows; ++i) {
    const int label = static_cast<int>(i % classes);
    for (Index j = 0; j < features; ++j) p.X(i, j) = normal(gen) + (j % classes == label ? 1.5 : 0.0);
    p.y(i) = label;
    (i % 4 == 0 ? p.validation : p.train).push_back(i);
  }
  return p;
}

double relative_difference(double a, double b) {
  if (a == b) return 0.0;
  return std::abs(a - b) / std::max(std::abs(a), std::abs(b));
}

// The textbook loop for one rate, from the seed the grid had: per batch the
// next rows gathered, loss_gradient on them, one optimizer step; per epoch the
// training loss (with the penalty) and the validation loss.
struct TextbookCurve {
  std::vector<double> train, validation;
};
TextbookCurve textbook_curve(const Model& model, const std::string& optimizer_name, const Problem& p,
                             const GridConfig& config, double rate, std::uint64_t seed) {
  Rng rng(seed);
  EpochSampler sampler(p.train, config.batch_size, rng);
  const auto optimizer = make_optimizer(optimizer_name);
  Params w = model.initial_params();
  optimizer->reset(w.rows(), w.cols());
  Params g;
  Chunk batch;
  TextbookCurve curve;
  for (int epoch = 0; epoch < config.epochs; ++epoch) {
    for (Index b = 0; b < sampler.batches_per_epoch(); ++b) {
      batch.gather(p.X, p.y, sampler.next());
      loss_of(model, batch.all().x, batch.all().y, w, &g);
      optimizer->step(w, g, rate);
    }
    curve.train.push_back(mean_loss(model, p.X, p.y, p.train, w, true));
    curve.validation.push_back(mean_loss(model, p.X, p.y, p.validation, w, false));
  }
  return curve;
}

// Training K rates at once, stacked in one parameter matrix, gives what
// training each rate alone gives, to rounding: every loss of every epoch.
TEST(RunGridStacked, MatchesEachRateTrainedAloneForEveryModelAndOptimizer) {
  struct Case {
    const char* name;
    std::unique_ptr<Model> model;
    Problem problem;
  };
  std::vector<Case> cases;
  cases.push_back({"linear", std::make_unique<Model>(make("linear", 2, 0, 0.0)), noisy_line(157)});
  cases.push_back({"linear-l2", std::make_unique<Model>(make("linear", 2, 0, 0.01)), noisy_line(157)});
  cases.push_back({"logistic", std::make_unique<Model>(make("logistic", 5, 2, 0.0)), clusters(149, 5, 2, 1)});
  cases.push_back({"softmax", std::make_unique<Model>(make("logistic", 6, 3, 1e-3)), clusters(151, 6, 3, 2)});
  cases.push_back({"hinge", std::make_unique<Model>(make("svm", 5, 2, 1e-4)), clusters(149, 5, 2, 3)});
  cases.push_back({"multimargin", std::make_unique<Model>(make("svm", 6, 3, 1e-4)), clusters(151, 6, 3, 4)});
  double worst = 0.0;
  for (const Case& c : cases)
    for (const std::string& optimizer : builtin_optimizers().names())
      for (const Index batch : {Index{1}, Index{16}, Index{0}}) {
        GridConfig config;
        config.rates = {1e-3, 3e-3, 1e-2, 3e-2, 0.1};
        config.epochs = 3;
        config.batch_size = batch;
        config.schedule = batch == 16 ? &schedule_named("cosine") : nullptr;
        Rng rng(11);
        const auto together = run_grid(*c.model, testing::optimizer(optimizer), c.problem.X, c.problem.y, c.problem.train,
                                       c.problem.validation, config, rng, StopToken{});
        for (std::size_t r = 0; r < config.rates.size(); ++r) {
          GridConfig one = config;
          one.rates = {config.rates[r]};
          Rng same(11);
          const auto alone = run_grid(*c.model, testing::optimizer(optimizer), c.problem.X, c.problem.y, c.problem.train,
                                      c.problem.validation, one, same, StopToken{})[0];
          const std::string what = std::string(c.name) + " " + optimizer + " batch " + std::to_string(batch) +
                                   " lr " + std::to_string(config.rates[r]);
          ASSERT_EQ(together[r].diverged, alone.diverged) << what;
          ASSERT_EQ(together[r].train_loss.size(), alone.train_loss.size()) << what;
          ASSERT_EQ(together[r].val_loss.size(), alone.val_loss.size()) << what;
          if (alone.diverged) continue;
          for (std::size_t e = 0; e < alone.train_loss.size(); ++e) {
            worst = std::max(worst, relative_difference(together[r].train_loss[e], alone.train_loss[e]));
            worst = std::max(worst, relative_difference(together[r].val_loss[e], alone.val_loss[e]));
            EXPECT_LT(relative_difference(together[r].train_loss[e], alone.train_loss[e]), 1e-12) << what;
            EXPECT_LT(relative_difference(together[r].val_loss[e], alone.val_loss[e]), 1e-12) << what;
          }
        }
      }
  std::ostringstream text;
  text << worst;
  RecordProperty("worst_relative_difference", text.str());
}

TEST(RunGridStacked, SameResultEveryRun) {
  const Problem p = clusters(203, 6, 3, 9);
  const Model model = make("logistic", 6, 3, 0.0);
  GridConfig config;
  config.rates = {1e-3, 1e-2, 0.1, 1.0, 10.0, 100.0};
  config.epochs = 4;
  config.batch_size = 8;
  Rng a(5);
  Rng b(5);
  const auto first = run_grid(model, optimizer("adam"), p.X, p.y, p.train, p.validation, config, a, StopToken{});
  const auto second = run_grid(model, optimizer("adam"), p.X, p.y, p.train, p.validation, config, b, StopToken{});
  for (std::size_t r = 0; r < first.size(); ++r) {
    EXPECT_EQ(first[r].diverged, second[r].diverged);
    ASSERT_EQ(first[r].train_loss.size(), second[r].train_loss.size());
    for (std::size_t e = 0; e < first[r].train_loss.size(); ++e)
      EXPECT_EQ(std::memcmp(&first[r].train_loss[e], &second[r].train_loss[e], sizeof(double)), 0);
  }
}

// More rates than one group holds: the groups train on their own threads,
// and the results are the same bit for bit whatever the number of threads,
// and each rate's as it would be alone.
TEST(RunGridStacked, GroupsOfRatesGiveTheSameResultOnAnyNumberOfThreads) {
  const Problem p = noisy_line(157);
  const Model model = make("linear", 2, 0, 0.01);
  for (const Index batch : {Index{1}, Index{16}}) {
    GridConfig config;
    for (int i = 0; i < 19; ++i) config.rates.push_back(1e-4 * std::pow(10.0, i / 1.2));  // up to 1e11: some diverge
    ASSERT_GT(config.rates.size(), 2 * kGridGroupRates);
    config.epochs = 3;
    config.batch_size = batch;
    std::vector<std::vector<GridRateResult>> runs;
    for (const unsigned threads : {1u, 2u, 3u, 0u}) {
      config.threads = threads;
      Rng rng(4);
      runs.push_back(run_grid(model, optimizer("momentum"), p.X, p.y, p.train, p.validation, config, rng, StopToken{}));
    }
    bool some_diverged = false;
    for (std::size_t r = 0; r < config.rates.size(); ++r) {
      some_diverged = some_diverged || runs[0][r].diverged;
      for (std::size_t t = 1; t < runs.size(); ++t) {
        EXPECT_EQ(runs[t][r].diverged, runs[0][r].diverged);
        ASSERT_EQ(runs[t][r].train_loss.size(), runs[0][r].train_loss.size());
        for (std::size_t e = 0; e < runs[0][r].train_loss.size(); ++e) {
          EXPECT_EQ(std::memcmp(&runs[t][r].train_loss[e], &runs[0][r].train_loss[e], sizeof(double)), 0);
          EXPECT_EQ(std::memcmp(&runs[t][r].val_loss[e], &runs[0][r].val_loss[e], sizeof(double)), 0);
        }
      }
      GridConfig one = config;
      one.rates = {config.rates[r]};
      Rng same(4);
      const auto alone = run_grid(model, optimizer("momentum"), p.X, p.y, p.train, p.validation, one, same, StopToken{})[0];
      ASSERT_EQ(alone.diverged, runs[0][r].diverged);
      ASSERT_EQ(alone.train_loss.size(), runs[0][r].train_loss.size());
      if (alone.diverged) continue;
      for (std::size_t e = 0; e < alone.train_loss.size(); ++e)
        EXPECT_LT(relative_difference(runs[0][r].train_loss[e], alone.train_loss[e]), 1e-12);
    }
    EXPECT_TRUE(some_diverged) << "batch " << batch;
  }
}

// Small batches are read from gathered chunks of rows: over an epoch of
// several chunks (and a short last batch), training must be the textbook
// loop of next batch, gradient, SGD step.
TEST(RunGrid, SmallBatchesOverManyChunksMatchTheTextbookLoop) {
  const Problem p = noisy_line(7001);
  const Model model = make("linear", 2, 0, 0.0);
  GridConfig config;
  config.rates = {0.01};
  config.epochs = 2;
  config.batch_size = 3;
  Rng rng(8);
  const GridRateResult grid = run_grid(model, optimizer("sgd"), p.X, p.y, p.train, p.validation, config, rng, StopToken{})[0];
  ASSERT_GT(p.train.size(), 2 * 2048u);
  const TextbookCurve want = textbook_curve(model, "sgd", p, config, config.rates[0], 8);
  ASSERT_EQ(grid.train_loss.size(), 2u);
  for (std::size_t epoch = 0; epoch < 2; ++epoch) {
    EXPECT_LT(relative_difference(grid.train_loss[epoch], want.train[epoch]), 1e-12);
    EXPECT_LT(relative_difference(grid.val_loss[epoch], want.validation[epoch]), 1e-12);
  }
}

TEST(RunGrid, LargeBatchesReadByChunksMatchTheTextbookLoop) {
  // Full batches of 8,000 rows and batches of 5,000 (each a chunk and
  // part of another), momentum and L2, 9 rates (two groups) on 1 and 2 threads, one of
  // them diverging: each kept rate as the plain full-batch loop trains it.
  const Problem p = noisy_line(10001);
  const Model model = make("linear", 2, 0, 0.01);
  for (const Index batch : {Index{0}, Index{5000}})
    for (const unsigned threads : {1u, 2u}) {
      GridConfig config;
      config.rates = {0.001, 0.003, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 1e100};
      config.epochs = 3;
      config.batch_size = batch;
      config.threads = threads;
      Rng rng(4);
      const auto grid = run_grid(model, optimizer("momentum"), p.X, p.y, p.train, p.validation, config, rng, StopToken{});
      ASSERT_GT(p.train.size(), static_cast<std::size_t>(Model::chunk_rows(p.X.cols())));
      EXPECT_TRUE(grid.back().diverged);
      for (std::size_t r = 0; r + 1 < config.rates.size(); ++r) {
        const TextbookCurve want = textbook_curve(model, "momentum", p, config, config.rates[r], 4);
        ASSERT_EQ(grid[r].train_loss.size(), 3u);
        for (std::size_t epoch = 0; epoch < 3; ++epoch)
          EXPECT_LT(relative_difference(grid[r].train_loss[epoch], want.train[epoch]), 1e-12)
              << "batch " << batch << " threads " << threads << " rate " << config.rates[r];
      }
    }
}

TEST(RunGridStacked, ADivergingRateLeavesTheOthersAsTheyWouldBe) {
  const Problem p = noisy_line(120);
  const Model model = make("linear", 2, 0, 0.0);
  GridConfig config;
  config.rates = {0.01, 1e6, 0.05};
  config.epochs = 3;
  config.batch_size = 4;
  Rng rng(2);
  const auto together = run_grid(model, optimizer("sgd"), p.X, p.y, p.train, p.validation, config, rng, StopToken{});
  EXPECT_TRUE(together[1].diverged);
  EXPECT_TRUE(std::isnan(together[1].train_loss.back()));
  GridConfig one = config;
  one.rates = {0.05};
  Rng same(2);
  const auto alone = run_grid(model, optimizer("sgd"), p.X, p.y, p.train, p.validation, one, same, StopToken{})[0];
  ASSERT_EQ(together[2].train_loss.size(), 3u);
  for (std::size_t e = 0; e < 3; ++e)
    EXPECT_LT(relative_difference(together[2].train_loss[e], alone.train_loss[e]), 1e-12);
}

}  // namespace
}  // namespace lrfind
