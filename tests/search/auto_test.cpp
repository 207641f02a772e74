#include "search/auto.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>

#include <csignal>
#include <cstring>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <set>

#include "recommend/auto.hpp"

#include "train/train_support.hpp"

namespace lrfind {
namespace {

using testing::loss_of;
using testing::make;
using testing::make_optimizer;
using testing::optimizer;
using testing::rows_loss_of;

// A token nobody stops, for the objectives that outlive a call.
const StopToken& never() {
  static const StopToken token;
  return token;
}

// The search with its recommendation, as the tests read them.
struct Auto : AutoSearch {
  std::optional<double> lr;
  double interval_low = 0.0;
  double interval_high = 0.0;
  std::vector<double> repeat_best;
  std::string confidence;
  std::string confidence_reason;
  std::string reason;
  std::string stopped_during;  // empty when the search finished
};

Auto auto_run(const Model& model, const OptimizerEntry& opt, const Features& X, const Vector& y,
              std::span<const Index> rows, const AutoConfig& config, const StopToken& stop = never(),
              const ProgressFn& progress = {}) {
  Auto a;
  static_cast<AutoSearch&>(a) = run_auto(model, opt, X, y, rows, config, stop, Progress(progress));
  const AutoRecommendation rec = recommend_auto(a);
  a.lr = rec.lr;
  if (rec.interval) std::tie(a.interval_low, a.interval_high) = *rec.interval;
  a.repeat_best = rec.repeat_best;
  a.confidence = to_string(rec.confidence);
  a.confidence_reason = rec.confidence_reason;
  a.reason = rec.reason;
  if (a.interrupted_during) a.stopped_during = to_string(*a.interrupted_during);
  return a;
}

struct Problem {
  Matrix X;
  Vector y;
  std::vector<Index> rows;
  Features features;  // X, as the objective holds it
};

// A noisy linear target, or its sign as two classes.
Problem make_problem(Index n, bool classes, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  Problem p{Matrix(n, 3), Vector(n), std::vector<Index>(static_cast<std::size_t>(n)), {}};
  std::iota(p.rows.begin(), p.rows.end(), Index{0});
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < 3; ++j) p.X(i, j) = normal(gen);
    const double t = 1.5 * p.X(i, 0) - p.X(i, 1) + 0.5 * normal(gen);
    p.y(i) = classes ? (t > 0 ? 1.0 : 0.0) : t + 2.0;
  }
  p.features = p.X;
  return p;
}

TEST(MakeSplits, FoldsPartitionTheRows) {
  Rng rng(1);
  const std::vector<Split> splits = make_splits(23, 5, 0.2, rng);
  ASSERT_EQ(splits.size(), 5u);
  std::multiset<Index> validated;
  for (const Split& s : splits) {
    EXPECT_GE(s.validation.size(), 4u);
    EXPECT_LE(s.validation.size(), 5u);
    EXPECT_EQ(s.train.size() + s.validation.size(), 23u);
    EXPECT_TRUE(std::is_sorted(s.train.begin(), s.train.end()));
    EXPECT_TRUE(std::is_sorted(s.validation.begin(), s.validation.end()));
    std::vector<Index> both;
    std::set_intersection(s.train.begin(), s.train.end(), s.validation.begin(), s.validation.end(),
                          std::back_inserter(both));
    EXPECT_TRUE(both.empty());
    validated.insert(s.validation.begin(), s.validation.end());
  }
  EXPECT_EQ(validated.size(), 23u);
  EXPECT_EQ(std::set<Index>(validated.begin(), validated.end()).size(), 23u);
  EXPECT_EQ(*validated.begin(), 0);
  EXPECT_EQ(*validated.rbegin(), 22);
}

// Whether `rows` (sorted) is a run of consecutive row numbers.
bool is_contiguous(const std::vector<Index>& rows) {
  return !rows.empty() && rows.back() - rows.front() == static_cast<Index>(rows.size()) - 1;
}

// A file sorted by class, as iris is (rows 0-49, 50-99, 100-149): blocks of the
// file would give folds of one or two classes; shuffled folds mix all three.
TEST(MakeSplits, FoldsAreShuffledNotBlocksOfTheFile) {
  for (const std::uint64_t seed : {0u, 1u, 2u, 3u}) {
    SCOPED_TRACE(seed);
    Rng rng(seed);
    const std::vector<Split> splits = make_splits(150, 5, 0.2, rng);
    ASSERT_EQ(splits.size(), 5u);
    for (const Split& s : splits) {
      ASSERT_EQ(s.validation.size(), 30u);
      EXPECT_FALSE(is_contiguous(s.validation)) << "fold starting at row " << s.validation.front();
      std::set<Index> classes;
      for (const Index row : s.validation) classes.insert(row / 50);
      EXPECT_EQ(classes.size(), 3u) << "fold starting at row " << s.validation.front();
    }
  }
}

