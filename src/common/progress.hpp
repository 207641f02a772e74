// The run's side of progress reports: one Progress per run serialises the
// caller's ProgressFn (training runs on several threads at once), keeps the
// fraction from going back, and lets each stage report within its own part
// of the whole.
#pragma once

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

 private:
  struct Shared {
    ProgressFn fn;
    std::mutex mutex;
    double last = 0.0;
  };
  std::shared_ptr<Shared> shared_;
  double begin_ = 0.0;
  double end_ = 1.0;
  std::string_view stage_;  // a literal
};

}  // namespace lrfind
