// Python data into lrfind::InMemoryData: a numpy matrix as it is, the columns
// of a pandas DataFrame encoded as the CSV reader encodes a file's columns
// (numbers as numbers, text one-hot over its sorted levels, named
// "column=level"), and the targets.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <vector>

#include "lrfind/run.hpp"

namespace lrfind::python {

// The cell texts that mean "missing" (besides the CSV reader's own) and the
// most levels a text column may have: DataSettings' na_values and
// max_categories.
struct TextRules {
  std::vector<std::string> na_values;
  std::size_t max_categories = 100;
};

// A 2-D float64 or float32 array, in any memory order, copied into
// data.features (the one copy: the run scales that matrix in place). Throws
// TypeError for another shape or type.
void dense_features(const pybind11::array& X, InMemoryData& data);

// Compressed sparse rows (scipy.sparse.csr_matrix's indptr, indices and data,
// canonical: indices ascending and distinct within a row) into
// data.sparse_features, copied once.
void sparse_features(Eigen::Index cols, const pybind11::array_t<std::int64_t, pybind11::array::c_style>& offsets,
                     const pybind11::array_t<std::int32_t, pybind11::array::c_style>& indices,
                     const pybind11::array_t<double, pybind11::array::c_style>& values, InMemoryData& data);

// The targets: a 1-D float64 array, or a list of numbers, texts and None
// (missing). Texts are read as CSV cells are: blanks trimmed, NA and the
// like (and rules.na_values) missing, numbers as numbers; when every label is
// a number the targets are numbers, otherwise class names.
void read_targets(pybind11::handle y, const TextRules& rules, InMemoryData& data);

// A DataFrame's columns (call after read_targets: a row whose target is
// missing counts as dropped, as in the CSV reader): `columns[i]` is a 1-D
// float64 array (a numeric column) or a list of cells (str, numbers, None for
// missing). A column whose every present cell is a number is numeric; any
// other is one-hot encoded, with the CSV reader's errors for a column of
// numbers with stray texts, numbers written with decimal commas, and more
// than rules.max_categories levels.
void frame_features(const std::vector<std::string>& names, const pybind11::list& columns, const TextRules& rules,
                    InMemoryData& data);

}  // namespace lrfind::python
