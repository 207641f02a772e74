// The recommendations as pure functions of what a search measured, on
// hand-made measurements: the grid's, the range test's (one and repeated),
// auto's, and lr-find check's verdict.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "recommend/auto.hpp"
#include "recommend/check.hpp"
#include "recommend/grid.hpp"
#include "recommend/range.hpp"

namespace lrfind {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

GridRateResult grid_rate(double lr, std::vector<double> val, bool diverged = false) {
  GridRateResult r;
  r.lr = lr;
  r.val_loss = val;
  r.train_loss = val;
  r.diverged = diverged;
  return r;
}

TEST(RecommendGrid, LowestFinalLossThatBeatsTheUntrainedModel) {
  const std::vector<GridRateResult> grid{grid_rate(0.01, {5, 4}), grid_rate(0.1, {3, 2}),
                                         grid_rate(1.0, {2, kInf}, true)};
  const Recommendation rec = recommend_grid(grid, true, 6.0);
  ASSERT_TRUE(rec.lr);
  EXPECT_EQ(*rec.lr, 0.1);  // the diverged rate's last finite loss does not count
  EXPECT_EQ(rec.rule, "lowest_final_validation_loss");
  EXPECT_EQ(recommend_grid(grid, false, 6.0).rule, "lowest_final_training_loss");
}

TEST(RecommendGrid, NoRateWhenNoneEndsBelowTheUntrainedModelOrAllDiverge) {
  const Recommendation worse = recommend_grid({grid_rate(0.01, {7, 6.5}), grid_rate(0.1, {6, 6.2})}, true, 6.0);
  EXPECT_FALSE(worse.lr);
  EXPECT_NE(worse.reason.find("no rate ended below the untrained model"), std::string::npos);
  const Recommendation diverged = recommend_grid({grid_rate(1, {kInf}, true), grid_rate(2, {kInf}, true)}, true, 6.0);
  EXPECT_FALSE(diverged.lr);
  EXPECT_EQ(diverged.reason, "every rate diverged; try smaller rates");
}

// A range test whose smoothed loss falls to a minimum at point `at` and
// rises after it: 60 points from 1e-5 by factors of 1.2.
RangeTestResult valley_curve(int at, StopReason stop = StopReason::kLossDiverged) {
  RangeTestResult r;
  for (int i = 0; i < 60; ++i) {
    const double loss = 1.0 + 0.01 * (i - at) * (i - at);
    r.points.push_back({i, 1e-5 * std::pow(1.2, i), loss, loss});
  }
  r.stop_reason = stop;
  return r;
}

TEST(RecommendRange, MinimumDividedByTenIsTheRecommendation) {
  const Registry<RuleEntry> rules = builtin_rules();
  const RangeTestResult curve = valley_curve(30);
  const Recommendation rec = recommend_range(curve, 100, rules);
  ASSERT_TRUE(rec.lr);
  EXPECT_DOUBLE_EQ(*rec.lr, curve.points[30].lr / 10);
  EXPECT_EQ(rec.rule, "minimum_div_10");
  EXPECT_EQ(rec.suggestions.size(), 3u);
}

TEST(RecommendRange, RepeatsGiveTheMedianAndTheirSpread) {
  const Registry<RuleEntry> rules = builtin_rules();
  const std::vector<RangeTestResult> runs{valley_curve(20), valley_curve(30), valley_curve(25)};
  const Recommendation rec = recommend_range_repeats(runs, 100, rules);
  ASSERT_TRUE(rec.lr);
  EXPECT_DOUBLE_EQ(*rec.lr, runs[2].points[25].lr / 10);  // the middle one, not the first or the lowest
  ASSERT_TRUE(rec.interval);
  EXPECT_DOUBLE_EQ(rec.interval->first, runs[0].points[20].lr / 10);
  EXPECT_DOUBLE_EQ(rec.interval->second, runs[1].points[30].lr / 10);
  // A spread of 1.2^10 = 6.2 between the repeats: low confidence.
  EXPECT_EQ(rec.confidence, Confidence::kLow);
}

TEST(RecommendRange, BlowingUpWithinTheFirstTenthGivesNoRate) {
  RangeTestResult r = valley_curve(0);
  r.points.resize(5);
  const Recommendation rec = recommend_range(r, 100, builtin_rules());
  EXPECT_FALSE(rec.lr);
  EXPECT_NE(rec.reason.find("blew up within the first 5 steps"), std::string::npos);
}

// A score of `lr` with loss `v` in every one of three repeats.
CvObjective::Score score(double lr, double v) {
  CvObjective::Score s;
  s.lr = lr;
  s.val_loss = v;
  s.val_loss_by_repeat = {v, v, v};
  s.diverged = !std::isfinite(v);
  return s;
}

AutoSearch search_of(std::vector<CvObjective::Score> candidates, double untrained) {
  AutoSearch s;
  s.seeds = {0, 1, 2};
  s.folds = 1;
  s.candidates = std::move(candidates);
  s.untrained_loss = untrained;
  return s;
}

TEST(RecommendAuto, BestScoredRateAndItsNearBestNeighbours) {
  const AutoSearch s = search_of({score(0.001, 9), score(0.01, 5), score(0.1, 4.02), score(0.3, 4), score(1, 4.5),
                                  score(3, kInf)},
                                 10);
  const AutoRecommendation rec = recommend_auto(s);
  ASSERT_TRUE(rec.lr);
  EXPECT_EQ(*rec.lr, 0.3);
  ASSERT_TRUE(rec.interval);
  EXPECT_EQ(rec.interval->first, 0.1);  // 0.02 above the best
  EXPECT_EQ(rec.interval->second, 0.3);
  EXPECT_EQ(rec.repeat_best, (std::vector<double>{0.3, 0.3, 0.3}));
}

TEST(RecommendAuto, NoRateWhenNothingBeatsTheUntrainedModel) {
  const AutoRecommendation rec = recommend_auto(search_of({score(0.01, 10.5), score(0.1, kInf)}, 10));
  EXPECT_FALSE(rec.lr);
  EXPECT_NE(rec.reason.find("untrained model"), std::string::npos);
  EXPECT_EQ(rec.confidence, Confidence::kLow);
}

TEST(RecommendAuto, AFlatCurveOrAnEdgeIsLowConfidence) {
  const AutoRecommendation flat = recommend_auto(search_of({score(0.01, 9.99), score(0.1, 9.95), score(1, 9.97)}, 10));
  EXPECT_EQ(flat.confidence, Confidence::kLow);
  EXPECT_NE(flat.confidence_reason.find("flat"), std::string::npos);
  const AutoRecommendation edge = recommend_auto(search_of({score(0.01, 8), score(0.1, 6), score(1, 4)}, 10));
  EXPECT_EQ(edge.confidence, Confidence::kLow);
  EXPECT_NE(edge.confidence_reason.find("edge"), std::string::npos);
}

TEST(RecommendAuto, CutShortBeforeTheGridThereIsNoRate) {
  AutoSearch s = search_of({}, 10);
  s.interrupted_during = AutoStage::kRangeTests;
  EXPECT_FALSE(recommend_auto(s).lr);
  s.interrupted_during = AutoStage::kGrid;
  EXPECT_NE(recommend_auto(s).reason.find("interrupted while scoring"), std::string::npos);
}

Recommendation recommended(double lr, double low, double high) {
  Recommendation rec;
  rec.lr = lr;
  rec.interval = std::make_pair(low, high);
  return rec;
}

TEST(CheckRate, InsideTheIntervalPassesAndOutsideIsTooHighOrTooLow) {
  const Recommendation rec = recommended(0.1, 0.05, 0.2);
  CheckInputs in;
  in.lr = 0.15;
  EXPECT_EQ(check_rate(rec, in).verdict, Verdict::kPass);
  in.lr = 0.8;
  const CheckResult high = check_rate(rec, in);
  EXPECT_EQ(high.verdict, Verdict::kTooHigh);
  EXPECT_DOUBLE_EQ(*high.factor, 4.0);
  in.lr = 0.01;
  const CheckResult low = check_rate(rec, in);
  EXPECT_EQ(low.verdict, Verdict::kTooLow);
  EXPECT_DOUBLE_EQ(*low.factor, 5.0);
  in.tolerance = 5.0;  // widens the interval to [0.01, 1]
  EXPECT_EQ(check_rate(rec, in).verdict, Verdict::kPass);
}

TEST(CheckRate, ItsOwnLossDecidesOutsideTheInterval) {
  const Recommendation rec = recommended(0.1, 0.05, 0.2);
  const CvObjective::Score near = score(0.3, 4.1);
  CheckInputs in;
  in.lr = 0.3;
  in.checked = &near;
  in.untrained_loss = 10;
  in.best_loss = 4;
  EXPECT_EQ(check_rate(rec, in).verdict, Verdict::kPass);  // regret 0.1/6, near-best
  const CvObjective::Score worse = score(0.3, 11);
  in.checked = &worse;
  EXPECT_EQ(check_rate(rec, in).verdict, Verdict::kUnstable);  // ends above the untrained model
  const CvObjective::Score diverged = score(0.3, kInf);
  in.checked = &diverged;
  const CheckResult c = check_rate(rec, in);
  EXPECT_EQ(c.verdict, Verdict::kUnstable);
  EXPECT_NE(c.message.find("diverges"), std::string::npos);
  EXPECT_EQ(check_rate(Recommendation{}, in).verdict, Verdict::kNoRecommendation);
}

}  // namespace
}  // namespace lrfind
