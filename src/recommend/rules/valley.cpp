// fastai's `valley` (its default since 2.4): the longest strictly decreasing
// run (a longest decreasing subsequence), then a point about half way into it.
// The same choice as fastai's quadratic loop, in O(n log n).
#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include "recommend/suggest.hpp"

namespace lrfind {

namespace {

// The length of the longest strictly decreasing subsequence ending at each
// point: 1 + the longest ending at an earlier, higher point (NaN is higher or
// lower than nothing). A Fenwick tree of prefix maxima over the losses'
// ranks, highest first, so O(n log n) where fastai's loop is quadratic (a
// range test of 200,000 steps took seconds here, and Ctrl-C waited for it).
std::vector<long> decreasing_runs(std::span<const double> losses) {
  const std::size_t n = losses.size();
  std::vector<double> levels;
  for (const double loss : losses)
    if (!std::isnan(loss)) levels.push_back(loss);
  std::sort(levels.begin(), levels.end(), std::greater<>());
  levels.erase(std::unique(levels.begin(), levels.end()), levels.end());
  std::vector<long> tree(levels.size() + 1, 0);  // 1-based; tree[k]: a maximum over ranks below k
  std::vector<long> run(n, 1);
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(losses[i])) continue;
    // Ranks 1..rank-1 hold the strictly higher losses.
    const std::size_t rank = static_cast<std::size_t>(
        std::lower_bound(levels.begin(), levels.end(), losses[i], std::greater<>()) - levels.begin() + 1);
    long best = 0;
    for (std::size_t k = rank - 1; k > 0; k -= k & (~k + 1)) best = std::max(best, tree[k]);
    run[i] = best + 1;
    for (std::size_t k = rank; k < tree.size(); k += k & (~k + 1)) tree[k] = std::max(tree[k], run[i]);
  }
  return run;
}

std::optional<Suggestion> valley(std::span<const double> lrs, std::span<const double> losses) {
  const std::size_t n = losses.size();
  if (n == 0 || lrs.size() != n) return std::nullopt;
  // The first longest run, as fastai's loop finds it: its inner loop moves
  // max_end to i the moment run[i] passes the longest so far, M, which
  // happens when run[i] becomes M + 1 (an earlier higher point with run M):
  // so max_start is i - (M + 1) whatever run[i] grows to after.
  const std::vector<long> run = decreasing_runs(losses);
  long max_start = 0;
  std::size_t max_end = 0;
  for (std::size_t i = 1; i < n; ++i) {
    if (run[i] <= run[max_end]) continue;
    max_start = static_cast<long>(i) - (run[max_end] + 1);
    max_end = i;
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
