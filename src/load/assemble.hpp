// From parsed blocks to the data set: which feature columns are numbers and
// which categories, the class labels, the final columns, and every kept row
// placed (one-hot encoding its categories) on its row of the feature matrix.
#pragma once

#include <deque>
#include <string>

#include "load/dataset.hpp"
#include "load/layout.hpp"
#include "load/parse_block.hpp"

namespace lrfind::load {

// Builds the data set from every block's parse, in file order, and empties
// `blocks`. With every column a number the staging becomes the feature matrix
// in place. Of the columns' problems, throws (DataError) the one earliest in
// the file. Rows are placed on up to `threads` threads (0: every core).
template <typename Scalar>
Dataset assemble(std::deque<Parsed<Scalar>>& blocks, Staging<Scalar>& staging, const Layout& layout,
                 const std::string& source, unsigned threads);

extern template Dataset assemble(std::deque<Parsed<float>>&, Staging<float>&, const Layout&, const std::string&,
                                 unsigned);
extern template Dataset assemble(std::deque<Parsed<double>>&, Staging<double>&, const Layout&, const std::string&,
                                 unsigned);

}  // namespace lrfind::load
