// The verdict of `lr-find check` on a configured rate, as a pure function of
// what the run measured.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "recommend/recommendation.hpp"
#include "search/cv_objective.hpp"

namespace lrfind {

enum class Verdict { kPass, kTooLow, kTooHigh, kUnstable, kNoRecommendation };
std::string_view to_string(Verdict verdict);  // pass, too_low, too_high, unstable, no_recommendation

struct CheckInputs {
  double lr = 0.0;
  double tolerance = 1.0;  // widens the interval to [low/F, high·F]
  // auto: the rate's own cross-validated score, the untrained model's loss and
  // the best candidate's, on the same folds; null elsewhere.
  const CvObjective::Score* checked = nullptr;
  double untrained_loss = 0.0;
  double best_loss = 0.0;
  // The full-batch stability bound 2/L where it is exact (a quadratic loss,
  // plain gradient steps, full batches): above it training diverges.
  std::optional<double> exact_stability_bound;
};

struct CheckResult {
  double lr = 0.0;
  double tolerance = 1.0;
  Verdict verdict = Verdict::kNoRecommendation;
  std::optional<std::pair<double, double>> interval;  // widened by the tolerance
  std::optional<double> factor;     // how many times outside the interval
  std::optional<double> val_loss;   // auto: the rate's own cross-validated loss
  std::optional<double> regret;     // auto: (V(lr) - V*)/(V0 - V*)
  std::string message;              // one line for a person
  bool passed() const { return verdict == Verdict::kPass; }
};

// Judges the rate against the recommendation (its interval; a grid has only
// the rate itself) and, with auto, against its own measured loss: unstable
// when training diverges or ends worse than the untrained model, too high or
// too low (by how many times) otherwise, and pass also for a rate outside the
// interval whose own loss is near-best (normalised regret within
// kIntervalTolerance).
CheckResult check_rate(const Recommendation& rec, const CheckInputs& in);

}  // namespace lrfind
