#include "recommend/near_best.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

namespace lrfind {

bool stable(const CvObjective::Score& score) { return !score.unstable && std::isfinite(score.val_loss); }

Band near_best_band(bool squared_loss) {
  Band band;
  if (squared_loss) band.untrained_share = 1e-6;
  return band;
}

std::optional<Reference> reference(const std::vector<CvObjective::Score>& scores, double untrained,
                                   std::vector<double> untrained_runs, const Band& band) {
  const CvObjective::Score* best = nullptr;
  for (const CvObjective::Score& s : scores)
    if (stable(s) && (best == nullptr || s.val_loss < best->val_loss)) best = &s;
  if (best == nullptr || !(best->val_loss < untrained)) return std::nullopt;
  Reference ref;
  ref.lr = best->lr;
  ref.best_loss = best->val_loss;
  ref.untrained = untrained;
  ref.scale = std::max(best->val_loss, band.untrained_share * std::abs(untrained));
  ref.best_runs = best->run_losses;
  ref.untrained_runs = std::move(untrained_runs);
  return ref;
}

namespace {

// The standard error of the mean of the paired differences, or empty when
// there are fewer than two finite pairs.
std::optional<double> paired_standard_error(const std::vector<double>& runs, const std::vector<double>& best,
                                            std::size_t& pairs) {
  std::vector<double> d;
  for (std::size_t i = 0; i < std::min(runs.size(), best.size()); ++i)
    if (std::isfinite(runs[i]) && std::isfinite(best[i])) d.push_back(runs[i] - best[i]);
  pairs = d.size();
  if (d.size() < 2) return std::nullopt;
  double mean = 0.0;
  for (const double x : d) mean += x;
  mean /= static_cast<double>(d.size());
  double squares = 0.0;
  for (const double x : d) squares += (x - mean) * (x - mean);
  const double n = static_cast<double>(d.size());
  return std::sqrt(squares / (n - 1.0)) / std::sqrt(n);
}

// Some runs thrown far off while the others train: each run's regret, the
// share of the improvement over the untrained model it gave back against the
// best rate's run on the same split, at most 0.25 for all but outliers.
bool erratic(const std::vector<double>& runs, const Reference& ref) {
  std::vector<double> regret;
  for (std::size_t i = 0; i < std::min({runs.size(), ref.best_runs.size(), ref.untrained_runs.size()}); ++i) {
    const double gain = ref.untrained_runs[i] - ref.best_runs[i];
    if (!std::isfinite(runs[i]) || !(gain > 0.0)) continue;
    regret.push_back((runs[i] - ref.best_runs[i]) / gain);
  }
  if (regret.size() < 3) return false;
  const double worst = *std::max_element(regret.begin(), regret.end());
  std::nth_element(regret.begin(), regret.begin() + static_cast<std::ptrdiff_t>(regret.size() / 2), regret.end());
  const double typical = regret[regret.size() / 2];
  return worst > 0.25 && worst - typical > 0.2;
}

}  // namespace

Assessment assess(const CvObjective::Score& score, const Reference& ref, const Band& band) {
  Assessment a;
  a.lr = score.lr;
  a.val_loss = score.val_loss;
  a.stable = stable(score);
  a.excess = std::isfinite(score.val_loss) ? (score.val_loss - ref.best_loss) / ref.scale
                                           : std::numeric_limits<double>::infinity();
  std::size_t pairs = 0;
  const std::optional<double> se = paired_standard_error(score.run_losses, ref.best_runs, pairs);
  a.paired_runs = se ? pairs : 0;
  a.band = band.floor;
  if (se) a.band = std::clamp(band.standard_errors * *se / ref.scale, band.floor, band.cap);
  a.erratic = a.stable && erratic(score.run_losses, ref);
  a.stable = a.stable && !a.erratic;
  a.near_best = a.stable && a.excess <= a.band;
  return a;
}

std::string band_basis(std::size_t runs, const Band& band) {
  if (runs < 2)
    return fmt::format("the floor, {:g}%: one split and one repeat give no paired differences to measure noise by",
                       100.0 * band.floor);
  return fmt::format("{:g} standard errors of the paired differences to the best rate over {} runs, at least {:g}% "
                     "and at most {:g}%",
                     band.standard_errors, runs, 100.0 * band.floor, 100.0 * band.cap);
}

}  // namespace lrfind
