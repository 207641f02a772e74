// Progress reports from long runs: the fraction done and what is being done.
// The library only calls the function; the command line decides whether and
// how to draw it.
#pragma once

#include <functional>
#include <string_view>

namespace lrfind {

using ProgressFn = std::function<void(double fraction, std::string_view stage)>;

}  // namespace lrfind
