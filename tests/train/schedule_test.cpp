#include "train/schedule.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "lrfind/error.hpp"

namespace lrfind {
namespace {

TrainingSchedule schedule(std::string_view name, long total) { return TrainingSchedule(schedule_named(name), total); }


TEST(TrainingSchedule, ConstantIsOne) {
  const TrainingSchedule s = schedule("constant", 100);
  EXPECT_EQ(s.factor(0), 1.0);
  EXPECT_EQ(s.factor(99), 1.0);
}

TEST(TrainingSchedule, StepDropsTenfoldAtHalfAndThreeQuarters) {
  const TrainingSchedule s = schedule("step", 100);
  EXPECT_EQ(s.factor(49), 1.0);
  EXPECT_DOUBLE_EQ(s.factor(50), 0.1);
  EXPECT_DOUBLE_EQ(s.factor(74), 0.1);
  EXPECT_DOUBLE_EQ(s.factor(75), 0.01);
}

TEST(TrainingSchedule, ExponentialReachesOnePercentAtTheEnd) {
  const TrainingSchedule s = schedule("exponential", 10);
  EXPECT_EQ(s.factor(0), 1.0);
  EXPECT_NEAR(s.factor(5), 0.1, 1e-15);  // 0.01^(5/10)
  const auto params = s.parameters(0.5);
  EXPECT_EQ(params[1].name, "gamma");
  EXPECT_NEAR(std::pow(params[1].value, 10), 0.01, 1e-15);
}

TEST(TrainingSchedule, CosineAnnealsToZero) {
  const TrainingSchedule s = schedule("cosine", 100);
  EXPECT_EQ(s.factor(0), 1.0);
  EXPECT_NEAR(s.factor(50), 0.5, 1e-15);
  EXPECT_NEAR(s.factor(25), (1 + std::cos(M_PI / 4)) / 2, 1e-15);
}

// torch.optim.lr_scheduler.OneCycleLR(max_lr=1, total_steps=100): starts at
// 1/25, peaks at step 0.3·100 - 1 = 29, ends at 1/25/1e4 on step 99.
TEST(TrainingSchedule, OneCycleMatchesTorchPhases) {
  const TrainingSchedule s = schedule("onecycle", 100);
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
  const TrainingSchedule s = schedule("invscaling", 100);
  EXPECT_EQ(s.factor(0), 1.0);
  EXPECT_DOUBLE_EQ(s.factor(15), 1.0 / 2.0);  // 16^-0.25
  const TrainingSchedule half(schedule_named("invscaling"), 100, ScheduleOptions{0.5});
  EXPECT_DOUBLE_EQ(half.factor(15), 1.0 / 4.0);  // 16^-0.5
  EXPECT_EQ(half.parameters(0.1).back().name, "power_t");
  EXPECT_EQ(half.parameters(0.1).back().value, 0.5);
}

TEST(ScheduleRegistry, HoldsEveryScheduleInOrderAndRejectsOthers) {
  EXPECT_EQ(builtin_schedules().names(),
            (std::vector<std::string>{"constant", "step", "exponential", "cosine", "onecycle", "invscaling"}));
  for (const ScheduleEntry& e : builtin_schedules()) {
    EXPECT_FALSE(e.help.empty()) << e.name;
    EXPECT_EQ(schedule(e.name, 10).name(), e.name);
  }
  EXPECT_THROW(schedule_named("cyclic"), UsageError);
}

}  // namespace
}  // namespace lrfind
