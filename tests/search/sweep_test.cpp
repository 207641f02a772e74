#include "search/sweep.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "lrfind/error.hpp"

namespace lrfind {
namespace {

TEST(Sweep, ExponentialHitsBoundsAndGeometricMidpoint) {
  const Sweep sweep(1e-7, 10.0, 101, SweepKind::kExponential);
  EXPECT_DOUBLE_EQ(sweep.lr_at(0), 1e-7);
  EXPECT_DOUBLE_EQ(sweep.lr_at(100), 10.0);
  // i/(S-1) = 1/2 -> sqrt(1e-7 · 10) = 1e-3
  EXPECT_DOUBLE_EQ(sweep.lr_at(50), 1e-3);
  // Equal ratio between neighbours: (1e8)^(1/100)
  EXPECT_NEAR(sweep.lr_at(11) / sweep.lr_at(10), std::pow(1e8, 0.01), 1e-12);
}

TEST(Sweep, LinearIsEvenlySpaced) {
  const Sweep sweep(0.1, 1.1, 11, SweepKind::kLinear);
  EXPECT_DOUBLE_EQ(sweep.lr_at(0), 0.1);
  EXPECT_DOUBLE_EQ(sweep.lr_at(5), 0.6);
  EXPECT_DOUBLE_EQ(sweep.lr_at(10), 1.1);
}

TEST(Sweep, SingleStepUsesMinimum) {
  EXPECT_EQ(Sweep(0.01, 1.0, 1, SweepKind::kExponential).lr_at(0), 0.01);
}

TEST(LogSpaced, DecadesAreExact) {
  const std::vector<double> rates = log_spaced(1e-4, 1.0, 5);
  ASSERT_EQ(rates.size(), 5u);
  EXPECT_EQ(rates[0], 1e-4);
  EXPECT_EQ(rates[1], 1e-3);
  EXPECT_EQ(rates[2], 1e-2);
  EXPECT_EQ(rates[3], 1e-1);
  EXPECT_EQ(rates[4], 1.0);
}

// Recommendations of repeated range tests are the median of the repeats' rates.
TEST(MedianRate, OddCountIsTheMiddleOfTheSortedRates) {
  EXPECT_EQ(median_rate({0.3}), 0.3);
  EXPECT_EQ(median_rate({0.01, 0.04, 0.02}), 0.02);
  EXPECT_EQ(median_rate({5.0, 1e-3, 0.7, 2e-5, 0.03}), 0.03);
}

TEST(MedianRate, EvenCountIsTheGeometricMeanOfTheMiddleTwo) {
  // sqrt(0.01 · 0.04) = 0.02, not the arithmetic 0.025.
  EXPECT_DOUBLE_EQ(median_rate({0.04, 0.01}), 0.02);
  EXPECT_DOUBLE_EQ(median_rate({1.0, 1e-4, 9e-2, 1e-3}), std::sqrt(1e-3 * 9e-2));
}

TEST(MedianRate, IgnoresTheOrderOfItsInput) {
  const double expected = 0.2;
  for (const std::vector<double>& rates : std::vector<std::vector<double>>{
           {0.1, 0.2, 0.3}, {0.3, 0.2, 0.1}, {0.2, 0.3, 0.1}, {0.3, 0.1, 0.2}})
    EXPECT_EQ(median_rate(rates), expected) << rates[0] << " " << rates[1] << " " << rates[2];
}

TEST(SweepKind, ParsesNamesAndRejectsOthers) {
  EXPECT_EQ(parse_sweep_kind("exp"), SweepKind::kExponential);
  EXPECT_EQ(parse_sweep_kind("linear"), SweepKind::kLinear);
  EXPECT_THROW(parse_sweep_kind("cosine"), UsageError);
}

}  // namespace
}  // namespace lrfind
