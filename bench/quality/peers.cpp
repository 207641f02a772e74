// The suggestion rules of fastai, PyTorch Lightning and torch-lr-finder,
// reimplemented from their sources, read from lr-find's own range test.
#include "peers.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "recommend/suggest.hpp"

namespace quality {

namespace {

// numpy.gradient(f) with unit spacing (edge_order 1): central differences
// inside, one-sided differences at both ends. Needs at least 2 points.
std::vector<double> numpy_gradient(std::span<const double> f) {
  const std::size_t n = f.size();
  std::vector<double> g(n);
  g[0] = f[1] - f[0];
  g[n - 1] = f[n - 1] - f[n - 2];
  for (std::size_t i = 1; i + 1 < n; ++i) g[i] = (f[i + 1] - f[i - 1]) / 2.0;
  return g;
}

// numpy.gradient(f, x) / torch.gradient(f, spacing=[x]) on the coordinates x:
// the second-order formula for uneven spacing inside, one-sided at the ends.
std::vector<double> gradient_on(std::span<const double> f, std::span<const double> x) {
  const std::size_t n = f.size();
  std::vector<double> g(n);
  g[0] = (f[1] - f[0]) / (x[1] - x[0]);
  g[n - 1] = (f[n - 1] - f[n - 2]) / (x[n - 1] - x[n - 2]);
  for (std::size_t i = 1; i + 1 < n; ++i) {
    const double h1 = x[i] - x[i - 1];
    const double h2 = x[i + 1] - x[i];
    g[i] = (h1 * h1 * f[i + 1] - h2 * h2 * f[i - 1] + (h2 * h2 - h1 * h1) * f[i]) / (h1 * h2 * (h1 + h2));
  }
  return g;
}

std::size_t first_argmin(const std::vector<double>& v) {
  return static_cast<std::size_t>(std::min_element(v.begin(), v.end()) - v.begin());
}

// PyTorch Lightning, src/lightning/pytorch/tuner/lr_finder.py,
// _LRFinder.suggestion(skip_begin=10, skip_end=1): the recorded (smoothed)
// losses [10:-1], non-finite ones dropped, then the argmin of their gradient.
// Before Lightning 2.5.3 the gradient is over the index (np.gradient(losses),
// torch.gradient(losses) since PR #17264); 2.5.3 (PR #21055) passes
// spacing=[lrs], the gradient against the rate itself (`against_lr`), which
// issue #21141 reports as no longer finding a good rate.
}  // namespace

std::optional<double> lightning_suggestion(const lrfind::RangeTestResult& range, bool against_lr) {
  constexpr std::size_t kSkipBegin = 10;
  constexpr std::size_t kSkipEnd = 1;
  const std::size_t n = range.points.size();
  if (n <= kSkipBegin + kSkipEnd) return std::nullopt;
  std::vector<double> lrs;
  std::vector<double> losses;
  for (std::size_t i = kSkipBegin; i < n - kSkipEnd; ++i)
    if (std::isfinite(range.points[i].smoothed_loss)) {
      lrs.push_back(range.points[i].lr);
      losses.push_back(range.points[i].smoothed_loss);
    }
  if (losses.size() < 2) return std::nullopt;  // Lightning logs an error and returns None
  const std::vector<double> g = against_lr ? gradient_on(losses, lrs) : numpy_gradient(losses);
  return lrs[first_argmin(g)];
}

// torch-lr-finder (davidtvs/pytorch-lr-finder), torch_lr_finder/lr_finder.py,
// LRFinder.plot(skip_start=10, skip_end=5, suggest_lr=True): the recorded
// (smoothed) losses [10:-5], then np.gradient(losses).argmin(). np.gradient
// raises ValueError below 2 points and plot() then prints that it failed.
std::optional<double> torch_lr_finder_suggestion(const lrfind::RangeTestResult& range) {
  constexpr std::size_t kSkipStart = 10;
  constexpr std::size_t kSkipEnd = 5;
  const std::size_t n = range.points.size();
  if (n < kSkipStart + kSkipEnd + 2) return std::nullopt;
  std::vector<double> lrs;
  std::vector<double> losses;
  for (std::size_t i = kSkipStart; i < n - kSkipEnd; ++i) {
    lrs.push_back(range.points[i].lr);
    losses.push_back(range.points[i].smoothed_loss);
  }
  // A non-finite value would make numpy's argmin return its index; lr-find
  // stops at the first one, and skip_end drops it.
  return lrs[first_argmin(numpy_gradient(losses))];
}

// fastai's rules exactly as lr-find's recommend_range (src/run.cpp) reads them:
// the finite prefix of the smoothed curve, fastai's window, then the rule.
std::map<std::string, std::optional<double>> fastai_suggestions(const lrfind::RangeTestResult& range,
                                                                int planned_steps) {
  std::vector<double> lrs;
  std::vector<double> smoothed;
  for (const lrfind::RangePoint& p : range.points) {
    if (!std::isfinite(p.loss) || !std::isfinite(p.smoothed_loss)) break;
    lrs.push_back(p.lr);
    smoothed.push_back(p.smoothed_loss);
  }
  std::map<std::string, std::optional<double>> out{
      {"minimum_div_10", std::nullopt}, {"steepest", std::nullopt}, {"valley", std::nullopt}};
  if (lrs.empty()) return out;
  const lrfind::Window w = lrfind::suggestion_window(lrs.size(), planned_steps);
  const std::span<const double> wl(lrs.data() + w.begin, w.end - w.begin);
  const std::span<const double> ws(smoothed.data() + w.begin, w.end - w.begin);
  static const lrfind::Registry<lrfind::RuleEntry> rules = lrfind::builtin_rules();
  for (const lrfind::RuleEntry& rule : rules)
    if (auto s = rule.suggest(wl, ws)) out[rule.name] = s->lr;
  return out;
}

// The geometric median of rates, as src/run.cpp takes it across repeats.
double rate_median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : std::sqrt(v[n / 2 - 1] * v[n / 2]);
}

}  // namespace quality