// svmlight's qid: a query's rows are never split between training and validation.
TEST(MakeSplits, GroupsStayOnOneSideOfEverySplit) {
  // 60 rows in 12 groups of unequal sizes, interleaved through the file.
  std::vector<std::int64_t> groups;
  for (Index r = 0; r < 60; ++r) groups.push_back(100 + (r * 7 + r / 13) % 12);
  const auto side_of_each_group = [&](const Split& s) {
    std::map<std::int64_t, std::set<bool>> sides;
    for (const Index r : s.train) sides[groups[static_cast<std::size_t>(r)]].insert(true);
    for (const Index r : s.validation) sides[groups[static_cast<std::size_t>(r)]].insert(false);
    for (const auto& [group, in] : sides) EXPECT_EQ(in.size(), 1u) << "group " << group;
    EXPECT_EQ(s.train.size() + s.validation.size(), 60u);
  };
  for (const std::uint64_t seed : {0u, 1u, 2u}) {
    Rng rng(seed);
    const std::vector<Split> folds = make_splits(60, 5, 0.2, rng, groups);
    ASSERT_EQ(folds.size(), 5u);
    std::set<Index> validated;
    for (const Split& s : folds) {
      side_of_each_group(s);
      EXPECT_FALSE(s.validation.empty());
      validated.insert(s.validation.begin(), s.validation.end());
    }
    EXPECT_EQ(validated.size(), 60u);
    Rng hold_rng(seed);
    const std::vector<Split> holdout = make_splits(60, 1, 0.2, hold_rng, groups);
    side_of_each_group(holdout[0]);
    EXPECT_FALSE(holdout[0].validation.empty());
    EXPECT_FALSE(holdout[0].train.empty());
    Rng grid_rng(seed);
    side_of_each_group(validation_split(60, 0.25, grid_rng, "data", groups));
  }
  Rng rng(0);
  EXPECT_THROW(make_splits(60, 13, 0.2, rng, groups), UsageError);  // 12 groups for 13 folds
}

TEST(MakeSplits, HoldOutIsShuffledNotTheTopOfTheFile) {
  Rng rng(0);
  const std::vector<Split> splits = make_splits(150, 1, 0.2, rng);
  ASSERT_EQ(splits.size(), 1u);
  ASSERT_EQ(splits[0].validation.size(), 30u);
  EXPECT_FALSE(is_contiguous(splits[0].validation));
  EXPECT_FALSE(is_contiguous(splits[0].train));
}

TEST(MakeSplits, SameSeedSameFoldsOtherSeedOtherFolds) {
  const auto validation_sets = [](std::uint64_t seed, int k) {
    Rng rng(seed);
    std::vector<std::vector<Index>> sets;
    for (const Split& s : make_splits(100, k, 0.2, rng)) sets.push_back(s.validation);
    return sets;
  };
  for (const int k : {1, 5}) {
    SCOPED_TRACE(k);
    EXPECT_EQ(validation_sets(7, k), validation_sets(7, k));
    EXPECT_NE(validation_sets(7, k), validation_sets(8, k));
    // Not the same folds in another order either: seed 8's first fold is none of seed 7's.
    const auto seven = validation_sets(7, k);
    EXPECT_EQ(std::find(seven.begin(), seven.end(), validation_sets(8, k).front()), seven.end());
  }
}

TEST(ValidationSplit, HeldOutRowsAreShuffledAndSeedDependent) {
  const auto held_out = [](std::uint64_t seed) {
    Rng rng(seed);
    return validation_split(150, 0.2, rng, "data.csv").validation;
  };
  ASSERT_EQ(held_out(0).size(), 30u);
  EXPECT_FALSE(is_contiguous(held_out(0)));
  EXPECT_EQ(held_out(0), held_out(0));
  EXPECT_NE(held_out(0), held_out(1));
}

