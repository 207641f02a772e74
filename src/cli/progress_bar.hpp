// A progress bar on standard error for runs that take more than a moment:
// drawn only when standard error is a terminal, from half a second on, and
// erased when the run ends. It redraws when a report moves it (at most ten
// times a second) and, from its own thread, at least every quarter second
// even when none comes, so that the time left counts down.
//
// The time left is computed from the work done against the whole: the
// library's fraction is weighted by each stage's estimated cost
// (search/cost.hpp), so the run's whole time is estimated as the time at
// which the fraction reached its current value divided by that fraction, and
// the time left is that estimate minus the time now. Between reports it
// counts down; a report that shows slower progress puts it up again.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace lrfind::cli {

class ProgressBar {
 public:
  // Seconds since some fixed start; the bar's own clock unless a test gives one.
  using Clock = std::function<double()>;
  // Where the drawing goes; standard error unless a test gives a function.
  using Sink = std::function<void(std::string_view)>;

  // Draws from `delay` seconds into the run on (LR_FIND_PROGRESS_AFTER in the
  // environment overrides the default half second; 0 draws at once).
  explicit ProgressBar(bool enabled, double delay = 0.5, Clock clock = {}, Sink sink = {});
  ~ProgressBar() { finish(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // A report from the run (any thread, one at a time).
  void update(double fraction, std::string_view stage);
  // Redraws with the time now, if the bar is due (the refreshing thread calls it).
  void tick();
  // Starts the thread that calls tick() every `period`.
  void refresh_every(std::chrono::milliseconds period);
  // Stops refreshing and erases the bar.
  void finish();
  // Prints a line of its own (a warning), the bar erased first and redrawn at the next tick.
  void print_line(std::string_view line);

  // The estimated seconds left at `now`, or a negative number while too
  // little is done to say (under 5%).
  double eta(double now) const;

 private:
  void draw(double now);  // with mutex_ held

  bool enabled_;
  double delay_;
  Clock clock_;
  Sink sink_;
  mutable std::mutex mutex_;
  bool drawn_ = false;
  double last_draw_ = 0.0;
  double fraction_ = 0.0;
  double fraction_time_ = 0.0;  // when the fraction reached its value
  std::string stage_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread refresher_;
};

}  // namespace lrfind::cli
