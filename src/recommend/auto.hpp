// The auto method's recommendation from its search: the best *stable* rate
// (no training of it diverged or ended no better than the untrained model),
// keeping a margin from the first unstable rate above it; the interval of
// near-best rates around it (recommend/near_best.hpp); and a confidence from
// the repeats' agreement, the curve's depth, the search's edges and end.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "recommend/near_best.hpp"
#include "recommend/recommendation.hpp"
#include "search/auto.hpp"

namespace lrfind {

// A recommendation this close to an unstable rate (a ratio) is moved to a
// lower near-best rate when one keeps at least this margin.
inline constexpr double kInstabilityMargin = 2.0;

struct AutoRecommendation {
  std::optional<double> lr;         // empty when no stable rate beats the untrained model
  std::optional<std::pair<double, double>> interval;  // the near-best rates around lr
  std::vector<double> repeat_best;  // each repeat's own best stable rate
  Confidence confidence = Confidence::kLow;
  std::string confidence_reason;
  std::string reason;               // why there is no rate
  std::optional<Reference> reference;      // the best stable rate, which every rate is measured against
  std::vector<Assessment> assessments;     // one per candidate, in their order
  std::optional<double> unstable_above;    // the lowest unstable rate scored above lr
  std::optional<double> margin_to_instability;  // unstable_above / lr
  std::vector<std::string> warnings;       // for a person, on standard error
};

AutoRecommendation recommend_auto(const AutoSearch& search, const Band& band = {});

// The lowest unstable rate above `lr` among scores sorted by rate.
std::optional<double> first_unstable_above(const std::vector<Assessment>& assessed, double lr);

// The contiguous run of near-best rates around the one at `at`.
std::pair<double, double> near_best_interval(const std::vector<Assessment>& assessed, std::size_t at);

}  // namespace lrfind
