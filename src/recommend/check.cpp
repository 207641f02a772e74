#include "recommend/check.hpp"

#include <cmath>
#include <fmt/format.h>

#include "common/ratio.hpp"

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

// Auto's and grid's interval holds the near-best rates; range's is the
// spread of its repeats' answers, which says nothing of their losses.
bool near_best_interval(const Recommendation& rec) { return rec.interval && !rec.band_basis.empty(); }

// "the near-best interval [a, b] (recommended c)"
std::string where(const Recommendation& rec, const CheckResult& c) {
  if (!c.interval) return fmt::format("the recommended rate {:.3g}", *rec.lr);
  return fmt::format("the {} [{:.3g}, {:.3g}] (recommended {:.3g})",
                     near_best_interval(rec) ? "near-best interval" : "range tests' interval", c.interval->first,
                     c.interval->second, *rec.lr);
}

// Runs that diverged, and runs that ended no better than the untrained model.
std::pair<std::size_t, std::size_t> unstable_runs(const CheckInputs& in) {
  std::size_t diverged = 0, worse = 0;
  const std::vector<double>& runs = in.checked->run_losses;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (!std::isfinite(runs[i]))
      ++diverged;
    else if (i < in.untrained_by_run.size() && !(runs[i] < in.untrained_by_run[i]))
      ++worse;
  }
  return {diverged, worse};
}

void set_factor(double lr, CheckResult& c) {
  if (!c.interval) return;
  if (lr > c.interval->second) c.factor = lr / c.interval->second;
  if (lr < c.interval->first) c.factor = c.interval->first / lr;
}

}  // namespace

CheckResult check_rate(const Recommendation& rec, const CheckInputs& in) {
  CheckResult c;
  c.lr = in.lr;
  c.tolerance = in.tolerance;
  const double lr = in.lr;
  if (!rec.lr || !in.reference || !in.checked) {
    c.message = fmt::format("cannot check {:.4g}: no usable rate was found ({})", lr,
                            rec.reason.empty() ? "the search was cut short" : rec.reason);
    return c;
  }
  c.interval = rec.interval;
  set_factor(lr, c);
  const Reference& ref = *in.reference;
  const Assessment a = assess(*in.checked, ref, in.band);
  c.runs = in.checked->run_losses.size();
  const auto [diverged, worse] = unstable_runs(in);
  c.unstable_runs = diverged + worse;
  if (std::isfinite(a.val_loss)) {
    c.val_loss = a.val_loss;
    c.excess_loss = a.excess;
    c.loss_ratio = ref.best_loss > 0 ? std::optional<double>(a.val_loss / ref.best_loss) : std::nullopt;
    c.regret = ref.untrained > ref.best_loss
                   ? std::max(0.0, (a.val_loss - ref.best_loss) / (ref.untrained - ref.best_loss))
                   : 0.0;
  }
  c.band = a.band;
  if (!a.stable) {
    c.verdict = Verdict::kUnstable;
    const std::string how =
        diverged > 0 ? fmt::format("training diverged in {} of {} runs", diverged, c.runs)
        : worse > 0  ? fmt::format("training ended no better than the untrained model in {} of {} runs", worse, c.runs)
                     : std::string("some of its trainings were thrown far off while the others trained (the edge of "
                                   "divergence)");
    c.message = fmt::format("{:.4g} is unstable: {}; {}", lr, how, where(rec, c));
    return c;
  }
  const double allowed = in.tolerance * a.band;
  // The near-best interval is what check passes: a stable rate inside it
  // passes even when its own measurement lands just outside the band.
  const bool inside = near_best_interval(rec) && lr >= c.interval->first && lr <= c.interval->second;
  const std::string measured = fmt::format(
      "its {} loss is {}x {} rate's ({:.3g} at {:.3g}): excess {:.3g}, allowed {:.3g} ({:.3g} x band {:.3g})",
      c.runs > 1 ? "cross-validated" : "validation", ratio_text(c.loss_ratio.value_or(1.0)),
      a.excess < 0 ? "the best scored" : "the best", ref.best_loss, ref.lr, a.excess, allowed, in.tolerance, a.band);
  if (a.excess <= allowed || inside) {
    c.verdict = Verdict::kPass;
    const char* how = a.excess < 0           ? "better than every scored rate"
                      : a.excess <= a.band   ? "near-best"
                      : a.excess <= allowed  ? "within the tolerance"
                                             : "accepted";
    c.message = fmt::format("{:.4g} is {}: {}; {}", lr, how, measured,
                            inside ? "inside " + where(rec, c) : where(rec, c));
  } else {
    // High or low of the best rate it is measured against (the recommendation
    // itself can sit below it, kept from an unstable rate or read off a range test).
    const bool high = lr > ref.lr;
    c.verdict = high ? Verdict::kTooHigh : Verdict::kTooLow;
    c.message = fmt::format("{:.4g} is too {}: {}; {}", lr, high ? "high" : "low", measured, where(rec, c));
  }
  return c;
}

}  // namespace lrfind
