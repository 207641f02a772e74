// The suggestion rules of fastai, PyTorch Lightning and torch-lr-finder,
// reimplemented from their sources (see README.md), read from one lr-find
// range test, so that only the rule differs between them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "search/range.hpp"

namespace quality {

// PyTorch Lightning's _LRFinder.suggestion(skip_begin=10, skip_end=1): before
// 2.5.3 the gradient over the index; since 2.5.3 (`against_lr`) against lr.
std::optional<double> lightning_suggestion(const lrfind::RangeTestResult& range, bool against_lr);

// torch-lr-finder's LRFinder.plot(skip_start=10, skip_end=5, suggest_lr=True).
std::optional<double> torch_lr_finder_suggestion(const lrfind::RangeTestResult& range);

// fastai's minimum_div_10, steepest and valley, read as lr-find reads them.
std::map<std::string, std::optional<double>> fastai_suggestions(const lrfind::RangeTestResult& range,
                                                                int planned_steps);

// The geometric median of rates, as lr-find takes it across repeats.
double rate_median(std::vector<double> v);

}  // namespace quality
