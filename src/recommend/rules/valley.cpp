// fastai's `valley` (its default since 2.4): the longest strictly decreasing
// run (a longest decreasing subsequence), then a point about half way into it.
#include <algorithm>
#include <vector>

#include "recommend/suggest.hpp"

namespace lrfind {

namespace {

std::optional<Suggestion> valley(std::span<const double> lrs, std::span<const double> losses) {
  const std::size_t n = losses.size();
  if (n == 0 || lrs.size() != n) return std::nullopt;
  // Longest strictly decreasing subsequence ending at each point, keeping the
  // first longest; quadratic in the number of points, as fastai's.
  std::vector<long> run(n, 1);
  long max_start = 0;
  std::size_t max_end = 0;
  for (std::size_t i = 1; i < n; ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (losses[i] < losses[j] && run[i] < run[j] + 1) run[i] = run[j] + 1;
      if (run[max_end] < run[i]) {
        max_end = i;
        max_start = static_cast<long>(max_end) - run[max_end];
      }
    }
  }
  // As fastai, max_start is one before the run, so on a curve that falls from
  // its first point the index can be -1, which Python reads as the last point.
  const double sections = static_cast<double>(static_cast<long>(max_end) - max_start) / 3.0;
  long raw = max_start + static_cast<long>(sections) + static_cast<long>(sections / 2.0);
  if (raw < 0) raw += static_cast<long>(n);
  const std::size_t index = static_cast<std::size_t>(std::clamp(raw, 0L, static_cast<long>(n) - 1));
  return Suggestion{"valley", lrs[index], index};
}

}  // namespace

RuleEntry valley_rule() {
  return {"valley", "fastai's default: about half way into the longest decreasing stretch", valley};
}

}  // namespace lrfind
