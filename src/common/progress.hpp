// The run's side of progress reports: one Progress per run serialises the
// caller's ProgressFn (training runs on several threads at once), keeps the
// fraction from going back, and lets each stage report within its own part
// of the whole. A ProgressPlan gives the stages parts in proportion to their
// estimated costs (search/cost.hpp), so that the fraction tracks time, and a
// counting Progress lets the training loops report work as they do it, from
// any thread, for the price of an atomic add.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string_view>

#include "lrfind/progress.hpp"

namespace lrfind {

class Progress {
 public:
  Progress() = default;
  explicit Progress(ProgressFn fn);
  // Reports `fraction` of this part (0..1); safe from any thread. An empty
  // stage is the part's own.
  void report(double fraction, std::string_view stage = {}) const;
  // The part [begin, end) of this one, as fractions of it, reporting `stage`
  // when its callers name none.
  Progress part(double begin, double end, std::string_view stage = {}) const;
  bool active() const { return shared_ != nullptr; }

  // A copy that counts `total` units of work done in this part: add(w), from
  // any thread, advances it by w / total. A report is made each time the
  // count has moved the whole bar by another kReportStep, and otherwise at
  // most every kReportInterval (a long run moves the bar slowly); in between
  // an add costs an atomic add and a look at the clock, so a loop may add
  // every few microseconds. The work a part counts is the work its estimate
  // (search/cost.hpp) assumed.
  Progress counting(double total) const;
  bool counts() const { return counter_ != nullptr; }
  void add(double work) const;
  double counted() const { return counter_ ? counter_->done.load() : 0.0; }  // the work added so far
  static constexpr double kReportStep = 1.0 / 2000;
  static constexpr std::chrono::milliseconds kReportInterval{50};

  // Where the whole run's bar is, as a fraction of this part (0 before it,
  // 1 past it).
  double position() const;

 private:
  struct Shared {
    ProgressFn fn;
    std::mutex mutex;
    double last = 0.0;
  };
  struct Counter {
    double total = 0.0;
    double step = 0.0;  // work between two reports
    std::atomic<double> done = 0.0;
    std::atomic<double> next = 0.0;  // report once done reaches it
    std::atomic<std::chrono::steady_clock::rep> due{0};  // or once the clock does
  };
  std::shared_ptr<Shared> shared_;
  std::shared_ptr<Counter> counter_;
  double begin_ = 0.0;
  double end_ = 1.0;
  std::string_view stage_;  // a literal
};

// Shares what is left of a Progress among the stages still to come, in
// proportion to their estimated costs. Each stage starts where the bar is
// (a stage that did less than its estimate leaves its unused share to the
// next ones instead of making the bar jump), and the estimate of what
// remains can change as the run learns more (a widening found necessary, a
// refinement that converges early).
class ProgressPlan {
 public:
  // `cost`: the estimated cost of every stage to come.
  ProgressPlan(Progress whole, double cost) : whole_(std::move(whole)), remaining_(cost) {}
  // The part of the bar for the next stage, of estimated cost `cost`: its
  // share of what remains, taken out of the remaining cost.
  Progress next(double cost, std::string_view stage = {});
  // The estimated cost of the stages still to come changed.
  void replan(double cost) { remaining_ = cost; }
  double remaining() const { return remaining_; }

 private:
  Progress whole_;
  double remaining_;
};

}  // namespace lrfind
