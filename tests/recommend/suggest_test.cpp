#include "recommend/suggest.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace lrfind {
namespace {

std::optional<Suggestion> suggest(std::string_view rule, std::span<const double> lrs, std::span<const double> losses) {
  return builtin_rules().at(rule).suggest(lrs, losses);
}
std::optional<Suggestion> suggest_minimum(std::span<const double> lrs, std::span<const double> losses) {
  return suggest("minimum_div_10", lrs, losses);
}
std::optional<Suggestion> suggest_steepest(std::span<const double> lrs, std::span<const double> losses) {
  return suggest("steepest", lrs, losses);
}
std::optional<Suggestion> suggest_valley(std::span<const double> lrs, std::span<const double> losses) {
  return suggest("valley", lrs, losses);
}

std::vector<double> decades(std::size_t n) {
  std::vector<double> lrs;
  for (std::size_t i = 0; i < n; ++i) lrs.push_back(std::pow(10.0, static_cast<double>(i) - 5.0));
  return lrs;
}

TEST(SuggestMinimum, IsTheRateAtLowestLossOverTen) {
  const std::vector<double> losses{3, 2, 1, 2, 5};
  const auto s = suggest_minimum(decades(5), losses);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 2u);
  EXPECT_DOUBLE_EQ(s->lr, 1e-3 / 10);
  EXPECT_EQ(s->rule, "minimum_div_10");
}

TEST(SuggestSteepest, PicksTheSteepestForwardDrop) {
  // Drops per decade: -0.1, -2, -0.5, +3: steepest from point 1.
  const std::vector<double> losses{3.0, 2.9, 0.9, 0.4, 3.4};
  const auto s = suggest_steepest(decades(5), losses);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 1u);
  EXPECT_DOUBLE_EQ(s->lr, 1e-4);
}

TEST(SuggestSteepest, UsesLogSpacingOfRates) {
  // The same drop over a shorter log distance is steeper.
  const std::vector<double> lrs{1e-3, 1e-2, 1e-1, 2e-1};
  const std::vector<double> losses{3.0, 2.0, 1.0, 0.0};
  const auto s = suggest_steepest(lrs, losses);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 2u);
}

// Expected indices come from fastai's valley() (fastai/callback/schedule.py)
// run in Python on the same lists.
TEST(SuggestValley, MatchesFastaiOnANoisyCurve) {
  const std::vector<double> losses{2.0, 2.1, 1.9, 2.0, 1.8, 1.5, 1.2, 0.9, 0.7, 0.6, 0.65, 0.9, 1.5, 3.0};
  const auto s = suggest_valley(decades(losses.size()), losses);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 4u);
}

TEST(SuggestValley, MatchesFastaiOnASmoothBowl) {
  const std::vector<double> losses{1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.6, 0.8, 1.2, 2.0, 4.0};
  const auto s = suggest_valley(decades(losses.size()), losses);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 2u);
}

// fastai computes index -1 here (max_start = -1, sections = 2/3), and Python's
// lrs[-1] is the last point.
TEST(SuggestValley, ShortFallingCurveGivesFastaisLastPoint) {
  const std::vector<double> losses{2.0, 1.0};
  const auto s = suggest_valley(decades(2), losses);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 1u);
}

TEST(Suggest, EmptyCurvesGiveNothing) {
  const std::vector<double> none;
  EXPECT_FALSE(suggest_minimum(none, none));
  EXPECT_FALSE(suggest_steepest(none, none));
  EXPECT_FALSE(suggest_valley(none, none));
}

TEST(RuleRegistry, TheRangeMethodsRuleComesFirst) {
  EXPECT_EQ(builtin_rules().names(), (std::vector<std::string>{"minimum_div_10", "steepest", "valley"}));
  for (const RuleEntry& rule : builtin_rules()) {
    const std::vector<double> lrs{1e-3, 1e-2, 1e-1};
    const std::vector<double> losses{3.0, 1.0, 2.0};
    EXPECT_EQ(rule.suggest(lrs, losses)->rule, rule.name);  // each names itself
  }
}

TEST(SuggestionWindow, SkipsFirstTenthAndLastFive) {
  const Window w = suggestion_window(100, 100);
  EXPECT_EQ(w.begin, 10u);
  EXPECT_EQ(w.end, 95u);
  const Window stopped = suggestion_window(40, 100);
  EXPECT_EQ(stopped.begin, 10u);
  EXPECT_EQ(stopped.end, 35u);
}

TEST(SuggestionWindow, ShortCurveUsesEverything) {
  const Window w = suggestion_window(12, 100);
  EXPECT_EQ(w.begin, 0u);
  EXPECT_EQ(w.end, 12u);
}

// fastai's valley loop, quadratic, as fastai writes it: the reference the
// O(n log n) rule must match index for index.
std::size_t fastai_valley_index(const std::vector<double>& losses) {
  const std::size_t n = losses.size();
  std::vector<long> lds(n, 1);
  long max_start = 0;
  std::size_t max_end = 0;
  for (std::size_t i = 1; i < n; ++i)
    for (std::size_t j = 0; j < i; ++j) {
      if (losses[i] < losses[j] && lds[i] < lds[j] + 1) lds[i] = lds[j] + 1;
      if (lds[max_end] < lds[i]) {
        max_end = i;
        max_start = static_cast<long>(max_end) - lds[max_end];
      }
    }
  const double sections = static_cast<double>(static_cast<long>(max_end) - max_start) / 3.0;
  long raw = max_start + static_cast<long>(sections) + static_cast<long>(sections / 2.0);
  if (raw < 0) raw += static_cast<long>(n);
  return static_cast<std::size_t>(std::clamp(raw, 0L, static_cast<long>(n) - 1));
}

TEST(SuggestValley, MatchesFastaisQuadraticLoopOnNoisyCurvesWithTiesAndNaN) {
  std::mt19937_64 gen(7);
  std::uniform_int_distribution<int> level(0, 12);  // few levels: many ties
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t n = 1 + static_cast<std::size_t>(trial % 97);
    std::vector<double> losses;
    for (std::size_t i = 0; i < n; ++i) {
      const double u = unit(gen);
      losses.push_back(u < 0.03 ? std::nan("") : u < 0.05 ? INFINITY : trial % 2 ? level(gen) : 5.0 - 0.04 * i + u);
    }
    const auto s = suggest_valley(decades(n), losses);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->index, fastai_valley_index(losses)) << "trial " << trial;
  }
}

}  // namespace
}  // namespace lrfind
