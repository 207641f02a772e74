// A data set from data already in memory (lrfind::InMemoryData): the same
// rules as for a file — a missing value drops its row, a non-finite number is
// an error, class labels are sorted numerically when they are numbers and as
// text otherwise — without any parsing.
#pragma once

#include "load/dataset.hpp"
#include "lrfind/run.hpp"

namespace lrfind {

// Throws DataError (naming data.name) for an unusable content.
Dataset dataset_from_memory(InMemoryData data, TargetKind kind, bool float32);

}  // namespace lrfind
