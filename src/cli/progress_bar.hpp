// A progress bar on standard error for runs that take more than a moment:
// drawn only when standard error is a terminal, from half a second on, at most
// ten times a second, and erased when the run ends.
#pragma once

#include <chrono>
#include <string_view>

namespace lrfind::cli {

class ProgressBar {
 public:
  // Draws from `delay` seconds into the run on (LR_FIND_PROGRESS_AFTER in the
  // environment overrides the default half second; 0 draws at once).
  explicit ProgressBar(bool enabled, double delay = 0.5) : enabled_(enabled), delay_(delay), start_(Clock::now()) {}
  ~ProgressBar() { finish(); }
  void update(double fraction, std::string_view stage);
  void finish();

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  double delay_;
  bool drawn_ = false;
  Clock::time_point start_;
  Clock::time_point last_{};
};

}  // namespace lrfind::cli