TEST(MakeSplits, OneFoldIsAHoldOut) {
  Rng rng(2);
  const std::vector<Split> splits = make_splits(100, 1, 0.2, rng);
  ASSERT_EQ(splits.size(), 1u);
  EXPECT_EQ(splits[0].validation.size(), 20u);
  EXPECT_EQ(splits[0].train.size(), 80u);
}

CvObjective make_objective(const Model& model, const Problem& p, int repeats, const StopToken& stop = never()) {
  std::vector<std::vector<Split>> splits;
  std::vector<std::uint64_t> seeds;
  for (int r = 0; r < repeats; ++r) {
    Rng rng(100 + static_cast<std::uint64_t>(r));
    splits.push_back(make_splits(static_cast<Index>(p.rows.size()), 4, 0.2, rng));
    seeds.push_back(static_cast<std::uint64_t>(r));
  }
  GridConfig budget;
  budget.epochs = 3;
  budget.batch_size = 16;
  return CvObjective(model, p.features, p.y, std::move(splits), std::move(seeds), budget, optimizer("sgd"), stop);
}

TEST(CvObjective, ScoreOfARateDoesNotDependOnItsCompany) {
  const Problem p = make_problem(120, false, 3);
  const Model model = make("linear", 3, 0, 0.0);
  CvObjective together = make_objective(model, p, 2);
  together.evaluate({0.001, 0.01, 0.1}, CandidateStage::kGrid);
  CvObjective alone = make_objective(model, p, 2);
  EXPECT_EQ(alone.value(0.01), together.scores().at(0.01).val_loss);
  EXPECT_EQ(alone.scores().at(0.01).stage, CandidateStage::kRefine);
  EXPECT_EQ(together.scores().at(0.01).val_loss_by_repeat.size(), 2u);
  // The mean over repeats of the per-repeat means is the overall mean.
  const auto& s = together.scores().at(0.1);
  EXPECT_NEAR((s.val_loss_by_repeat[0] + s.val_loss_by_repeat[1]) / 2, s.val_loss, 1e-12);
  EXPECT_EQ(s.val_curve.size(), 3u);
  EXPECT_EQ(s.val_curve.back(), s.val_loss);
}

// The zero model predicts 0, so its mean squared error on a set of rows is the
// mean of y² there; the untrained loss is that mean over each split's
// validation rows, averaged over the folds and the repeats (in that order).
double mean_squared_target(const Vector& y, const std::vector<Index>& rows) {
  double total = 0.0;
  for (const Index i : rows) total += y(i) * y(i);
  return total / static_cast<double>(rows.size());
}

double untrained_loss_of(const Vector& y, const std::vector<std::vector<Split>>& splits) {
  double total = 0.0;
  std::size_t count = 0;
  for (const std::vector<Split>& repeat : splits)
    for (const Split& s : repeat) {
      total += mean_squared_target(y, s.validation);
      ++count;
    }
  return total / static_cast<double>(count);
}

TEST(CvObjective, UntrainedLossIsTheZeroModelOnValidationFolds) {
  // 83 rows in 4 folds (20, 21, 21, 21): the training rows' mean differs from
  // the validation rows' (equal folds would give the same average either way).
  const Problem p = make_problem(83, false, 4);
  const Model model = make("linear", 3, 0, 0.0);
  const CvObjective objective = make_objective(model, p, 2);
  std::vector<std::vector<Split>> splits;  // as make_objective draws them
  for (std::uint64_t r = 0; r < 2; ++r) {
    Rng rng(100 + r);
    splits.push_back(make_splits(83, 4, 0.2, rng));
  }
  EXPECT_DOUBLE_EQ(objective.untrained_loss(), untrained_loss_of(p.y, splits));
  EXPECT_GT(objective.untrained_loss(), 3.0);
}

TEST(CvObjective, UntrainedLossReadsTheValidationRowsNotTheTrainingRows) {
  // y = 1 on rows 0-9, 2 on rows 10-19 and 10 on rows 20-39. Repeat 0
  // validates on rows 0-9 (y² = 1), repeat 1 on 10-19 (y² = 4); the training
  // rows would give means near 100.
  const Index n = 40;
  Problem p = make_problem(n, false, 11);
  for (Index i = 0; i < n; ++i) p.y(i) = i < 10 ? 1.0 : i < 20 ? 2.0 : 10.0;
  const auto hold_out = [&](Index first) {
    Split s;
    for (Index i = 0; i < n; ++i) (i >= first && i < first + 10 ? s.validation : s.train).push_back(i);
    return s;
  };
  const std::vector<std::vector<Split>> splits{{hold_out(0)}, {hold_out(10)}};
  GridConfig budget;
  budget.epochs = 1;
  const Model model = make("linear", 3, 0, 0.0);
  const CvObjective objective(model, p.features, p.y, splits, {0, 1}, budget, optimizer("sgd"), never());
  EXPECT_EQ(objective.untrained_loss(), 2.5);  // (1 + 4) / 2, exact in binary
  EXPECT_DOUBLE_EQ(objective.untrained_loss(), untrained_loss_of(p.y, splits));
}

