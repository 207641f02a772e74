// Parsing a block of records straight into its rows of one matrix for the
// whole input (the staging), on any thread, with no per-cell allocation.
// Rows of plain numbers take a short path; any other row is read again from
// its start by the general one, which knows quoting, missing values and text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "load/blocks.hpp"
#include "load/dataset.hpp"
#include "load/layout.hpp"

namespace lrfind::load {

// Every block's cells, rows x feature slots, and its targets, in one
// allocation for the whole input: each block is given its rows (as many as
// row_bound allows) before it is parsed, so threads write straight into
// place. The capacity is an estimate from the input's size, grown only while
// no block is being parsed (growing may move the storage). A large allocation
// is a lazily committed memory map, so rows never written cost nothing, and
// when every column is a number this matrix becomes the feature matrix itself:
// closed up over rows that were dropped or never used and shrunk in place
// (realloc), with no value copied.
template <typename Scalar>
struct Staging {
  using Storage = std::conditional_t<std::is_same_v<Scalar, float>, MatrixF32, Matrix>;
  Storage values;  // capacity x slots; text and missing cells hold NaN
  Vector target;   // capacity
  std::size_t used = 0;  // rows given to blocks so far

  Staging(std::size_t capacity, std::size_t slots)
      : values(static_cast<Index>(capacity), static_cast<Index>(slots)), target(static_cast<Index>(capacity)) {}
  bool fits(std::size_t rows) const { return used + rows <= static_cast<std::size_t>(target.size()); }
  void grow(std::size_t rows) {
    const std::size_t capacity = static_cast<std::size_t>(target.size());
    const Index want = static_cast<Index>(std::max(used + rows, capacity + capacity / 2));
    values.conservativeResize(want, Eigen::NoChange);
    target.conservativeResize(want);
  }
  std::size_t take(std::size_t rows) {
    const std::size_t first = used;
    used += rows;
    return first;
  }
  Scalar* row(std::size_t r) { return values.data() + r * static_cast<std::size_t>(values.cols()); }
};

// A first capacity: the rows the input would hold at the first block's density
// and a little over, when its size is known; otherwise a few blocks' worth.
std::size_t initial_capacity(const Block& first, std::size_t width, std::size_t input_bytes);

// A cell's text for an error message, quoted, and cut after 40 bytes.
std::string quoted_sample(std::string_view text);

// A cell worth naming in an error: where it is and what it says.
struct Finding {
  long line = 0;
  long column = 0;
  std::string text;
  bool found() const { return line > 0; }
};

// Lookup of a std::string key by a std::string_view, with no copy.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// The distinct texts of a column in a block, and which row holds which.
struct Levels {
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> ids;
  std::vector<std::string> names;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> cells;  // (row in block, id), rows ascending
  bool overflow = false;  // more distinct texts than the column may have
};

// What parsing a block found: its rows' place in the staging, which rows are
// kept (no missing value), and what the assembly needs to know of its text
// cells. An error stops the block where it stands.
template <typename Scalar>
struct Parsed {
  std::size_t first_row = 0;  // where the block's rows begin in the staging
  std::size_t bound = 0;      // rows it may fill there
  std::size_t rows = 0;
  std::size_t kept = 0;
  std::vector<std::uint8_t> keep;
  std::vector<std::size_t> text_kept;          // per slot and target: text cells in kept rows
  std::vector<Finding> first_text;             // per slot and target, in kept rows
  std::vector<Finding> first_non_finite;       // per slot and target, in kept rows
  std::vector<std::unique_ptr<Levels>> levels; // per slot and target, created on the first text
  std::map<double, std::string> label_text;    // numeric class label -> its first text
  bool label_overflow = false;
  std::exception_ptr error;
};

// Parses the block into its rows of the staging (out.first_row, out.bound).
// Throws DataError for the first record at fault in the block.
template <typename Scalar>
void parse_block(const Block& block, const Layout& layout, Parsed<Scalar>& out, Staging<Scalar>& staging);

extern template void parse_block(const Block&, const Layout&, Parsed<float>&, Staging<float>&);
extern template void parse_block(const Block&, const Layout&, Parsed<double>&, Staging<double>&);

}  // namespace lrfind::load
