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
  return p;
}

}  // namespace lrfind
