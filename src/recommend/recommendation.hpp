// What every method recommends, and the pieces the recommendations share:
// a level of confidence with its reason, and the middle of a set of rates.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "recommend/near_best.hpp"
#include "recommend/suggest.hpp"
#include "search/sweep.hpp"
#include "train/schedule.hpp"

namespace lrfind {

enum class Confidence { kHigh, kMedium, kLow };
std::string_view to_string(Confidence confidence);

struct Recommendation {
  std::optional<double> lr;  // empty when no rate is usable
  std::string rule;
  std::string reason;        // why there is no rate (empty when there is one)
  std::vector<Suggestion> suggestions;  // the classic rules on the range test's curve
  std::optional<std::pair<double, double>> interval;  // near-best rates, or the spread across repeats
  std::optional<Confidence> confidence;  // every method, when there is a rate
  std::string confidence_reason;         // why it is not high
  std::vector<ScheduleParameter> schedule;  // grid and auto: the schedule's parameters for lr
  // Grid and auto: how the near-best band was set, and the ratio to the
  // lowest unstable rate scored above lr.
  std::string band_basis;
  Band band;
  std::optional<double> margin_to_instability;
  std::vector<std::string> warnings;  // for a person, on standard error
};

// Confidence from the spread of the best rates that independent repeats
// found: high within a factor 2, medium within 4, low beyond.
std::pair<Confidence, std::string> spread_confidence(double lowest, double highest);

}  // namespace lrfind
