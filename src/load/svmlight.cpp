#include "load/svmlight.hpp"

#include <fmt/format.h>
#include <malloc.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <deque>
#include <optional>
#include <type_traits>
#include <vector>

#include "common/parallel.hpp"
#include "io/sniff.hpp"
#include "load/block_pipeline.hpp"
#include "load/classes.hpp"
#include "load/number.hpp"
#include "load/sample.hpp"
#include "load/svmlight_parse.hpp"
#include "lrfind/error.hpp"

namespace lrfind::load {

namespace {

// Options that only CSV input takes: given with svmlight input, a usage error
// rather than silently ignored.
void reject_csv_options(const LoadOptions& o, const std::string& source) {
  const char* given = o.delimiter                                                   ? "--delimiter"
                      : o.encoding != io::Encoding::kDetect                         ? "--encoding"
                      : !o.columns.target.empty()                                   ? "--target"
                      : !o.columns.drop.empty()                                     ? "--drop"
                      : !o.columns.na_values.empty()                                ? "--na-values"
                      : o.columns.max_categories != DatasetOptions{}.max_categories ? "--max-categories"
                                                                                    : nullptr;
  if (given == nullptr) return;
  throw UsageError(fmt::format("{} applies to CSV input, and {} is read as svmlight{}", given, source,
                               o.format == InputFormat::kSvmlight ? "" : " (--input-format csv reads it as CSV)"));
}

// An index's finding as the error it is.
[[noreturn]] void index_beyond_features(const Finding& f, std::int64_t features, bool zero_based,
                                        const std::string& source) {
  throw DataError(source, f.line, f.column,
                  fmt::format("feature index {} is beyond --features {} (indices count from {})", f.text, features,
                              zero_based ? 0 : 1));
}

template <typename Scalar>
const Finding* earliest(const std::deque<SvmBlock<Scalar>>& blocks, Finding SvmBlock<Scalar>::*member) {
  for (const SvmBlock<Scalar>& b : blocks)
    if ((b.*member).found()) return &(b.*member);
  return nullptr;
}

// The data set's columns: the largest index (counted from 0) plus one, or --features.
template <typename Scalar>
Index feature_count(const std::deque<SvmBlock<Scalar>>& blocks, const LoadOptions& options, bool zero_based,
                    const std::string& source) {
  std::int64_t largest = -1;
  for (const SvmBlock<Scalar>& b : blocks) largest = std::max(largest, b.max_index);
  if (options.features > 0) {
    if (const Finding* f =
            earliest(blocks, zero_based ? &SvmBlock<Scalar>::at_features : &SvmBlock<Scalar>::above_features))
      index_beyond_features(*f, options.features, zero_based, source);
    return static_cast<Index>(options.features);
  }
  const std::int64_t cols = largest < 0 ? 0 : largest + (zero_based ? 1 : 0);
  if (cols == 0) throw DataError(source, 0, "no feature index:value in any row, and no --features");
  return static_cast<Index>(cols);
}

// Every line, qid or not: a query id on some rows only is a mistake.
template <typename Scalar>
void check_qids(const std::deque<SvmBlock<Scalar>>& blocks, const std::string& source) {
  long with = 0;
  long without = 0;
  for (const SvmBlock<Scalar>& b : blocks) {
    if (with == 0) with = b.first_with_qid;
    if (without == 0) without = b.first_without_qid;
  }
  if (with == 0 || without == 0) return;
  if (with < without) throw DataError(source, without, "no qid on this line, but earlier lines have one");
  throw DataError(source, with, "a qid on this line, but earlier lines have none");
}

// The classes of every block's labels, and each block's label ids as class indices.
template <typename Scalar>
std::vector<std::vector<double>> class_indices(const std::deque<SvmBlock<Scalar>>& blocks, const std::string& source,
                                               Dataset& data) {
  ClassLabels labels;
  for (const SvmBlock<Scalar>& b : blocks) {
    const BlockLabels& l = b.labels;
    labels.overflow = labels.overflow || l.overflow;
    labels.as_text = labels.as_text || l.non_finite || !l.of_text.empty();
    for (std::size_t id = 0; id < l.texts.size(); ++id) {  // in order of first occurrence
      const double value = l.values[id];
      if (!std::isfinite(value)) {
        labels.texts.insert(l.texts[id]);
        continue;
      }
      labels.numbers.emplace(value, l.texts[id]);
      labels.texts.insert(level_name(value));  // used only when classes are ordered as text
    }
  }
  const ClassIndex index = order_classes(labels, data.target_name, source, data.classes);
  std::vector<std::vector<double>> of_block;
  for (const SvmBlock<Scalar>& b : blocks) {
    std::vector<double>& classes = of_block.emplace_back();
    for (std::size_t id = 0; id < b.labels.texts.size(); ++id) {
      const double value = b.labels.values[id];
      const std::size_t c = !index.of_value.empty() ? index.of_value.at(value)
                            : std::isnan(value)     ? index.of_text.find(b.labels.texts[id])->second
                                                    : index.of_text.find(level_name(value))->second;
      classes.push_back(static_cast<double>(c));
    }
  }
  return of_block;
}

// The blocks' rows appended in file order into one allocation each, indices
// shifted to count from 0; each block is freed once copied, so the peak is
// the data set and one block's rows.
template <typename Scalar>
void append_rows(std::deque<SvmBlock<Scalar>>& blocks, bool zero_based, Index cols, TargetKind kind,
                 const std::string& source, Dataset& data) {
  std::size_t rows = 0;
  std::size_t nonzeros = 0;
  bool qids = false;
  for (const SvmBlock<Scalar>& b : blocks) {
    rows += b.ends.size();
    nonzeros += b.indices.size();
    qids = qids || !b.qids.empty();
  }
  std::vector<std::vector<double>> classes;
  if (kind == TargetKind::kClassification) classes = class_indices(blocks, source, data);
  Csr<Scalar> m;
  m.cols = cols;
  m.offsets.reserve(rows + 1);
  m.indices.reserve(nonzeros);
  m.values.reserve(nonzeros);
  data.targets.resize(static_cast<Index>(rows));
  if (qids) data.groups.reserve(rows);
  const std::int32_t shift = zero_based ? 0 : 1;
  std::size_t row = 0;
  for (std::size_t k = 0; k < blocks.size(); ++k) {
    SvmBlock<Scalar>& b = blocks[k];
    const std::int64_t base = static_cast<std::int64_t>(m.indices.size());
    for (const std::int64_t end : b.ends) m.offsets.push_back(base + end);
    for (const std::int32_t i : b.indices) m.indices.push_back(i - shift);
    m.values.insert(m.values.end(), b.values.begin(), b.values.end());
    for (std::size_t r = 0; r < b.ends.size(); ++r, ++row)
      data.targets[static_cast<Index>(row)] =
          kind == TargetKind::kRegression ? b.targets[r] : classes[k][b.label_ids[r]];
    data.groups.insert(data.groups.end(), b.qids.begin(), b.qids.end());
    b = SvmBlock<Scalar>{};
    // glibc keeps freed blocks for reuse rather than giving them back, which
    // would hold the rows twice at the peak: give them back as they are copied.
    malloc_trim(0);
  }
  data.features = Features(std::move(m));
}

template <typename Scalar>
Dataset assemble_svm(std::deque<SvmBlock<Scalar>>& blocks, const LoadOptions& options, const std::string& source) {
  Dataset data;
  data.format = "svmlight";
  data.target_name = "label";
  std::size_t rows = 0;
  std::size_t dropped = 0;
  bool has_zero = false;
  for (const SvmBlock<Scalar>& b : blocks) {
    rows += b.rows;
    dropped += b.dropped;
    has_zero = has_zero || b.has_zero;
  }
  if (rows == 0) throw DataError(source, 0, "no data rows: svmlight lines read 'label index:value ...'");
  data.rows_read = rows;
  data.rows_sampled = rows;
  data.rows_dropped = dropped;
  check_usable_rows(rows, rows - dropped, source);
  check_qids(blocks, source);
  const bool zero_based = options.zero_based.value_or(has_zero);
  data.zero_based = zero_based;
  const Index cols = feature_count(blocks, options, zero_based, source);
  append_rows(blocks, zero_based, cols, options.kind, source, data);
  return data;
}

void stop_if_requested(const LoadOptions& options) {
  if (options.stop) throw_if_stopped(*options.stop, "while reading the input, before any result");
}

// --sample: the sampled lines, parsed on this thread. The index base and the
// feature count are those of every line, as they would be without a sample
// (CSV's columns are the header's, sampled or not).
template <typename Scalar>
std::deque<SvmBlock<Scalar>> parse_sample(BlockReader& reader, Block& first, const SvmSettings& settings,
                                          const LoadOptions& options, std::size_t& records) {
  std::int64_t largest = -1;
  bool zero = false;
  const auto is_record = [&](std::string_view line) {
    if (!is_svm_record(line)) return false;
    scan_svm_indices(line, largest, zero);
    return true;
  };
  std::deque<Block> sampled =
      sample_lines(reader, first, *settings.source, is_record, *options.sample, options.seed,
                   std::max<std::size_t>(options.block_bytes, 64), records, [&] { stop_if_requested(options); });
  std::deque<SvmBlock<Scalar>> blocks(1);  // the first holds the whole input's index range
  for (Block& b : sampled) {
    parse_svm_block(b, settings, blocks.emplace_back());
    std::string().swap(b.bytes);
  }
  blocks.front().max_index = largest;
  blocks.front().has_zero = zero;
  return blocks;
}

bool pair_like(std::string_view token);

// Text read as svmlight (given --input-format svmlight, or named .svm) that
// reads as CSV: a delimiter splits its first lines evenly and its first line
// holds no index:value pair. Named as such, at that line, before the parse
// takes a header such as x1,x2,y for a multilabel row.
void reject_csv_text(std::string_view head, bool whole, const std::string& source) {
  if (looks_like_svmlight(head, whole)) return;
  const io::DelimiterGuess guess = io::sniff_delimiter(head, whole);
  if (!guess.consistent) return;
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  long line = 1;
  for (; !head.empty(); ++line) {
    const std::size_t nl = std::min(head.find('\n'), head.size());
    const std::string_view text = head.substr(0, nl);
    head.remove_prefix(std::min(nl + 1, head.size()));
    if (!is_svm_record(text)) continue;
    std::string_view rest = text.substr(0, text.find('#'));
    for (std::size_t start = rest.find_first_not_of(" \t\r\v\f"); start != std::string_view::npos;
         start = rest.find_first_not_of(" \t\r\v\f")) {
      rest.remove_prefix(start);
      const std::size_t end = std::min(rest.find_first_of(" \t\r\v\f"), rest.size());
      if (pair_like(rest.substr(0, end))) return;
      rest.remove_prefix(end);
    }
    throw DataError(source, line,
                    fmt::format("not svmlight text ('label index:value ...'): the line has no index:value pair, and "
                                "the file reads as {}-separated CSV; --input-format csv reads it as CSV",
                                io::delimiter_name(guess.delimiter)));
  }
}

template <typename Scalar>
Dataset load_svm(io::Input& input, const LoadOptions& options) {
  const std::string& source = input.name();
  reject_csv_options(options, source);
  if (options.features < 0 || options.features > kMaxSvmIndex + 1)
    throw UsageError(fmt::format("--features must be between 1 and {} (0: from the data)", kMaxSvmIndex + 1));
  io::ByteStream& in = input.text(io::LineEnds::kMacAware);
  // Binary data is named from the first bytes, as for CSV; later NUL bytes
  // are reported in file order with other errors.
  io::reject_binary(input.head(), source, kSvmlightText);
  if (const std::size_t nul = input.head().find('\0'); nul != std::string_view::npos)
    throw io::nul_error(input.head(), nul, 1, source, kSvmlightText);
  reject_csv_text(input.head(), input.head().size() < io::kHeadBytes, source);
  const SvmSettings settings{&source, options.kind, options.zero_based, options.features};
  BlockReader reader(in, source, ',', std::max<std::size_t>(options.block_bytes, 64), io::Encoding::kDetect,
                     RecordEnds::kLines);
  Block first;
  reader.next(first);
  if (std::string_view(first.bytes).starts_with("\xEF\xBB\xBF")) first.start = 3;  // a UTF-8 byte-order mark
  std::deque<SvmBlock<Scalar>> blocks;
  std::size_t sampled_from = 0;
  if (options.sample) {
    blocks = parse_sample<Scalar>(reader, first, settings, options, sampled_from);
  } else {
    try {
      blocks = parse_blocks<SvmBlock<Scalar>>(
          reader, std::move(first), options.threads ? options.threads : available_cores(),
          [&] {
            stop_if_requested(options);
            if (options.progress) options.progress(input.fraction_read(), "reading");
          },
          [&](Block& block, SvmBlock<Scalar>& out) { parse_svm_block(block, settings, out); });
    } catch (...) {
      stop_if_requested(options);  // a stop request wins over any error
      throw;
    }
  }
  stop_if_requested(options);
  Dataset data = assemble_svm(blocks, options, source);
  if (options.sample) {
    data.sampled = true;
    data.rows_read = sampled_from;
  }
  const io::TextDecoder& decoder = reader.decoder();
  if (decoder.encoding() == io::Encoding::kLatin1 || decoder.encoding() == io::Encoding::kCp1252)
    data.encoding = io::encoding_name(decoder.encoding());
  if (decoder.detected_single_byte()) data.not_utf8_line = decoder.decided_line();
  return data;
}

// Whether a token reads as a label: a number, a list of numbers (multilabel,
// refused later with its own message) or a class name with no delimiter.
bool label_like(std::string_view token) {
  if (token.find(':') != std::string_view::npos) return false;
  if (token.find_first_of(",;|\"") == std::string_view::npos) return true;
  for (std::size_t start = 0; start <= token.size();) {
    const std::size_t comma = std::min(token.find(',', start), token.size());
    double x = 0.0;
    if (!parse_number(token.substr(start, comma - start), x)) return false;
    start = comma + 1;
  }
  return true;
}

// Whether a token reads as index:value or qid:N.
bool pair_like(std::string_view token) {
  const std::size_t colon = token.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view key = token.substr(0, colon);
  const std::string_view value = token.substr(colon + 1);
  std::int64_t n = 0;
  if (key == "qid")
    return std::from_chars(value.data(), value.data() + value.size(), n).ptr == value.data() + value.size() &&
           !value.empty();
  double x = 0.0;
  return std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; }) && parse_number(value, x);
}

}  // namespace

