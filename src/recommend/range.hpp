// The range method's recommendation: the classic rules read from each
// repeat's smoothed curve, their median across repeats, and the spread of
// the first rule (minimum_div_10) as the interval.
#pragma once

#include <vector>

#include "recommend/recommendation.hpp"
#include "search/range.hpp"

namespace lrfind {

// One range test: the rules of `rules` read from its curve, as fastai reads
// them; the first rule's rate is the recommendation.
Recommendation recommend_range(const RangeTestResult& range, int planned_steps, const Registry<RuleEntry>& rules);

// Range tests repeated with different seeds: the median of each rule across
// the repeats that found a rate, and the spread of the recommended rule.
Recommendation recommend_range_repeats(const std::vector<RangeTestResult>& runs, int planned_steps,
                                       const Registry<RuleEntry>& rules);

}  // namespace lrfind
