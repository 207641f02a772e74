#include "recommend/check.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "recommend/auto.hpp"

namespace lrfind {

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "pass";
    case Verdict::kTooLow: return "too_low";
    case Verdict::kTooHigh: return "too_high";
    case Verdict::kUnstable: return "unstable";
    case Verdict::kNoRecommendation: return "no_recommendation";
  }
  return "no_recommendation";
}

namespace {

// The verdict and its message for a rate outside the interval.
void judge_outside(const CheckInputs& in, bool diverged, bool above_stable, const std::string& where, CheckResult& c) {
  const double lr = in.lr;
  const auto [low, high] = *c.interval;
  if (diverged || above_stable || (c.regret && *c.regret > 1.0 && lr > high)) {
    // Diverging, or ending worse than the untrained model: unstable either way.
    c.verdict = Verdict::kUnstable;
    c.factor = lr / high;
    const std::string how =
        diverged       ? std::string("training diverges")
        : above_stable ? std::string("it exceeds the full-batch stability bound 2/L")
                       : fmt::format("its cross-validated loss ends {:.3g}x the untrained model's",
                                     *c.val_loss / in.untrained_loss);
    c.message = fmt::format("{:.4g} is unstable: {}; {:.3g}x above {}", lr, how, *c.factor, where);
    c.regret.reset();  // already said
  } else if (lr > high) {
    c.verdict = Verdict::kTooHigh;
    c.factor = lr / high;
    c.message = fmt::format("{:.4g} is too high: {:.3g}x above {}", lr, *c.factor, where);
  } else {
    c.verdict = Verdict::kTooLow;
    c.factor = low / lr;
    c.message = fmt::format("{:.4g} is too low: {:.3g}x below {}", lr, *c.factor, where);
  }
}

}  // namespace

CheckResult check_rate(const Recommendation& rec, const CheckInputs& in) {
  CheckResult c;
  c.lr = in.lr;
  c.tolerance = in.tolerance;
  const double lr = in.lr;
  if (!rec.lr) {
    c.message = fmt::format("cannot check {:.4g}: no usable rate was found ({})", lr, rec.reason);
    return c;
  }
  // Grid runs have no interval: the recommended rate alone, widened by the tolerance.
  const std::pair<double, double> base = rec.interval.value_or(std::make_pair(*rec.lr, *rec.lr));
  c.interval = std::make_pair(base.first / in.tolerance, base.second * in.tolerance);
  const auto [low, high] = *c.interval;
  const std::string where =
      fmt::format("the recommended interval [{:.3g}, {:.3g}] (recommended {:.3g})", low, high, *rec.lr);
  bool diverged = false;
  bool near_best = false;
  if (in.checked) {
    diverged = in.checked->diverged;
    const double v0 = in.untrained_loss;
    const double best = std::min(v0, in.best_loss);
    if (std::isfinite(in.checked->val_loss)) {
      c.val_loss = in.checked->val_loss;
      c.regret = v0 > best ? std::max(0.0, (in.checked->val_loss - best) / (v0 - best)) : 0.0;
      near_best = *c.regret <= kIntervalTolerance;
    }
  }
  // 2/L is the exact divergence point only where the loss is quadratic.
  const bool above_stable = in.exact_stability_bound && lr > high && lr > *in.exact_stability_bound;
  if (lr >= low && lr <= high) {
    c.verdict = Verdict::kPass;
    c.message = fmt::format("{:.4g} is inside {}", lr, where);
  } else if (near_best && !diverged) {
    // The interval is read off the scored rates; a rate measured as near-best is inside it in truth.
    c.verdict = Verdict::kPass;
    c.message = fmt::format("{:.4g} is outside {} but its own cross-validated loss is near-best (regret {:.3f})", lr,
                            where, *c.regret);
  } else {
    judge_outside(in, diverged, above_stable, where, c);
  }
  if (c.regret && c.verdict != Verdict::kPass)
    c.message += fmt::format("; its cross-validated loss is {:.0f}% of the way back to the untrained model's",
                             100.0 * *c.regret);
  return c;
}

}  // namespace lrfind
