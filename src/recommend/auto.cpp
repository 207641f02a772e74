#include "recommend/auto.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

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

// The index of the candidate with the lowest loss (the smaller rate on a tie).
std::size_t best_index(const std::vector<CvObjective::Score>& candidates) {
  std::size_t best = 0;
  double best_loss = kInf;
  for (std::size_t i = 0; i < candidates.size(); ++i)
    if (candidates[i].val_loss < best_loss) {
      best_loss = candidates[i].val_loss;
      best = i;
    }
  return best;
}

// Each repeat's own best rate, for the agreement between repeats.
std::vector<double> repeat_best_rates(const AutoSearch& search, double best) {
  std::vector<double> out;
  for (std::size_t r = 0; r < search.seeds.size(); ++r) {
    double rbest = best, rloss = kInf;
    for (const CvObjective::Score& s : search.candidates)
      if (s.val_loss_by_repeat[r] < rloss) {
        rloss = s.val_loss_by_repeat[r];
        rbest = s.lr;
      }
    out.push_back(rbest);
  }
  return out;
}

void set_confidence(const AutoSearch& search, std::size_t at, double best_loss, AutoRecommendation& rec) {
  const double v0 = search.untrained_loss;
  const auto [min_it, max_it] = std::minmax_element(rec.repeat_best.begin(), rec.repeat_best.end());
  const bool at_edge = at == 0 || at + 1 == search.candidates.size();
  if (v0 - best_loss < 0.01 * std::abs(v0)) {
    rec.confidence = Confidence::kLow;
    rec.confidence_reason =
        fmt::format("flat: the best rate lowers the validation loss by only {:.2g}% of the untrained model's",
                    100.0 * (v0 - best_loss) / std::abs(v0));
  } else if (at_edge) {
    rec.confidence = Confidence::kLow;
    rec.confidence_reason = "the best rate is at the edge of the searched range";
  } else {
    std::tie(rec.confidence, rec.confidence_reason) = spread_confidence(*min_it, *max_it);
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

}  // namespace

AutoRecommendation recommend_auto(const AutoSearch& search) {
  if (search.interrupted_during == AutoStage::kRangeTests)
    return no_rate("interrupted during the range tests, before any candidate rate was scored");
  if (search.interrupted_during == AutoStage::kGrid)
    return no_rate("interrupted while scoring the candidate rates, before any was scored on every fold");
  const std::vector<CvObjective::Score>& candidates = search.candidates;
  const std::size_t at = best_index(candidates);
  const double best = candidates[at].lr;
  const double best_loss = candidates[at].val_loss;
  if (!std::isfinite(best_loss) || best_loss >= search.untrained_loss)
    return no_rate(
        "no rate lowered the validation loss below the untrained model's; check the data or widen --min-lr/--max-lr");
  AutoRecommendation rec;
  rec.lr = best;
  const double tolerance = best_loss + kIntervalTolerance * (search.untrained_loss - best_loss);
  std::size_t lo = at, hi = at;
  while (lo > 0 && candidates[lo - 1].val_loss <= tolerance) --lo;
  while (hi + 1 < candidates.size() && candidates[hi + 1].val_loss <= tolerance) ++hi;
  rec.interval = std::make_pair(candidates[lo].lr, candidates[hi].lr);
  rec.repeat_best = repeat_best_rates(search, best);
  set_confidence(search, at, best_loss, rec);
  return rec;
}

}  // namespace lrfind
