// Stopping a run cleanly (Ctrl-C, SIGTERM, or a caller that gives up). Each
// run has its own stop token: the caller keeps a copy and calls request()
// from anywhere (a signal handler, another thread); the run's training loops
// poll it once per batch or step and return what they finished, marked as cut
// short, and the reader polls it once per block and throws Interrupted, since
// nothing is finished yet. Two runs in one process stop separately. The
// library never installs a signal handler and reads no environment variable.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "lrfind/error.hpp"

namespace lrfind {

class StopToken {
 public:
  StopToken();

  // Records that `signal` (SIGINT, SIGTERM; any number for other reasons)
  // asked the run to stop; the first request wins. Async-signal-safe: one
  // lock-free atomic compare-and-exchange. Returns whether this call was first.
  bool request(int signal) const noexcept;
  bool requested() const noexcept;
  int signal() const noexcept;  // the signal that asked, 0 when none has

  // Called by the training loops once before every batch or step; true when
  // the run should stop now.
  bool training_step() const noexcept;

  // A test hook the caller may set: after `steps` calls to training_step()
  // (counted over every loop of the run: range tests, grid and auto alike), the
  // next one requests a stop as request(SIGINT) would, so that a test stops a
  // run after an exact number of steps without racing a real signal.
  void stop_after_steps(long steps) const noexcept;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// "SIGINT", "SIGTERM", or "signal N".
std::string signal_name(int signal);

// Thrown when a stop was requested before any result existed (while reading
// the input, or before the first training step). The exit status is 128 +
// signal, as a shell reports a process killed by it: 130 for SIGINT, 143 for
// SIGTERM.
class Interrupted : public Error {
 public:
  Interrupted(int signal, std::string_view during);
  int exit_code() const override { return 128 + signal_; }
  int signal() const { return signal_; }

 private:
  int signal_;
};

// Throws Interrupted (`during` says what was going on) if a stop was requested.
void throw_if_stopped(const StopToken& stop, std::string_view during);

}  // namespace lrfind
