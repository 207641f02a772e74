// Parsing a block of svmlight/libsvm lines (`label[ qid:N] index:value ...[
// # comment]`) into its own compressed sparse rows, on any thread. Indices
// are kept as written: whether they count from 0 or 1 is known only once
// every block is read (scikit-learn's zero_based='auto': from 0 when any
// index is 0), and the assembly shifts them then.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "load/blocks.hpp"
#include "load/dataset.hpp"
#include "load/parse_block.hpp"

namespace lrfind::load {

// The largest index a line may hold: indices are stored as 32-bit integers.
inline constexpr std::int64_t kMaxSvmIndex = 2147483647;

// The text expected, as errors about binary input name it.
inline constexpr std::string_view kSvmlightText = "an svmlight text file";

// What a block parse needs to know beyond the bytes.
struct SvmSettings {
  const std::string* source = nullptr;
  TargetKind kind = TargetKind::kRegression;
  std::optional<bool> zero_based;  // forced, or empty: decided from the whole input
  std::int64_t features = 0;       // --features, 0: from the data
};

// A classifier's labels as one block met them, each with a block-local id.
struct BlockLabels {
  // Finite numbers by their bits: -0 and 0 are one class when classes are
  // ordered by value, but two ("-0", "0") when by text, as in CSV.
  std::map<std::uint64_t, std::uint32_t> of_bits;
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> of_text;  // the rest
  std::vector<std::string> texts;  // per id: its first text (a non-finite number: its level name)
  std::vector<double> values;      // per id: the number, or NaN for a text
  bool non_finite = false;         // some label is an infinite number: classes are ordered as text
  bool overflow = false;           // more than kMaxClasses distinct labels
};

// One block's rows, ready to be appended to the data set's in file order.
template <typename Scalar>
struct SvmBlock {
  std::vector<std::int64_t> ends;     // per kept row: where its entries end in indices and values
  std::vector<std::int32_t> indices;  // as written (explicit zeros are left out)
  std::vector<Scalar> values;
  std::vector<double> targets;           // regression: per kept row
  std::vector<std::uint32_t> label_ids;  // classification: per kept row, into labels
  BlockLabels labels;
  std::vector<std::int64_t> qids;  // per kept row, when the rows have a qid
  std::size_t rows = 0;            // records read, kept or not
  std::size_t dropped = 0;         // for a missing label ("nan")
  std::int64_t max_index = -1;     // the largest index written
  bool has_zero = false;           // some index is 0
  long first_with_qid = 0;         // the first line with a qid, and without: both set is an error
  long first_without_qid = 0;
  Finding at_features;     // the first index >= --features (too large when counting from 0)
  Finding above_features;  // the first index > --features (too large when counting from 1)
};

// Whether a line (without its line end) holds a record: not blank, not only a comment.
bool is_svm_record(std::string_view line);

// The indices a line is written with, looked at without parsing its values,
// so that a sample's index base and feature count are the whole input's:
// raises `largest` to the largest index and sets `zero` when one is 0.
// Tokens that are not index:value are left for the parse of sampled lines.
void scan_svm_indices(std::string_view line, std::int64_t& largest, bool& zero);

// Parses the block's lines (for a sampled block, one record each, with its own
// line in block.lines). Throws DataError for the first line at fault.
template <typename Scalar>
void parse_svm_block(const Block& block, const SvmSettings& settings, SvmBlock<Scalar>& out);

extern template void parse_svm_block(const Block&, const SvmSettings&, SvmBlock<float>&);
extern template void parse_svm_block(const Block&, const SvmSettings&, SvmBlock<double>&);

}  // namespace lrfind::load
