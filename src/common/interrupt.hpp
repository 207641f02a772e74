// Stopping a long run cleanly on Ctrl-C (SIGINT) or SIGTERM. The command line
// installs a signal handler that calls request_stop(); the training loops poll
// stop_training_step() once per batch or step and return what they finished,
// marked as cut short; the CSV loader polls stop_requested() once per block and
// throws Interrupted, since nothing is finished yet. The library never installs
// a handler itself.
#pragma once

#include <string>
#include <string_view>

#include "lrfind/error.hpp"

namespace lrfind {

// Records that `signal` asked the run to stop (the first request wins).
// Async-signal-safe: one lock-free atomic compare-and-exchange.
// Returns whether this call was the first to ask.
bool request_stop(int signal) noexcept;
bool stop_requested() noexcept;
int stop_signal() noexcept;  // the signal that asked, 0 when none has
void clear_stop() noexcept;  // forgets the request and restarts the test hook's step count

// Called by the training loops once before every batch or step; true when the
// run should stop now.
//
// Test hook: when the environment variable LR_FIND_TEST_INTERRUPT_AFTER_STEPS
// holds a number N, the N+1th call raises the flag itself, as request_stop(SIGINT)
// would, so that tests stop a run after exactly N training steps (counted over
// every loop of the run: range tests, grid and auto training alike) without
// racing a real signal. The variable is read at the first call after start-up or
// clear_stop().
bool stop_training_step() noexcept;

// "SIGINT", "SIGTERM", or "signal N".
std::string signal_name(int signal);

// Thrown when a stop was requested before any result existed (while reading the
// input, or before the first training step). The exit status is 128 + signal,
// as a shell reports a process killed by it: 130 for SIGINT, 143 for SIGTERM.
class Interrupted : public Error {
 public:
  Interrupted(int signal, std::string_view during);
  int exit_code() const override { return 128 + signal_; }
  int signal() const { return signal_; }

 private:
  int signal_;
};

// Throws Interrupted (`during` says what was going on) if a stop was requested.
void throw_if_stop_requested(std::string_view during);

}  // namespace lrfind
