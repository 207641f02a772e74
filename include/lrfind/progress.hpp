// Progress reports from long runs: the fraction done and what is being done,
// and warnings for a person. The library only calls these functions; the
// caller decides whether and how to show them (the command line draws a bar).
#pragma once

#include <functional>
#include <string_view>

namespace lrfind {

// Called with a fraction in [0, 1] that never decreases, and the stage.
// A run may call it from any of its threads, but never two calls at once.
using ProgressFn = std::function<void(double fraction, std::string_view stage)>;

// A warning for a person ("dropped 3 of 100 rows ..."), from the calling thread.
using MessageSink = std::function<void(std::string_view)>;

}  // namespace lrfind
