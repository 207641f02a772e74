#include "recommend/auto.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "common/ratio.hpp"

namespace lrfind {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Why a search cut short before any candidate was scored has no rate.
AutoRecommendation no_rate(std::string reason) {
  AutoRecommendation rec;
  rec.reason = std::move(reason);
  rec.confidence_reason = rec.reason;
  return rec;
}

// Each repeat's own best stable rate, for the agreement between repeats.
std::vector<double> repeat_best_rates(const AutoSearch& search, double best) {
  std::vector<double> out;
  for (std::size_t r = 0; r < search.seeds.size(); ++r) {
    double rbest = best, rloss = kInf;
    for (const CvObjective::Score& s : search.candidates)
      if (stable(s) && s.val_loss_by_repeat[r] < rloss) {
        rloss = s.val_loss_by_repeat[r];
        rbest = s.lr;
      }
    out.push_back(rbest);
  }
  return out;
}

// The rate to recommend: the best stable one, or, when an unstable rate lies
// within kInstabilityMargin above it, the near-best rate of lowest loss that
// keeps that margin, if there is one.
std::size_t choose(const std::vector<Assessment>& assessed, std::size_t best) {
  const std::optional<double> cliff = first_unstable_above(assessed, assessed[best].lr);
  if (!cliff || *cliff >= kInstabilityMargin * assessed[best].lr) return best;
  std::optional<std::size_t> safer;
  for (std::size_t i = 0; i < assessed.size(); ++i) {
    const Assessment& a = assessed[i];
    if (!a.near_best || a.lr * kInstabilityMargin > *cliff) continue;
    if (!safer || a.excess < assessed[*safer].excess) safer = i;
  }
  return safer.value_or(best);
}

void set_confidence(const AutoSearch& search, std::size_t at, AutoRecommendation& rec) {
  const double v0 = search.untrained_loss;
  const double best_loss = rec.reference->best_loss;
  const auto [min_it, max_it] = std::minmax_element(rec.repeat_best.begin(), rec.repeat_best.end());
  const double lr = *rec.lr;
  const bool at_edge = at == 0 || at + 1 == search.candidates.size();
  if (v0 - best_loss < 0.01 * std::abs(v0)) {
    rec.confidence = Confidence::kLow;
    rec.confidence_reason =
        fmt::format("flat: the best rate lowers the validation loss by only {:.2g}% of the untrained model's",
                    100.0 * (v0 - best_loss) / std::abs(v0));
  } else if (search.max_given && at + 1 == search.candidates.size() && lr >= search.bracket_high) {
    rec.confidence = Confidence::kLow;
    rec.confidence_reason = fmt::format("the best rate is at --max-lr {:.3g}, the bound given; a higher rate may be "
                                        "better",
                                        lr);
  } else if (search.min_given && at == 0 && lr <= search.bracket_low) {
    rec.confidence = Confidence::kLow;
    rec.confidence_reason = fmt::format("the best rate is at --min-lr {:.3g}, the bound given; a lower rate may be "
                                        "better",
                                        lr);
  } else if (at_edge) {
    rec.confidence = Confidence::kLow;
    rec.confidence_reason = "the best rate is at the edge of the searched range";
  } else {
    std::tie(rec.confidence, rec.confidence_reason) = spread_confidence(*min_it, *max_it);
    if (rec.confidence == Confidence::kHigh && rec.margin_to_instability &&
        *rec.margin_to_instability < kInstabilityMargin) {
      rec.confidence = Confidence::kMedium;
      rec.confidence_reason = fmt::format("an unstable rate, {:.3g}, is only {}x above", *rec.unstable_above,
                                          ratio_text(*rec.margin_to_instability));
    }
  }
  // Cut short after the grid: the best rate scored is a real candidate, but the
  // search did not settle where the best rate lies.
  if (search.interrupted_during == AutoStage::kWidening) {
    rec.confidence = Confidence::kLow;
    rec.confidence_reason = "interrupted while widening the range: the best rate may lie beyond the rates scored";
  } else if (search.interrupted_during == AutoStage::kRefinement && rec.confidence == Confidence::kHigh) {
    rec.confidence = Confidence::kMedium;
    rec.confidence_reason = "interrupted while refining: the best rate scored, not refined to a factor 1.05";
  }
}

void add_warnings(const AutoSearch& search, AutoRecommendation& rec) {
  const double lr = *rec.lr;
  if (rec.margin_to_instability && *rec.margin_to_instability < kInstabilityMargin)
    rec.warnings.push_back(fmt::format(
        "the recommended rate {:.3g} is within {}x of {:.3g}, where training was unstable (a run diverged or "
        "ended worse than the untrained model); prefer a lower rate if you can afford it",
        lr, ratio_text(*rec.margin_to_instability), *rec.unstable_above));
  if (rec.confidence_reason.find("the bound given") != std::string::npos)
    rec.warnings.push_back(rec.confidence_reason + fmt::format(" (searched {:.3g} to {:.3g})", search.bracket_low,
                                                               search.bracket_high));
}

}  // namespace

std::optional<double> first_unstable_above(const std::vector<Assessment>& assessed, double lr) {
  for (const Assessment& a : assessed)
    if (a.lr > lr && !a.stable) return a.lr;
  return std::nullopt;
}

std::pair<double, double> near_best_interval(const std::vector<Assessment>& assessed, std::size_t at) {
  std::size_t lo = at, hi = at;
  while (lo > 0 && assessed[lo - 1].near_best) --lo;
  while (hi + 1 < assessed.size() && assessed[hi + 1].near_best) ++hi;
  return {assessed[lo].lr, assessed[hi].lr};
}

AutoRecommendation recommend_auto(const AutoSearch& search, const Band& band) {
  if (search.interrupted_during == AutoStage::kRangeTests)
    return no_rate("interrupted during the range tests, before any candidate rate was scored");
  if (search.interrupted_during == AutoStage::kGrid)
    return no_rate("interrupted while scoring the candidate rates, before any was scored on every fold");
  const std::optional<Reference> ref = reference(search.candidates, search.untrained_loss, search.untrained_by_run, band);
  if (!ref)
    return no_rate(
        "no rate trained stably to a validation loss below the untrained model's; check the data or widen "
        "--min-lr/--max-lr");
  AutoRecommendation rec;
  rec.reference = ref;
  for (const CvObjective::Score& s : search.candidates) rec.assessments.push_back(assess(s, *ref, band));
  std::size_t best = 0;
  while (search.candidates[best].lr != ref->lr) ++best;
  const std::size_t at = choose(rec.assessments, best);
  rec.lr = search.candidates[at].lr;
  rec.interval = near_best_interval(rec.assessments, at);
  rec.unstable_above = first_unstable_above(rec.assessments, *rec.lr);
  if (rec.unstable_above) rec.margin_to_instability = *rec.unstable_above / *rec.lr;
  rec.repeat_best = repeat_best_rates(search, ref->lr);
  set_confidence(search, at, rec);
  add_warnings(search, rec);
  return rec;
}

}  // namespace lrfind
