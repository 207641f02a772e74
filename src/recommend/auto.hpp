// The auto method's recommendation from its search: the scored rate with the
// lowest cross-validated loss, provided it beats the untrained model; the
// interval of near-best rates around it; and a confidence from the repeats'
// agreement, the curve's depth and the search's end.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "recommend/recommendation.hpp"
#include "search/auto.hpp"

namespace lrfind {

struct AutoRecommendation {
  std::optional<double> lr;         // empty when no rate beats the untrained model
  std::optional<std::pair<double, double>> interval;
  std::vector<double> repeat_best;  // each repeat's own best rate
  Confidence confidence = Confidence::kLow;
  std::string confidence_reason;
  std::string reason;               // why there is no rate
};

// The interval holds the scored rates around the best whose loss is within
// this share of the way from the best loss to the untrained loss.
inline constexpr double kIntervalTolerance = 0.05;

AutoRecommendation recommend_auto(const AutoSearch& search);

}  // namespace lrfind