// X's entries above 0.5 in size, as compressed sparse rows.
Features sparse_of(const Matrix& X) {
  CsrF64 csr;
  csr.cols = X.cols();
  for (Index r = 0; r < X.rows(); ++r) {
    for (Index c = 0; c < X.cols(); ++c)
      if (std::abs(X(r, c)) > 0.5) {
        csr.indices.push_back(static_cast<std::int32_t>(c));
        csr.values.push_back(X(r, c));
      }
    csr.offsets.push_back(static_cast<std::int64_t>(csr.indices.size()));
  }
  return Features(std::move(csr));
}

// One hold-out run (large data's default) on four threads, sparse rows: the rates a
// search may ask for next train beside the one asked for, are kept aside
// unscored, and are then scored without training again (the step hook
// would stop any training), to the same numbers as trained alone.
TEST(CvObjective, LooksAheadWhenCoresWouldWaitAndScoresTheSame) {
  const Problem p = make_problem(120, false, 3);
  const Features sparse = sparse_of(p.X);
  const Model model = make("linear", 3, 0, 0.0);
  const auto hold_out = [&](const StopToken& stop, const Features& X) {
    Rng rng(100);
    GridConfig budget;
    budget.epochs = 3;
    budget.batch_size = 16;
    return CvObjective(model, X, p.y, {make_splits(120, 1, 0.2, rng)}, {0}, budget, optimizer("sgd"), stop);
  };
  const StopToken stop;
  CvObjective ahead = hold_out(stop, sparse);
  ahead.set_threads(4);
  ASSERT_TRUE(ahead.looks_ahead());
  const double first = ahead.value(0.01, {0.02, 0.005, 0.01});
  EXPECT_EQ(ahead.scores().size(), 1u);  // the rates ahead are not scored yet
  stop.stop_after_steps(0);
  const double second = ahead.value(0.02, {0.04});  // kept aside: no training (nor looking further ahead)
  EXPECT_FALSE(ahead.interrupted());
  EXPECT_EQ(ahead.scores().size(), 2u);
  EXPECT_EQ(ahead.scores().at(0.02).stage, CandidateStage::kRefine);
  EXPECT_TRUE(std::isnan(ahead.value(0.04)));  // this one trains: the hook stops it
  CvObjective alone = hold_out(never(), sparse);
  alone.set_threads(1);
  EXPECT_FALSE(alone.looks_ahead());
  EXPECT_EQ(alone.value(0.01), first);
  EXPECT_EQ(alone.value(0.02, {0.005}), second);
  EXPECT_EQ(alone.scores().at(0.02).val_curve, ahead.scores().at(0.02).val_curve);
  EXPECT_EQ(alone.scores().at(0.02).train_curve, ahead.scores().at(0.02).train_curve);
  // Several runs keep the cores busy: no looking ahead.
  CvObjective folds = make_objective(model, p, 1);
  folds.set_threads(4);
  EXPECT_FALSE(folds.looks_ahead());
  // Dense stacks are matrix products whose sums follow the stack's width.
  CvObjective dense = hold_out(never(), p.features);
  dense.set_threads(4);
  EXPECT_FALSE(dense.looks_ahead());
}

TEST(DefaultAutoRepeats, ThreeUpToTheFoldsLimitThenOne) {
  EXPECT_EQ(default_auto_repeats(kMaxRowsForFolds), 3);
  EXPECT_EQ(default_auto_repeats(kMaxRowsForFolds + 1), 1);
  EXPECT_EQ(default_folds(kMaxRowsForFolds + 1), 1);  // a hold-out, scored once
}

TEST(CvObjective, DivergingRateScoresInfinity) {
  const Problem p = make_problem(60, false, 5);
  const Model model = make("linear", 3, 0, 0.0);
  CvObjective objective = make_objective(model, p, 1);
  EXPECT_TRUE(std::isinf(objective.value(1e100)));
  EXPECT_TRUE(objective.scores().at(1e100).diverged);
}

