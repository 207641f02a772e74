#include "train/schedule.hpp"

#include <gtest/gtest.h>

#include <cmath>

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

TEST(SweepKind, ParsesNamesAndRejectsOthers) {
  EXPECT_EQ(parse_sweep_kind("exp"), SweepKind::kExponential);
  EXPECT_EQ(parse_sweep_kind("linear"), SweepKind::kLinear);
  EXPECT_THROW(parse_sweep_kind("cosine"), UsageError);
}

}  // namespace
}  // namespace lrfind

namespace lrfind {
namespace {

TEST(TrainingSchedule, ConstantIsOne) {
  const TrainingSchedule s(ScheduleKind::kConstant, 100);
  EXPECT_EQ(s.factor(0), 1.0);
  EXPECT_EQ(s.factor(99), 1.0);
}

TEST(TrainingSchedule, StepDropsTenfoldAtHalfAndThreeQuarters) {
  const TrainingSchedule s(ScheduleKind::kStep, 100);
  EXPECT_EQ(s.factor(49), 1.0);
  EXPECT_DOUBLE_EQ(s.factor(50), 0.1);
  EXPECT_DOUBLE_EQ(s.factor(74), 0.1);
  EXPECT_DOUBLE_EQ(s.factor(75), 0.01);
}

TEST(TrainingSchedule, ExponentialReachesOnePercentAtTheEnd) {
  const TrainingSchedule s(ScheduleKind::kExponential, 10);
  EXPECT_EQ(s.factor(0), 1.0);
  EXPECT_NEAR(s.factor(5), 0.1, 1e-15);  // 0.01^(5/10)
  const auto params = s.parameters(0.5);
  EXPECT_EQ(params[1].name, "gamma");
  EXPECT_NEAR(std::pow(params[1].value, 10), 0.01, 1e-15);
}

TEST(TrainingSchedule, CosineAnnealsToZero) {
  const TrainingSchedule s(ScheduleKind::kCosine, 100);
  EXPECT_EQ(s.factor(0), 1.0);
  EXPECT_NEAR(s.factor(50), 0.5, 1e-15);
  EXPECT_NEAR(s.factor(25), (1 + std::cos(M_PI / 4)) / 2, 1e-15);
}

// torch.optim.lr_scheduler.OneCycleLR(max_lr=1, total_steps=100): starts at
// 1/25, peaks at step 0.3·100 - 1 = 29, ends at 1/25/1e4 on step 99.
TEST(TrainingSchedule, OneCycleMatchesTorchPhases) {
  const TrainingSchedule s(ScheduleKind::kOneCycle, 100);
  EXPECT_NEAR(s.factor(0), 1.0 / 25, 1e-15);
  EXPECT_NEAR(s.factor(29), 1.0, 1e-15);
  EXPECT_NEAR(s.factor(99), 1.0 / 25 / 1e4, 1e-18);
  // Halfway up the warm-up: the cosine midpoint of 1/25 and 1.
  EXPECT_NEAR(s.factor(14), 1.0 + (1.0 / 25 - 1.0) / 2 * (std::cos(M_PI * 14 / 29.0) + 1), 1e-15);
  const auto params = s.parameters(0.3);
  EXPECT_EQ(params[0].name, "max_lr");
  EXPECT_EQ(params[0].value, 0.3);
  EXPECT_EQ(params[1].value, 25.0);
  EXPECT_EQ(params[2].value, 1e4);
  EXPECT_EQ(params[3].value, 0.3);
}

TEST(TrainingSchedule, InvScalingIsScikitLearnsPowerLaw) {
  const TrainingSchedule s(ScheduleKind::kInvScaling, 100);
  EXPECT_EQ(s.factor(0), 1.0);
  EXPECT_DOUBLE_EQ(s.factor(15), 1.0 / 2.0);  // 16^-0.25
}

TEST(ScheduleKind, ParsesEveryName) {
  for (const char* name : {"constant", "step", "exponential", "cosine", "onecycle", "invscaling"})
    EXPECT_EQ(to_string(parse_schedule_kind(name)), name);
  EXPECT_THROW(parse_schedule_kind("cyclic"), UsageError);
}

}  // namespace
}  // namespace lrfind
