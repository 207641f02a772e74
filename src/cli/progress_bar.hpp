// A progress bar on standard error for runs that take more than a moment:
// drawn only when standard error is a terminal, from half a second on, at most
// ten times a second, and erased when the run ends.
#pragma once

#include <chrono>
#include <string_view>

namespace lrfind::cli {

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled), start_(Clock::now()) {}
  ~ProgressBar() { finish(); }
  void update(double fraction, std::string_view stage);
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  bool drawn_ = false;
  Clock::time_point start_;
  Clock::time_point last_{};
};

}  // namespace lrfind::cli
