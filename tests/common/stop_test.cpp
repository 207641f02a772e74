#include "lrfind/stop.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

namespace lrfind {
namespace {

TEST(StopToken, FirstRequestWins) {
  const StopToken stop;
  EXPECT_FALSE(stop.requested());
  EXPECT_EQ(stop.signal(), 0);
  EXPECT_TRUE(stop.request(SIGTERM));
  EXPECT_FALSE(stop.request(SIGINT));
  EXPECT_TRUE(stop.requested());
  EXPECT_EQ(stop.signal(), SIGTERM);
}

TEST(StopToken, CopiesShareOneRequestAndTwoRunsStopSeparately) {
  const StopToken mine;
  const StopToken copy = mine;  // what a caller keeps to stop the run
  const StopToken other;         // another run's
  copy.request(SIGINT);
  EXPECT_TRUE(mine.requested());
  EXPECT_TRUE(mine.training_step());
  EXPECT_FALSE(other.requested());
  EXPECT_FALSE(other.training_step());
}

TEST(StopToken, TrainingStepsDoNotStopWithoutARequestOrHook) {
  const StopToken stop;
  for (int i = 0; i < 1000; ++i) ASSERT_FALSE(stop.training_step());
  stop.request(SIGINT);
  EXPECT_TRUE(stop.training_step());
}

TEST(StopToken, TestHookStopsAfterExactlyNSteps) {
  const StopToken stop;
  stop.stop_after_steps(3);
  EXPECT_FALSE(stop.training_step());
  EXPECT_FALSE(stop.training_step());
  EXPECT_FALSE(stop.training_step());
  EXPECT_TRUE(stop.training_step());
  EXPECT_EQ(stop.signal(), SIGINT);
}

TEST(StopToken, TestHookZeroStopsBeforeTheFirstStep) {
  const StopToken stop;
  stop.stop_after_steps(0);
  EXPECT_TRUE(stop.training_step());
}

TEST(StopToken, StepsCountedFromManyThreadsStopOnce) {
  const StopToken stop;
  stop.stop_after_steps(1000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) stop.training_step();
    });
  for (std::thread& t : threads) t.join();
  EXPECT_FALSE(stop.requested());  // 800 steps
  for (int i = 0; i < 200; ++i) EXPECT_FALSE(stop.training_step());
  EXPECT_TRUE(stop.training_step());  // the 1001st: none lost to a race
  EXPECT_EQ(stop.signal(), SIGINT);
}

TEST(Interrupted, ExitStatusIs128PlusTheSignal) {
  const Interrupted by_int(SIGINT, "while reading the input");
  EXPECT_EQ(by_int.exit_code(), 130);
  EXPECT_STREQ(by_int.what(), "interrupted by SIGINT while reading the input");
  EXPECT_EQ(Interrupted(SIGTERM, "x").exit_code(), 143);
  EXPECT_EQ(signal_name(SIGTERM), "SIGTERM");
}

TEST(Interrupted, ThrownOnlyWhenAStopWasRequested) {
  const StopToken stop;
  EXPECT_NO_THROW(throw_if_stopped(stop, "now"));
  stop.request(SIGTERM);
  try {
    throw_if_stopped(stop, "now");
    ADD_FAILURE() << "no Interrupted thrown";
  } catch (const Interrupted& e) {
    EXPECT_EQ(e.signal(), SIGTERM);
  }
}

}  // namespace
}  // namespace lrfind
