// Reading svmlight/libsvm text (`label[ qid:N] index:value ...[ # comment]`,
// one row a line) into a data set of compressed sparse rows: blocks cut at
// line ends and parsed on all cores, then appended in file order, so the
// result, errors included, is the same whatever the number of threads.
#pragma once

#include <string>
#include <string_view>

#include "io/input.hpp"
#include "load/dataset.hpp"
#include "load/loader.hpp"

namespace lrfind::load {

// Whether a name ends in .svm, .svmlight or .libsvm, also before .gz.
bool has_svmlight_extension(std::string_view name);

// Whether text starting with `head` (`whole`: the whole input) reads as
// svmlight: its first lines that are not blank or comments are a label and
// index:value pairs (or a qid), and at least one has a pair. A CSV header, a
// delimiter inside the label, or a time such as 12:30 in the first field
// makes it not.
bool looks_like_svmlight(std::string_view head, bool whole);

// Reads the input as svmlight. Throws DataError (SOURCE:LINE:COLUMN) for
// unusable content, UsageError for options that apply to CSV input only.
Dataset load_svmlight(io::Input& input, const LoadOptions& options);

}  // namespace lrfind::load
