#include "common/progress.hpp"

#include <algorithm>

namespace lrfind {

Progress::Progress(ProgressFn fn) {
  if (fn) {
    shared_ = std::make_shared<Shared>();
    shared_->fn = std::move(fn);
  }
}

void Progress::report(double fraction, std::string_view stage) const {
  if (!shared_) return;
  const double whole = begin_ + (end_ - begin_) * std::clamp(fraction, 0.0, 1.0);
  const std::lock_guard lock(shared_->mutex);
  shared_->last = std::max(shared_->last, whole);
  shared_->fn(shared_->last, stage.empty() ? stage_ : stage);
}

Progress Progress::part(double begin, double end, std::string_view stage) const {
  Progress p = *this;
  if (!stage.empty()) p.stage_ = stage;
  p.begin_ = begin_ + (end_ - begin_) * begin;
  p.end_ = begin_ + (end_ - begin_) * end;
  p.counter_ = nullptr;
  return p;
}

Progress Progress::counting(double total) const {
  Progress p = *this;
  p.counter_ = nullptr;
  if (!shared_) return p;  // nobody listens: an add costs nothing
  p.counter_ = std::make_shared<Counter>();
  p.counter_->total = std::max(total, 1e-300);
  // A report each kReportStep of the whole bar, and at least a few per part.
  const double width = end_ - begin_;
  p.counter_->step = std::min(p.counter_->total / 8, width > 0 ? p.counter_->total * kReportStep / width : total);
  p.counter_->next = p.counter_->step;
  return p;
}

void Progress::add(double work) const {
  if (!counter_) return;
  const double done = counter_->done.fetch_add(work, std::memory_order_relaxed) + work;
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  const auto later = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(kReportInterval).count();
  auto due = counter_->due.load(std::memory_order_relaxed);
  double next = counter_->next.load(std::memory_order_relaxed);
  // Of the threads that see the count past the mark (or the clock past due),
  // the one that moves the mark reports.
  if (done >= next) {
    if (!counter_->next.compare_exchange_strong(next, done + counter_->step, std::memory_order_relaxed)) return;
    counter_->due.store(later, std::memory_order_relaxed);
  } else if (now < due || !counter_->due.compare_exchange_strong(due, later, std::memory_order_relaxed)) {
    return;
  }
  report(done / counter_->total);
}

double Progress::position() const {
  if (!shared_) return 0.0;
  const std::lock_guard lock(shared_->mutex);
  if (end_ <= begin_) return shared_->last >= end_ ? 1.0 : 0.0;
  return std::clamp((shared_->last - begin_) / (end_ - begin_), 0.0, 1.0);
}

Progress ProgressPlan::next(double cost, std::string_view stage) {
  const double start = whole_.position();
  const double share = remaining_ > 0.0 ? std::clamp(cost / remaining_, 0.0, 1.0) : 1.0;
  remaining_ = std::max(0.0, remaining_ - cost);
  return whole_.part(start, start + (1.0 - start) * share, stage);
}

}  // namespace lrfind
