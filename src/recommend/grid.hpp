// The grid's recommendation: the rate with the lowest final loss, provided it
// beats the untrained model (a rate that ends worse than where it started is
// not usable, finite or not).
#pragma once

#include <vector>

#include "recommend/recommendation.hpp"
#include "search/grid.hpp"

namespace lrfind {

// `validated`: rank by the final validation loss, else the training loss;
// `untrained`: the zero-weight model's loss on the same rows.
Recommendation recommend_grid(const std::vector<GridRateResult>& grid, bool validated, double untrained);

}  // namespace lrfind