TEST(CvObjective, StopRequestAbandonsTheEvaluationInProgress) {
  const Problem p = make_problem(60, false, 5);
  const Model model = make("linear", 3, 0, 0.0);
  const StopToken stop;
  CvObjective objective = make_objective(model, p, 1, stop);
  objective.evaluate({0.001, 0.01}, CandidateStage::kGrid);
  // 4 folds x 3 epochs x 3 batches of 16 rows (45 training rows): stop in the third fold.
  stop.stop_after_steps(2 * 3 * 3 + 1);
  objective.evaluate({0.1, 0.2}, CandidateStage::kWiden);
  EXPECT_TRUE(objective.interrupted());
  EXPECT_TRUE(std::isnan(objective.value(0.3)));
  EXPECT_EQ(objective.scores().size(), 2u);  // only the finished evaluation
  EXPECT_TRUE(objective.scores().count(0.001) && objective.scores().count(0.01));
}

AutoConfig quick_config() {
  AutoConfig c;
  c.repeats = 3;
  c.budget.epochs = 3;
  c.budget.batch_size = 16;
  c.range.settings.steps = 60;
  return c;
}

TEST(RunAuto, RecommendsTheBestScoredRateInsideItsInterval) {
  const Problem p = make_problem(200, false, 6);
  const Model model = make("linear", 3, 0, 0.0);
  const Auto a = auto_run(model, optimizer("sgd"), p.X, p.y, p.rows, quick_config());
  ASSERT_TRUE(a.lr);
  EXPECT_EQ(a.folds, 5);
  EXPECT_EQ(a.seeds, (std::vector<std::uint64_t>{0, 1, 2}));
  double lowest = std::numeric_limits<double>::infinity();
  for (const auto& c : a.candidates) lowest = std::min(lowest, c.val_loss);
  const auto best = std::find_if(a.candidates.begin(), a.candidates.end(),
                                 [&](const CvObjective::Score& c) { return c.lr == *a.lr; });
  ASSERT_NE(best, a.candidates.end());
  EXPECT_EQ(best->val_loss, lowest);
  EXPECT_LE(a.interval_low, *a.lr);
  EXPECT_GE(a.interval_high, *a.lr);
  EXPECT_LT(best->val_loss, a.untrained_loss);
  EXPECT_EQ(a.repeat_best.size(), 3u);
  // The loss blows up inside [1e-7, 10] for least squares, so the bracket's
  // top is where the range tests stopped, and rates were refined.
  EXPECT_FALSE(a.stop_lrs.empty());
  EXPECT_TRUE(std::any_of(a.candidates.begin(), a.candidates.end(),
                          [](const CvObjective::Score& c) { return c.stage == CandidateStage::kRefine; }));
  EXPECT_FALSE(a.confidence.empty());
}

TEST(RunAuto, WidensWhenTheBestRateIsAtTheTop) {
  const Problem p = make_problem(150, true, 7);
  const Model model = make("logistic", 3, 2, 0.0);
  AutoConfig c = quick_config();
  c.max_lr = 1e-3;  // far too small for logistic regression on standardised data
  const Auto a = auto_run(model, optimizer("sgd"), p.X, p.y, p.rows, c);
  ASSERT_FALSE(a.widenings.empty());
  ASSERT_TRUE(a.lr);
  EXPECT_GT(*a.lr, 1e-2);
}

TEST(RunAuto, ReportsProgressFromZeroToOneWithoutGoingBack) {
  const Problem p = make_problem(100, true, 9);
  const Model model = make("logistic", 3, 2, 0.0);
  std::vector<double> seen;
  std::set<std::string> stages;
  auto_run(model, optimizer("sgd"), p.X, p.y, p.rows, quick_config(), never(), [&](double f, std::string_view stage) {
    seen.push_back(f);
    stages.emplace(stage);
  });
  ASSERT_GT(seen.size(), 10u);
  EXPECT_EQ(seen.front(), 0.0);
  EXPECT_EQ(seen.back(), 1.0);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_TRUE(stages.count("auto: range tests") && stages.count("auto: scoring candidate rates") &&
              stages.count("auto: refining"));
}

