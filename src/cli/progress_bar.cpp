#include "cli/progress_bar.hpp"

#include <cstdio>
#include <fmt/format.h>

namespace lrfind::cli {

namespace {

// Redraws: at most this often on reports, at least about this often (with
// the refreshing thread's period added) without.
constexpr double kReportRedraw = 0.1;
constexpr double kTickRedraw = 0.15;

// "7s", "2m05s", "1h02m".
std::string duration_text(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
}

}  // namespace

ProgressBar::ProgressBar(bool enabled, double delay, Clock clock, Sink sink)
    : enabled_(enabled), delay_(delay), clock_(std::move(clock)), sink_(std::move(sink)) {
  if (!clock_) {
    const auto start = std::chrono::steady_clock::now();
    clock_ = [start] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  }
  if (!sink_) {
    sink_ = [](std::string_view text) {
      fmt::print(stderr, "{}", text);
      std::fflush(stderr);
    };
  }
}

void ProgressBar::update(double fraction, std::string_view stage) {
  if (!enabled_) return;
  const std::lock_guard lock(mutex_);
  const double now = clock_();
  if (fraction > fraction_) {
    fraction_ = fraction;
    fraction_time_ = now;
  }
  stage_ = stage;
  if (now < delay_ || (drawn_ && now - last_draw_ < kReportRedraw)) return;
  draw(now);
}

void ProgressBar::tick() {
  if (!enabled_) return;
  const std::lock_guard lock(mutex_);
  const double now = clock_();
  if (now < delay_ || (drawn_ && now - last_draw_ < kTickRedraw)) return;
  draw(now);
}

double ProgressBar::eta(double now) const {
  const std::lock_guard lock(mutex_);
  if (fraction_ < 0.05) return -1.0;
  return std::max(0.0, fraction_time_ / fraction_ - now);
}

void ProgressBar::draw(double now) {
  constexpr int kWidth = 24;
  const int filled = static_cast<int>(fraction_ * kWidth + 0.5);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(kWidth - filled), '.');
  std::string eta;
  if (fraction_ >= 0.05) eta = "  ETA " + duration_text(std::max(0.0, fraction_time_ / fraction_ - now));
  sink_(fmt::format("\r[{}] {:3.0f}%  {}{}\033[K", bar, 100.0 * fraction_, stage_, eta));
  drawn_ = true;
  last_draw_ = now;
}

void ProgressBar::refresh_every(std::chrono::milliseconds period) {
  if (!enabled_ || refresher_.joinable()) return;
  refresher_ = std::thread([this, period] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      wake_.wait_for(lock, period);
      if (stopping_) break;
      lock.unlock();
      tick();
      lock.lock();
    }
  });
}

void ProgressBar::finish() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (refresher_.joinable()) refresher_.join();
  const std::lock_guard lock(mutex_);
  if (!drawn_) return;
  sink_("\r\033[K");
  drawn_ = false;
}

void ProgressBar::print_line(std::string_view line) {
  const std::lock_guard lock(mutex_);
  if (drawn_) sink_("\r\033[K");
  drawn_ = false;
  sink_(fmt::format("{}\n", line));
}

}  // namespace lrfind::cli
