#include "common/interrupt.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>

#include "cli/cli_support.hpp"

namespace lrfind {
namespace {

using testing::ScopedInterruptAfter;

TEST(StopFlag, FirstRequestWinsUntilCleared) {
  clear_stop();
  EXPECT_FALSE(stop_requested());
  EXPECT_EQ(stop_signal(), 0);
  request_stop(SIGTERM);
  request_stop(SIGINT);
  EXPECT_TRUE(stop_requested());
  EXPECT_EQ(stop_signal(), SIGTERM);
  clear_stop();
  EXPECT_FALSE(stop_requested());
  EXPECT_EQ(stop_signal(), 0);
}

TEST(StopFlag, TrainingStepsDoNotStopWithoutARequestOrHook) {
  ::unsetenv("LR_FIND_TEST_INTERRUPT_AFTER_STEPS");
  clear_stop();
  for (int i = 0; i < 1000; ++i) ASSERT_FALSE(stop_training_step());
  request_stop(SIGINT);
  EXPECT_TRUE(stop_training_step());
  clear_stop();
}

TEST(StopFlag, TestHookStopsAfterExactlyNSteps) {
  const ScopedInterruptAfter hook(3);
  EXPECT_FALSE(stop_training_step());
  EXPECT_FALSE(stop_training_step());
  EXPECT_FALSE(stop_training_step());
  EXPECT_TRUE(stop_training_step());
  EXPECT_EQ(stop_signal(), SIGINT);
  clear_stop();  // restarts the count
  EXPECT_FALSE(stop_training_step());
}

TEST(StopFlag, TestHookZeroStopsBeforeTheFirstStep) {
  const ScopedInterruptAfter hook(0);
  EXPECT_TRUE(stop_training_step());
}

TEST(Interrupted, ExitStatusIs128PlusTheSignal) {
  const Interrupted by_int(SIGINT, "while reading the input");
  EXPECT_EQ(by_int.exit_code(), 130);
  EXPECT_STREQ(by_int.what(), "interrupted by SIGINT while reading the input");
  EXPECT_EQ(Interrupted(SIGTERM, "x").exit_code(), 143);
  EXPECT_EQ(signal_name(SIGTERM), "SIGTERM");
}

TEST(Interrupted, ThrownOnlyWhenAStopWasRequested) {
  clear_stop();
  EXPECT_NO_THROW(throw_if_stop_requested("now"));
  request_stop(SIGTERM);
  try {
    throw_if_stop_requested("now");
    ADD_FAILURE() << "no Interrupted thrown";
  } catch (const Interrupted& e) {
    EXPECT_EQ(e.signal(), SIGTERM);
  }
  clear_stop();
}

}  // namespace
}  // namespace lrfind