TEST(RunAuto, StoppedDuringTheRangeTestsHasNoRate) {
  const Problem p = make_problem(200, false, 6);
  const Model model = make("linear", 3, 0, 0.0);
  const StopToken stop;
  stop.stop_after_steps(30);
  const Auto a = auto_run(model, optimizer("sgd"), p.X, p.y, p.rows, quick_config(), stop);
  EXPECT_EQ(a.stopped_during, "range tests");
  ASSERT_EQ(a.range_tests.size(), 1u);
  EXPECT_EQ(a.range_tests[0].stop_reason, StopReason::kInterrupted);
  EXPECT_EQ(a.range_tests[0].points.size(), 30u);
  EXPECT_TRUE(a.candidates.empty());
  EXPECT_FALSE(a.lr);
  EXPECT_EQ(a.reason, "interrupted during the range tests, before any candidate rate was scored");
}

TEST(RunAuto, StoppedDuringTheGridKeepsTheRangeTestsAndHasNoRate) {
  const Problem p = make_problem(200, false, 6);
  const Model model = make("linear", 3, 0, 0.0);
  const Auto whole = auto_run(model, optimizer("sgd"), p.X, p.y, p.rows, quick_config());
  long range_steps = 0;
  for (const RangeTestResult& r : whole.range_tests) range_steps += static_cast<long>(r.points.size());
  const StopToken stop;
  stop.stop_after_steps(range_steps + 5);
  const Auto a = auto_run(model, optimizer("sgd"), p.X, p.y, p.rows, quick_config(), stop);
  EXPECT_EQ(a.stopped_during, "grid");
  ASSERT_EQ(a.range_tests.size(), 3u);
  for (std::size_t r = 0; r < 3; ++r) EXPECT_EQ(a.range_tests[r].points.size(), whole.range_tests[r].points.size());
  EXPECT_EQ(a.bracket_high, whole.bracket_high);
  EXPECT_TRUE(a.candidates.empty());
  EXPECT_FALSE(a.lr);
  EXPECT_EQ(a.untrained_loss, whole.untrained_loss);
}

// Raises the stop flag at the first progress report of `stage`.
ProgressFn stop_at(const StopToken& stop, std::string_view stage) {
  return [stop, stage](double, std::string_view now) {
    if (now == stage) stop.request(SIGINT);
  };
}

TEST(RunAuto, StoppedWhileWideningRecommendsTheBestGridRateWithLowConfidence) {
  const Problem p = make_problem(150, true, 7);
  const Model model = make("logistic", 3, 2, 0.0);
  AutoConfig c = quick_config();
  c.max_lr = 1e-3;  // the best rate is at the top: the range is widened
  const StopToken stop;
  const Auto a =
      auto_run(model, optimizer("sgd"), p.X, p.y, p.rows, c, stop, stop_at(stop, "auto: widening the range"));
  EXPECT_EQ(a.stopped_during, "widening");
  ASSERT_FALSE(a.candidates.empty());
  for (const CvObjective::Score& s : a.candidates) EXPECT_EQ(s.stage, CandidateStage::kGrid);
  ASSERT_TRUE(a.lr);
  EXPECT_EQ(*a.lr, a.candidates.back().lr);  // the top of the grid, where widening would have gone on
  EXPECT_EQ(a.confidence, "low");
  EXPECT_NE(a.confidence_reason.find("interrupted while widening"), std::string::npos);
}

TEST(RunAuto, StoppedWhileRefiningRecommendsTheBestScoredRate) {
  const Problem p = make_problem(200, false, 6);
  const Model model = make("linear", 3, 0, 0.0);
  const Auto whole = auto_run(model, optimizer("sgd"), p.X, p.y, p.rows, quick_config());
  const StopToken stop;
  const Auto a = auto_run(model, optimizer("sgd"), p.X, p.y, p.rows, quick_config(), stop, stop_at(stop, "auto: refining"));
  EXPECT_EQ(a.stopped_during, "refinement");
  ASSERT_TRUE(a.lr);
  double lowest = std::numeric_limits<double>::infinity();
  for (const CvObjective::Score& s : a.candidates) {
    EXPECT_NE(s.stage, CandidateStage::kRefine);
    lowest = std::min(lowest, s.val_loss);
  }
  const auto best = std::find_if(a.candidates.begin(), a.candidates.end(),
                                 [&](const CvObjective::Score& s) { return s.lr == *a.lr; });
  ASSERT_NE(best, a.candidates.end());
  EXPECT_EQ(best->val_loss, lowest);
  EXPECT_LT(a.candidates.size(), whole.candidates.size());
  EXPECT_NE(a.confidence, "high");
}

