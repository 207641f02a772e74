#include "cli/progress_bar.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <string>

namespace lrfind::cli {

void ProgressBar::update(double fraction, std::string_view stage) {
  if (!enabled_) return;
  const Clock::time_point now = Clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (elapsed < delay_ || (drawn_ && now - last_ < std::chrono::milliseconds(100))) return;
  last_ = now;
  drawn_ = true;
  constexpr int kWidth = 24;
  const int filled = static_cast<int>(fraction * kWidth + 0.5);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(kWidth - filled), '.');
  std::string eta;
  if (fraction > 0.05) eta = fmt::format("  ETA {:.0f}s", elapsed * (1.0 - fraction) / fraction);
  fmt::print(stderr, "\r[{}] {:3.0f}%  {}{}\033[K", bar, 100.0 * fraction, stage, eta);
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (!drawn_) return;
  fmt::print(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace lrfind::cli
