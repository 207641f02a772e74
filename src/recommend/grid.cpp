#include "recommend/grid.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "recommend/auto.hpp"
#include "common/ratio.hpp"

namespace lrfind {

std::vector<CvObjective::Score> grid_scores(const std::vector<GridRateResult>& grid, bool validated,
                                            double untrained) {
  std::vector<CvObjective::Score> scores;
  for (const GridRateResult& r : grid) {
    CvObjective::Score s;
    s.lr = r.lr;
    const std::vector<double>& curve = validated ? r.val_loss : r.train_loss;
    s.diverged = r.diverged;
    s.val_loss = !r.diverged && !curve.empty() && std::isfinite(curve.back()) ? curve.back()
                                                                              : std::numeric_limits<double>::infinity();
    s.run_losses = {s.val_loss};
    s.unstable = !(s.val_loss < untrained);
    scores.push_back(std::move(s));
  }
  return scores;
}

Recommendation recommend_grid(const std::vector<GridRateResult>& grid, bool validated, double untrained,
                              const Band& band) {
  Recommendation rec;
  rec.rule = validated ? "lowest_final_validation_loss" : "lowest_final_training_loss";
  const std::vector<CvObjective::Score> scores = grid_scores(grid, validated, untrained);
  const std::optional<Reference> ref = reference(scores, untrained, {untrained}, band);
  if (!ref) {
    const bool all_diverged =
        std::all_of(grid.begin(), grid.end(), [](const GridRateResult& r) { return r.diverged; });
    rec.reason = all_diverged ? "every rate diverged; try smaller rates"
                              : "no rate ended below the untrained model's loss; try other rates or more epochs";
    return rec;
  }
  std::vector<Assessment> assessed;
  for (const CvObjective::Score& s : scores) assessed.push_back(assess(s, *ref, band));
  // Rates sorted by value, as the interval is a run of neighbours.
  std::vector<std::size_t> order(assessed.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return assessed[a].lr < assessed[b].lr; });
  std::vector<Assessment> sorted;
  for (const std::size_t i : order) sorted.push_back(assessed[i]);
  std::size_t at = 0;
  while (sorted[at].lr != ref->lr) ++at;
  rec.lr = ref->lr;
  rec.interval = near_best_interval(sorted, at);
  rec.band_basis = band_basis(1, band);
  rec.band = band;
  if (const std::optional<double> cliff = first_unstable_above(sorted, ref->lr)) {
    rec.margin_to_instability = *cliff / ref->lr;
    if (*rec.margin_to_instability < kInstabilityMargin)
      rec.warnings.push_back(fmt::format("the recommended rate {:.3g} is within {}x of {:.3g}, where training "
                                         "diverged or ended worse than the untrained model",
                                         ref->lr, ratio_text(*rec.margin_to_instability), *cliff));
  }
  const bool at_edge = at == 0 || at + 1 == sorted.size();
  if (untrained - ref->best_loss < 0.01 * std::abs(untrained)) {
    rec.confidence = Confidence::kLow;
    rec.confidence_reason = fmt::format("flat: the best rate lowers the loss by only {:.2g}% of the untrained model's",
                                        100.0 * (untrained - ref->best_loss) / std::abs(untrained));
  } else if (at_edge && sorted.size() > 1) {
    rec.confidence = Confidence::kLow;
    rec.confidence_reason = "the best rate is at the edge of the grid: a better one may lie beyond it";
  } else if (rec.margin_to_instability && *rec.margin_to_instability < kInstabilityMargin) {
    rec.confidence = Confidence::kMedium;
    rec.confidence_reason = rec.warnings.back();
  } else {
    rec.confidence = Confidence::kHigh;
  }
  return rec;
}

}  // namespace lrfind
