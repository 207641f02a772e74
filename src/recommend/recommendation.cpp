#include "recommend/recommendation.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "common/ratio.hpp"

namespace lrfind {

std::string_view to_string(Confidence confidence) {
  switch (confidence) {
    case Confidence::kHigh: return "high";
    case Confidence::kMedium: return "medium";
    case Confidence::kLow: return "low";
  }
  return "low";
}

std::pair<Confidence, std::string> spread_confidence(double lowest, double highest) {
  const double spread = highest / lowest;
  if (spread > 4.0)
    return {Confidence::kLow, fmt::format("repeats disagree: their best rates span {:.3g} to {:.3g}", lowest, highest)};
  if (spread > 2.0) return {Confidence::kMedium, fmt::format("repeats' best rates differ by a factor of {}", ratio_text(spread))};
  return {Confidence::kHigh, ""};
}

}  // namespace lrfind