bool has_svmlight_extension(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower.ends_with(".gz")) lower.resize(lower.size() - 3);
  return lower.ends_with(".svm") || lower.ends_with(".svmlight") || lower.ends_with(".libsvm");
}

bool looks_like_svmlight(std::string_view head, bool whole) {
  constexpr int kLines = 10;  // lines looked at, besides blank lines and comments
  int looked = 0;
  bool pairs = false;
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  while (!head.empty() && looked < kLines) {
    const std::size_t nl = head.find('\n');
    const bool cut = nl == std::string_view::npos && !whole;  // the last line may go on past the head
    std::string_view line = head.substr(0, nl);
    head = nl == std::string_view::npos ? std::string_view() : head.substr(nl + 1);
    line = line.substr(0, line.find('#'));
    std::vector<std::string_view> tokens;
    for (std::size_t i = 0; i < line.size();) {
      const std::size_t start = line.find_first_not_of(" \t\r\v\f", i);
      if (start == std::string_view::npos) break;
      const std::size_t end = std::min(line.find_first_of(" \t\r\v\f", start), line.size());
      tokens.push_back(line.substr(start, end - start));
      i = end;
    }
    if (cut && !tokens.empty()) tokens.pop_back();  // may be cut short
    if (tokens.empty()) continue;
    ++looked;
    if (!label_like(tokens.front())) return false;
    for (std::size_t t = 1; t < tokens.size(); ++t)
      if (!pair_like(tokens[t])) return false;
    pairs = pairs || tokens.size() > 1;
  }
  return pairs;
}

Dataset load_svmlight(io::Input& input, const LoadOptions& options) {
  if (options.columns.precision == Precision::kFloat32) return load_svm<float>(input, options);
  return load_svm<double>(input, options);
}

}  // namespace lrfind::load
