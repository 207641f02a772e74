#include "search/range.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
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

TEST(LossSmoother, IsBiasCorrectedMovingAverage) {
  LossSmoother s(0.5);
  EXPECT_DOUBLE_EQ(s.add(2.0), 2.0);                  // 0.5·2 / (1 - 0.5)
  EXPECT_DOUBLE_EQ(s.add(4.0), (0.5 + 2.0) / 0.75);  // (0.25·2 + 0.5·4) / (1 - 0.25)
}

TEST(LossSmoother, BetaZeroIsTheRawLoss) {
  LossSmoother s(0.0);
  EXPECT_EQ(s.add(3.0), 3.0);
  EXPECT_EQ(s.add(7.0), 7.0);
}

TEST(StopRule, StopsWhenSmoothedExceedsFactorTimesBest) {
  StopRule rule(4.0);
  EXPECT_EQ(rule.check(1.0, 1.0), StopReason::kCompleted);
  EXPECT_EQ(rule.check(0.5, 0.5), StopReason::kCompleted);  // new best 0.5
  EXPECT_EQ(rule.check(2.0, 2.0), StopReason::kCompleted);  // exactly 4x: not above
  EXPECT_EQ(rule.check(2.1, 2.1), StopReason::kLossDiverged);
}

TEST(StopRule, StopsOnNonFiniteLoss) {
  StopRule rule(4.0);
  EXPECT_EQ(rule.check(std::numeric_limits<double>::infinity(), 1.0), StopReason::kNonFiniteLoss);
  StopRule other(4.0);
  EXPECT_EQ(other.check(std::nan(""), 1.0), StopReason::kNonFiniteLoss);
}

struct Line {
  Matrix X;
  Vector y;
  std::vector<Index> rows;
};

// One row x = 1, y = 1: with w = b = 0 the loss is 1; after one SGD step of
// rate r the gradient (-2, -2) gives w = b = 2r, so z = 4r and the loss (4r - 1)².
Line one_point() {
  Line l{Matrix(1, 1), Vector(1), {0}};
  l.X << 1.0;
  l.y << 1.0;
  return l;
}

TEST(RunRangeTest, RecordsLossBeforeEachUpdateWithThatStepsRate) {
  const Line l = one_point();
  const Model model = make("linear", 1, 0, 0.0);
  const auto sgd_owned = make_optimizer("sgd");
  Optimizer& sgd = *sgd_owned;
  Rng rng(0);
  RangeTestConfig config;
  config.min_lr = 0.1;
  config.max_lr = 0.2;
  config.settings.steps = 2;
  config.settings.smoothing = 0.0;
  config.batch_size = 0;
  const RangeTestResult r = run_range_test(model, sgd, l.X, l.y, l.rows, config, rng, StopToken{});
  ASSERT_EQ(r.points.size(), 2u);
  EXPECT_EQ(r.stop_reason, StopReason::kCompleted);
  EXPECT_DOUBLE_EQ(r.points[0].lr, 0.1);
  EXPECT_DOUBLE_EQ(r.points[0].loss, 1.0);
  EXPECT_DOUBLE_EQ(r.points[1].lr, 0.2);
  EXPECT_DOUBLE_EQ(r.points[1].loss, (0.4 - 1.0) * (0.4 - 1.0));
  EXPECT_EQ(r.points[1].step, 1);
}

TEST(RunRangeTest, LargeBatchesReadByChunksMatchTheTextbookLoop) {
  // 9,000 rows, full batch (three chunks, the last short): as the plain loop on the whole batch.
  std::mt19937 gen(3);
  std::normal_distribution<double> normal(0.0, 1.0);
  Line l{Matrix(9000, 2), Vector(9000), {}};
  for (Index i = 0; i < 9000; ++i) {
    l.X(i, 0) = normal(gen);
    l.X(i, 1) = normal(gen);
    l.y(i) = 1.5 * l.X(i, 0) - l.X(i, 1) + 0.1 * normal(gen);
    l.rows.push_back(i);
  }
  const Model model = make("linear", 2, 0, 0.001);
  RangeTestConfig config;
  config.min_lr = 1e-3;
  config.max_lr = 10.0;
  config.settings.steps = 60;
  config.batch_size = 0;
  const auto sgd_owned = make_optimizer("sgd");
  Optimizer& sgd = *sgd_owned;
  Rng rng(1);
  const RangeTestResult r = run_range_test(model, sgd, l.X, l.y, l.rows, config, rng, StopToken{});
  ASSERT_GT(r.points.size(), 10u);
  Params w = model.initial_params();
  Params g;
  const auto plain_owned = make_optimizer("sgd");
  Optimizer& plain = *plain_owned;
  plain.reset(w.rows(), w.cols());
  const Sweep sweep(config.min_lr, config.max_lr, config.settings.steps, parse_sweep_kind(config.settings.sweep));
  for (const RangePoint& point : r.points) {
    const double loss = loss_of(model, l.X, l.y, w, &g);
    EXPECT_LT(std::abs(point.loss - loss), 1e-12 * std::abs(loss)) << "step " << point.step;
    plain.step(w, g, sweep.lr_at(point.step));
  }
}

