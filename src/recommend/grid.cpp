#include "recommend/grid.hpp"

#include <algorithm>
#include <cmath>

namespace lrfind {

Recommendation recommend_grid(const std::vector<GridRateResult>& grid, bool validated, double untrained) {
  Recommendation rec;
  rec.rule = validated ? "lowest_final_validation_loss" : "lowest_final_training_loss";
  double best = untrained;
  for (const GridRateResult& r : grid) {
    if (r.diverged) continue;
    const std::vector<double>& curve = validated ? r.val_loss : r.train_loss;
    if (curve.empty() || !std::isfinite(curve.back())) continue;
    if (curve.back() < best) {
      best = curve.back();
      rec.lr = r.lr;
    }
  }
  if (!rec.lr) {
    const bool all_diverged =
        std::all_of(grid.begin(), grid.end(), [](const GridRateResult& r) { return r.diverged; });
    rec.reason = all_diverged ? "every rate diverged; try smaller rates"
                              : "no rate ended below the untrained model's loss; try other rates or more epochs";
  }
  return rec;
}

}  // namespace lrfind
