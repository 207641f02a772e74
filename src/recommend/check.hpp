// The verdict of `lr-find check` on a configured rate, judged by the rate's
// own trainings: it passes when they are stable and its excess loss over the
// best stable rate is within the band of near-best rates (times the
// tolerance); otherwise it is unstable, too high or too low.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "recommend/near_best.hpp"
#include "recommend/recommendation.hpp"

namespace lrfind {

enum class Verdict { kPass, kTooLow, kTooHigh, kUnstable, kNoRecommendation };
std::string_view to_string(Verdict verdict);  // pass, too_low, too_high, unstable, no_recommendation

struct CheckInputs {
  double lr = 0.0;
  double tolerance = 1.0;  // multiplies the band: a rate passes with excess <= tolerance x band
  // The rate's own trainings, on the same folds and repeats as the search
  // (or the grid's one split); null when they could not be run.
  const CvObjective::Score* checked = nullptr;
  std::vector<double> untrained_by_run;  // the untrained model's loss on each run's rows
  std::optional<Reference> reference;    // the best stable rate
  Band band;
};

struct CheckResult {
  double lr = 0.0;
  double tolerance = 1.0;
  Verdict verdict = Verdict::kNoRecommendation;
  std::optional<std::pair<double, double>> interval;  // the recommendation's
  std::optional<double> factor;       // how many times outside the interval
  std::optional<double> val_loss;     // the rate's own cross-validated loss
  std::optional<double> regret;       // (V(lr) - V*)/(V0 - V*)
  std::optional<double> excess_loss;  // (V(lr) - V*)/max(V*, s·V0), near_best.hpp
  std::optional<double> band;         // the near-best band at this rate
  std::optional<double> loss_ratio;   // V(lr)/V*
  std::size_t runs = 0;               // trainings of the rate
  std::size_t unstable_runs = 0;      // of them, diverged or no better than untrained
  std::string message;                // one line for a person
  bool passed() const { return verdict == Verdict::kPass; }
};

CheckResult check_rate(const Recommendation& rec, const CheckInputs& in);

}  // namespace lrfind