TEST(RunRangeTest, StopsWhenLossExplodes) {
  // Three points no line fits: the least-squares minimum is above zero, so the
  // loss must rise once the rate passes the stable bound.
  Line l{Matrix(3, 1), Vector(3), {0, 1, 2}};
  l.X << 1, 2, 3;
  l.y << 1, 3, 2;
  const Model model = make("linear", 1, 0, 0.0);
  const auto sgd_owned = make_optimizer("sgd");
  Optimizer& sgd = *sgd_owned;
  Rng rng(0);
  RangeTestConfig config;
  config.min_lr = 1e-3;
  config.max_lr = 100.0;
  config.settings.steps = 200;
  config.batch_size = 0;
  const RangeTestResult r = run_range_test(model, sgd, l.X, l.y, l.rows, config, rng, StopToken{});
  EXPECT_NE(r.stop_reason, StopReason::kCompleted);
  EXPECT_LT(r.points.size(), 200u);
  // The last recorded point is the one that triggered the stop.
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i + 1 < r.points.size(); ++i) best = std::min(best, r.points[i].smoothed_loss);
  const RangePoint& last = r.points.back();
  EXPECT_TRUE(!std::isfinite(last.loss) || last.smoothed_loss > 4.0 * best);
}

TEST(RunRangeTest, StartsAtZeroWeightsEveryRun) {
  Matrix X(6, 2);
  X << 1, 0, 0, 1, 1, 1, -1, 0, 0, -1, -1, -1;
  Vector y(6);
  y << 1, 1, 1, 0, 0, 0;
  std::vector<Index> rows(6);
  std::iota(rows.begin(), rows.end(), 0);
  const Model model = make("logistic", 2, 2, 0.0);
  auto adam = make_optimizer("adam");
  RangeTestConfig config;
  config.settings.steps = 20;
  Rng rng1(9), rng2(9);
  const RangeTestResult a = run_range_test(model, *adam, X, y, rows, config, rng1, StopToken{});
  const RangeTestResult b = run_range_test(model, *adam, X, y, rows, config, rng2, StopToken{});
  EXPECT_DOUBLE_EQ(a.points[0].loss, std::log(2.0));
  ASSERT_EQ(a.points.size(), b.points.size());
  for (std::size_t i = 0; i < a.points.size(); ++i) EXPECT_EQ(a.points[i].loss, b.points[i].loss);
}

TEST(RunRangeTest, StopRequestKeepsThePointsBeforeIt) {
  Matrix X(6, 2);
  X << 1, 0, 0, 1, 1, 1, -1, 0, 0, -1, -1, -1;
  Vector y(6);
  y << 1, 1, 1, 0, 0, 0;
  std::vector<Index> rows(6);
  std::iota(rows.begin(), rows.end(), 0);
  const Model model = make("logistic", 2, 2, 0.0);
  const auto sgd_owned = make_optimizer("sgd");
  Optimizer& sgd = *sgd_owned;
  RangeTestConfig config;
  config.settings.steps = 40;
  config.max_lr = 0.1;  // never diverges: without the stop, all 40 steps run
  config.batch_size = 2;
  Rng rng1(5), rng2(5);
  const RangeTestResult whole = run_range_test(model, sgd, X, y, rows, config, rng1, StopToken{});
  ASSERT_EQ(whole.stop_reason, StopReason::kCompleted);
  ASSERT_EQ(whole.points.size(), 40u);
  RangeTestResult cut;
  {
    const StopToken stop;
    stop.stop_after_steps(7);
    cut = run_range_test(model, sgd, X, y, rows, config, rng2, stop);
  }
  EXPECT_EQ(cut.stop_reason, StopReason::kInterrupted);
  EXPECT_EQ(to_string(cut.stop_reason), "interrupted");
  ASSERT_EQ(cut.points.size(), 7u);
  for (std::size_t i = 0; i < cut.points.size(); ++i) {
    EXPECT_EQ(cut.points[i].lr, whole.points[i].lr);
    EXPECT_EQ(cut.points[i].loss, whole.points[i].loss);
  }
}

}  // namespace
}  // namespace lrfind