TEST(RunAuto, SameSeedSameResult) {
  const Problem p = make_problem(100, true, 8);
  const Model model = make("logistic", 3, 2, 0.0);
  const Auto a = auto_run(model, optimizer("adam"), p.X, p.y, p.rows, quick_config());
  const Auto b = auto_run(model, optimizer("adam"), p.X, p.y, p.rows, quick_config());
  ASSERT_TRUE(a.lr && b.lr);
  EXPECT_EQ(*a.lr, *b.lr);
  EXPECT_EQ(a.candidates.size(), b.candidates.size());
}

}  // namespace
}  // namespace lrfind

namespace lrfind {
namespace {

TEST(RunAutoThreads, SameResultWhateverTheThreads) {
  const Problem p = make_problem(300, true, 17);
  const Model model = make("logistic", 3, 2, 0.0);
  AutoConfig config;
  config.repeats = 2;
  config.folds = 3;
  config.budget.epochs = 2;
  config.budget.batch_size = 16;
  config.range.settings.steps = 30;
  config.threads = 1;
  const Auto one = auto_run(model, optimizer("adam"), p.features, p.y, p.rows, config);
  config.threads = 3;
  const Auto three = auto_run(model, optimizer("adam"), p.features, p.y, p.rows, config);
  ASSERT_EQ(one.candidates.size(), three.candidates.size());
  for (std::size_t i = 0; i < one.candidates.size(); ++i) {
    EXPECT_EQ(one.candidates[i].lr, three.candidates[i].lr);
    EXPECT_EQ(std::memcmp(&one.candidates[i].val_loss, &three.candidates[i].val_loss, sizeof(double)), 0);
  }
  EXPECT_EQ(one.lr, three.lr);
}

// One hold-out run, sparse rows stepped lazily (rates cut into more stacks,
// refinement looking ahead) and dense rows (neither), on one thread and on
// four: every candidate, curve and the recommendation are the same, bit for bit.
TEST(RunAutoThreads, OneHoldOutRunSameResultWhateverTheThreads) {
  const Problem p = make_problem(400, true, 21);
  const Features sparse = sparse_of(p.X);
  const Model model = make("logistic", 3, 2, 0.0);
  for (const Features* X : {&p.features, &sparse})
    for (const std::string name : {"sgd", "adam"}) {
      SCOPED_TRACE(fmt::format("{}, {}", X->sparse() ? "sparse" : "dense", name));
      AutoConfig config;
      config.repeats = 1;
      config.folds = 1;  // a hold-out
      config.budget.epochs = 2;
      config.budget.batch_size = 16;
      config.range.settings.steps = 30;
      config.threads = 1;
      const Auto one = auto_run(model, optimizer(name), *X, p.y, p.rows, config);
      config.threads = 4;
      const Auto four = auto_run(model, optimizer(name), *X, p.y, p.rows, config);
      ASSERT_EQ(one.candidates.size(), four.candidates.size());
      EXPECT_GE(std::count_if(one.candidates.begin(), one.candidates.end(),
                              [](const auto& c) { return c.stage == CandidateStage::kRefine; }),
                3);
      for (std::size_t i = 0; i < one.candidates.size(); ++i) {
        EXPECT_EQ(one.candidates[i].lr, four.candidates[i].lr);
        EXPECT_EQ(one.candidates[i].stage, four.candidates[i].stage);
        EXPECT_EQ(one.candidates[i].train_curve, four.candidates[i].train_curve);
        EXPECT_EQ(one.candidates[i].val_curve, four.candidates[i].val_curve);
      }
      EXPECT_EQ(one.lr, four.lr);
      // Looking two steps ahead, a refinement trains about every third rate it
      // scores: the rates trained ahead are the very ones the steps ask for.
      const auto refined = static_cast<std::size_t>(std::count_if(
          four.candidates.begin(), four.candidates.end(), [](const auto& c) { return c.stage == CandidateStage::kRefine; }));
      EXPECT_EQ(one.scored_from_ahead, 0u);
      if (X->sparse()) {
        EXPECT_LE(refined - four.scored_from_ahead, refined / 3 + 1) << refined << " refined";
      } else {
        EXPECT_EQ(four.scored_from_ahead, 0u);  // dense stacks do not look ahead
      }
    }
}

}  // namespace
}  // namespace lrfind
