#include "recommend/suggest.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace lrfind {

std::optional<Suggestion> suggest_minimum(std::span<const double> lrs, std::span<const double> losses) {
  if (losses.empty() || lrs.size() != losses.size()) return std::nullopt;
  const std::size_t best = static_cast<std::size_t>(std::min_element(losses.begin(), losses.end()) - losses.begin());
  return Suggestion{"minimum_div_10", lrs[best] / 10.0, best};
}

std::optional<Suggestion> suggest_steepest(std::span<const double> lrs, std::span<const double> losses) {
  if (losses.size() < 2 || lrs.size() != losses.size()) return std::nullopt;
  std::size_t best = 0;
  double best_slope = 0.0;
  for (std::size_t i = 0; i + 1 < losses.size(); ++i) {
    const double run = std::log(lrs[i + 1]) - std::log(lrs[i]);
    if (!(run > 0.0)) continue;
    const double slope = (losses[i + 1] - losses[i]) / run;
    if (i == 0 || slope < best_slope) {
      best = i;
      best_slope = slope;
    }
  }
  return Suggestion{"steepest", lrs[best], best};
}

std::optional<Suggestion> suggest_valley(std::span<const double> lrs, std::span<const double> losses) {
  const std::size_t n = losses.size();
  if (n == 0 || lrs.size() != n) return std::nullopt;
  // Longest strictly decreasing subsequence ending at each point, keeping the
  // first longest; fastai's valley, quadratic in the number of points.
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

Window suggestion_window(std::size_t recorded, int planned_steps) {
  const std::size_t begin = static_cast<std::size_t>(std::max(planned_steps, 0) / 10);
  const std::size_t end = recorded >= 5 ? recorded - 5 : 0;
  if (end < begin + 2) return {0, recorded};
  return {begin, end};
}

}  // namespace lrfind
