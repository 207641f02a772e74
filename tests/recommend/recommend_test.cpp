// The recommendations as pure functions of what a search measured, on
// hand-made measurements: the grid's, the range test's (one and repeated),
// auto's, and lr-find check's verdict.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "common/ratio.hpp"
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

TEST(RecommendGrid, AnUnstableRateJustAboveIsNamedWithARatioThatShowsTheGap) {
  // 0.103 diverges, 1.03x above the best rate 0.1: not "within 1x of 0.103".
  const Recommendation rec = recommend_grid(
      {grid_rate(0.05, {5, 4.5}), grid_rate(0.1, {5, 4}), grid_rate(0.103, {5, kInf}, true)}, true, 6.0);
  ASSERT_TRUE(rec.lr);
  ASSERT_EQ(rec.warnings.size(), 1u);
  EXPECT_NE(rec.warnings[0].find("within 1.03x of 0.103"), std::string::npos) << rec.warnings[0];
}

TEST(RatioText, ThreeSignificantDigitsKeptSoThatNearOneIsNotOne) {
  EXPECT_EQ(ratio_text(1.03), "1.03");
  EXPECT_EQ(ratio_text(1.0004), "1.00");
  EXPECT_EQ(ratio_text(3.0), "3.00");
  EXPECT_EQ(ratio_text(12.34), "12.3");
  EXPECT_EQ(ratio_text(1733.2), "1733");
  EXPECT_EQ(ratio_text(0.5), "0.500");
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

// A score of `lr` whose three runs (one fold, three repeats) end at `runs`.
CvObjective::Score score_runs(double lr, std::vector<double> runs, double untrained = 10) {
  CvObjective::Score s;
  s.lr = lr;
  s.run_losses = runs;
  s.val_loss_by_repeat = runs;
  double sum = 0;
  for (double v : runs) {
    sum += v;
    s.diverged = s.diverged || !std::isfinite(v);
    s.unstable = s.unstable || !(v < untrained);
  }
  s.val_loss = s.diverged ? kInf : sum / static_cast<double>(runs.size());
  return s;
}

// A score of `lr` with loss `v` in every one of three repeats.
CvObjective::Score score(double lr, double v) { return score_runs(lr, {v, v, v}); }

AutoSearch search_of(std::vector<CvObjective::Score> candidates, double untrained) {
  AutoSearch s;
  s.seeds = {0, 1, 2};
  s.folds = 1;
  s.candidates = std::move(candidates);
  s.untrained_loss = untrained;
  s.untrained_by_run = {untrained, untrained, untrained};
  s.bracket_low = s.candidates.empty() ? 0 : s.candidates.front().lr;
  s.bracket_high = s.candidates.empty() ? 0 : s.candidates.back().lr;
  return s;
}

TEST(RecommendAuto, BestStableRateAndTheNearBestRatesAroundIt) {
  // Excess over the best (loss 4): 0.005 at 0.1, inside the 5% floor; 0.125 at 1, outside.
  const AutoSearch s = search_of({score(0.001, 9), score(0.01, 5), score(0.1, 4.02), score(0.3, 4), score(1, 4.5),
                                  score(3, kInf)},
                                 10);
  const AutoRecommendation rec = recommend_auto(s);
  ASSERT_TRUE(rec.lr);
  EXPECT_EQ(*rec.lr, 0.3);
  ASSERT_TRUE(rec.interval);
  EXPECT_EQ(rec.interval->first, 0.1);
  EXPECT_EQ(rec.interval->second, 0.3);
  EXPECT_EQ(rec.repeat_best, (std::vector<double>{0.3, 0.3, 0.3}));
  ASSERT_TRUE(rec.margin_to_instability);
  EXPECT_DOUBLE_EQ(*rec.margin_to_instability, 10.0);  // 3 diverged
  EXPECT_TRUE(rec.warnings.empty());
}

TEST(RecommendAuto, ExcessLossIsScaledByTheBestLossNotTheUntrainedOne) {
  // A model that fits well: best 0.25, untrained 8622. A rate 1000x worse than
  // the best is 3% of the way to the untrained loss, but far from near-best.
  const AutoSearch s = search_of({score_runs(3e-5, {260, 261, 262}, 8622), score_runs(2e-4, {0.25, 0.25, 0.25}, 8622),
                                  score_runs(2e-3, {0.26, 0.25, 0.26}, 8622)},
                                 8622);
  const AutoRecommendation rec = recommend_auto(s);
  ASSERT_TRUE(rec.lr);
  EXPECT_EQ(*rec.lr, 2e-4);
  EXPECT_EQ(rec.interval->first, 2e-4);
  // Scaled by max(V*, 0.01 V0) = 86.22: excess 3.02, where the regret
  // (V - V*)/(V0 - V*) is 0.03.
  EXPECT_NEAR(rec.assessments[0].excess, (261 - 0.25) / 86.22, 1e-9);
  EXPECT_FALSE(rec.assessments[0].near_best);
}

TEST(RecommendAuto, AMeanThatHidesABlowUpIsUnstableAndTheRecommendationKeepsAMargin) {
  // At 0.0174 two of three runs train and one ends above the untrained model
  // (28.4): its mean is not the best, but it must not be recommended or be
  // the near-best interval's end; the best stable rate 0.011 is only 1.6x
  // below it, so a lower near-best rate with a 2x margin is preferred.
  const AutoSearch s = search_of({score(0.003, 3.8), score(0.005, 3.66), score(0.011, 3.65),
                                  score_runs(0.0174, {3.7, 3.7, 30.9}, 28.4), score(0.05, kInf)},
                                 28.4);
  const AutoRecommendation rec = recommend_auto(s);
  ASSERT_TRUE(rec.lr);
  EXPECT_FALSE(rec.assessments[3].stable);
  EXPECT_EQ(rec.reference->lr, 0.011);
  EXPECT_EQ(*rec.lr, 0.005);  // near-best (excess 0.003) and 3.5x from the unstable rate
  EXPECT_LT(rec.interval->second, 0.0174);
  ASSERT_TRUE(rec.margin_to_instability);
  EXPECT_NEAR(*rec.margin_to_instability, 0.0174 / 0.005, 1e-12);
}

TEST(RecommendAuto, ErraticRunsAreUnstableBeforeAnyDiverges) {
  // At 0.15 every run beats the untrained model but one is thrown far off:
  // unstable, and 1.5x above the best rate 0.1, so the recommendation moves
  // to the near-best 0.05, 3x below it.
  const AutoSearch s =
      search_of({score(0.025, 4.5), score(0.05, 4.1), score(0.1, 4), score_runs(0.15, {4.0, 4.0, 8.5})}, 10);
  const AutoRecommendation rec = recommend_auto(s);
  EXPECT_TRUE(rec.assessments[3].erratic);
  EXPECT_FALSE(rec.assessments[3].stable);
  ASSERT_TRUE(rec.lr);
  EXPECT_EQ(*rec.lr, 0.05);
  EXPECT_EQ(*rec.unstable_above, 0.15);
  EXPECT_DOUBLE_EQ(*rec.margin_to_instability, 3.0);
  EXPECT_EQ(rec.interval->second, 0.1);
}

TEST(RecommendAuto, TheBandComesFromThePairedNoise) {
  // The best's runs 4, 4.4, 3.6; the other rate's 4.3, 4.5, 3.7: paired
  // differences 0.3, 0.1, 0.1, mean 0.167 (excess 0.042), standard error
  // 0.0667 (0.0167 in excess units; 2 SE = 0.033 < the 5% floor).
  const Reference ref{0.1, 4.0, 10.0, 4.0, {4.0, 4.4, 3.6}, {10, 10, 10}};
  const Assessment a = assess(score_runs(0.2, {4.3, 4.5, 3.7}), ref);
  EXPECT_NEAR(a.excess, 0.5 / 3 / 4, 1e-12);
  EXPECT_DOUBLE_EQ(a.band, 0.05);
  EXPECT_TRUE(a.near_best);
  EXPECT_EQ(a.paired_runs, 3u);
  // Noisier differences (1.5, -0.3, 0.3: mean 0.5, SE 0.529): 2 SE = 0.26 in excess units, capped at 0.15.
  const Assessment noisy = assess(score_runs(0.2, {5.5, 4.1, 3.9}), ref);
  EXPECT_DOUBLE_EQ(noisy.band, 0.15);
  EXPECT_TRUE(noisy.near_best);  // excess 0.125
  EXPECT_NE(band_basis(3).find("2 standard errors"), std::string::npos);
  EXPECT_NE(band_basis(1).find("the floor"), std::string::npos);
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

TEST(RecommendAuto, AtAGivenBoundTheAnswerSaysSo) {
  AutoSearch s = search_of({score(0.01, 8), score(0.03, 6), score(0.1, 4)}, 10);
  s.max_given = true;
  const AutoRecommendation rec = recommend_auto(s);
  ASSERT_TRUE(rec.lr);
  EXPECT_EQ(*rec.lr, 0.1);
  EXPECT_EQ(rec.confidence, Confidence::kLow);
  EXPECT_NE(rec.confidence_reason.find("--max-lr"), std::string::npos);
  ASSERT_EQ(rec.warnings.size(), 1u);
  EXPECT_NE(rec.warnings[0].find("--max-lr"), std::string::npos);
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
  rec.band_basis = band_basis(3);  // auto's and grid's near-best interval
  return rec;
}

// Check inputs against a best rate 0.1 whose three runs end at 4, with the
// untrained model at 10 on every run.
CheckInputs check_of(double lr, const CvObjective::Score& checked) {
  CheckInputs in;
  in.lr = lr;
  in.checked = &checked;
  in.untrained_by_run = {10, 10, 10};
  in.reference = Reference{0.1, 4.0, 10.0, 4.0, {4, 4, 4}, {10, 10, 10}};
  return in;
}

TEST(CheckRate, ItsOwnExcessLossAgainstTheBandDecides) {
  const Recommendation rec = recommended(0.1, 0.05, 0.2);
  const CvObjective::Score near = score_runs(0.3, {4.1, 4.1, 4.1});  // excess 0.025
  const CheckResult pass = check_rate(rec, check_of(0.3, near));
  EXPECT_EQ(pass.verdict, Verdict::kPass);
  EXPECT_NEAR(*pass.excess_loss, 0.025, 1e-12);
  EXPECT_DOUBLE_EQ(*pass.loss_ratio, 4.1 / 4);
  EXPECT_EQ(pass.runs, 3u);

  const CvObjective::Score far = score_runs(0.8, {4.6, 4.6, 4.6});  // excess 0.15 > 0.05
  const CheckResult high = check_rate(rec, check_of(0.8, far));
  EXPECT_EQ(high.verdict, Verdict::kTooHigh);
  EXPECT_DOUBLE_EQ(*high.factor, 4.0);
  const CheckResult low = check_rate(rec, check_of(0.01, far));
  EXPECT_EQ(low.verdict, Verdict::kTooLow);
  EXPECT_DOUBLE_EQ(*low.factor, 5.0);

  CheckInputs tolerant = check_of(0.8, far);
  tolerant.tolerance = 3.0;  // allows excess up to 3 x 0.05
  EXPECT_EQ(check_rate(rec, tolerant).verdict, Verdict::kPass);
  tolerant.tolerance = 2.9;
  EXPECT_EQ(check_rate(rec, tolerant).verdict, Verdict::kTooHigh);
}

TEST(CheckRate, AnyRunThatFailsMakesItUnstableWhateverItsMean) {
  const Recommendation rec = recommended(0.1, 0.05, 0.2);
  const CvObjective::Score worse = score_runs(0.15, {4, 4, 11});
  const CheckResult w = check_rate(rec, check_of(0.15, worse));  // inside the interval, still unstable
  EXPECT_EQ(w.verdict, Verdict::kUnstable);
  EXPECT_EQ(w.unstable_runs, 1u);
  EXPECT_NE(w.message.find("no better than the untrained model in 1 of 3 runs"), std::string::npos) << w.message;
  const CvObjective::Score diverged = score_runs(0.3, {4, kInf, 4});
  const CheckResult d = check_rate(rec, check_of(0.3, diverged));
  EXPECT_EQ(d.verdict, Verdict::kUnstable);
  EXPECT_NE(d.message.find("diverged in 1 of 3"), std::string::npos) << d.message;
  EXPECT_FALSE(d.excess_loss);
  EXPECT_EQ(check_rate(Recommendation{}, check_of(0.3, diverged)).verdict, Verdict::kNoRecommendation);
}

// Too high or too low is said of the best rate the loss is measured
// against, not of a recommendation kept below it (range's, or auto's kept
// from an unstable rate).
TEST(CheckRate, HighOrLowIsOfTheBestRate) {
  Recommendation rec = recommended(0.02, 0.02, 0.02);
  rec.band_basis.clear();  // range: the repeats' spread
  const CvObjective::Score far = score_runs(0.05, {4.6, 4.6, 4.6});
  EXPECT_EQ(check_rate(rec, check_of(0.05, far)).verdict, Verdict::kTooLow);   // below the best, 0.1
  EXPECT_EQ(check_rate(rec, check_of(0.5, far)).verdict, Verdict::kTooHigh);
}

TEST(CheckRate, InsideTheIntervalAStableRatePasses) {
  // The interval's rates were measured near-best; a re-measurement a hair
  // outside the band at a rate inside it does not flip the verdict.
  const Recommendation rec = recommended(0.1, 0.05, 0.2);
  const CvObjective::Score edge = score_runs(0.2, {4.21, 4.21, 4.21});  // excess 0.0525
  EXPECT_EQ(check_rate(rec, check_of(0.2, edge)).verdict, Verdict::kPass);
  EXPECT_EQ(check_rate(rec, check_of(0.21, edge)).verdict, Verdict::kTooHigh);
  // Range's interval is its repeats' spread, not near-best rates: inside it
  // the rate's own loss still decides.
  Recommendation spread = rec;
  spread.band_basis.clear();
  EXPECT_EQ(check_rate(spread, check_of(0.2, edge)).verdict, Verdict::kTooHigh);
}

}  // namespace
}  // namespace lrfind
