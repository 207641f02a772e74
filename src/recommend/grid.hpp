// The grid's recommendation: the stable rate with the lowest final loss (a
// rate that diverged, or ends no better than the untrained model, is not
// usable, finite or not), the near-best rates around it (one split and one
// repeat: the band is the floor), and a confidence.
#pragma once

#include <vector>

#include "recommend/near_best.hpp"
#include "recommend/recommendation.hpp"
#include "search/grid.hpp"

namespace lrfind {

// Each grid rate as a score of one run: its final validation loss when
// `validated`, else its final training loss.
std::vector<CvObjective::Score> grid_scores(const std::vector<GridRateResult>& grid, bool validated,
                                            double untrained);

// `validated`: rank by the final validation loss, else the training loss;
// `untrained`: the zero-weight model's loss on the same rows.
Recommendation recommend_grid(const std::vector<GridRateResult>& grid, bool validated, double untrained,
                              const Band& band = {});

}  // namespace lrfind
