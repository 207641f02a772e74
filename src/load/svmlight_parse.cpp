#include "load/svmlight_parse.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>

#include "load/classes.hpp"
#include "load/number.hpp"
#include "lrfind/error.hpp"

namespace lrfind::load {

namespace {

// The separators of scikit-learn's reader (Python's bytes.split()); a CR
// before the line feed of a CRLF line is one of them.
inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

inline bool is_digit(char c) { return static_cast<unsigned>(c - '0') < 10; }

const char* skip_spaces(const char* p, const char* end) {
  while (p < end && is_space(*p)) ++p;
  return p;
}

const char* token_end(const char* p, const char* end) {
  while (p < end && !is_space(*p)) ++p;
  return p;
}

// One line's parse into the block's rows.
template <typename Scalar>
class LineParser {
 public:
  LineParser(const SvmSettings& settings, SvmBlock<Scalar>& out) : s_(settings), out_(out) {}

  void parse(const char* start, const char* end, long line);

 private:
  bool read_label(const char* p, const char* e);
  const char* read_qid(const char* p, const char* end, bool features_begun);
  const char* read_feature(const char* p, const char* end, std::int64_t& previous);
  void check_features_bound(std::int64_t index, const char* at);
  std::uint32_t label_id(std::string_view text, double value, bool number);
  [[noreturn]] void fail(const char* at, const std::string& what) const;
  [[noreturn]] void bad_feature(const char* at, const char* end) const;
  long column(const char* at) const;

  const SvmSettings& s_;
  SvmBlock<Scalar>& out_;
  const char* line_start_ = nullptr;
  long line_ = 0;
  bool has_qid_ = false;
  std::int64_t qid_ = 0;
  double target_ = 0.0;
  std::uint32_t label_ = 0;
};

// 1-based character (not byte) column of `at` on the line.
template <typename Scalar>
long LineParser<Scalar>::column(const char* at) const {
  long column = 1;
  for (const char* c = line_start_; c < at; ++c)
    if ((static_cast<unsigned char>(*c) & 0xC0) != 0x80) ++column;
  return column;
}

template <typename Scalar>
void LineParser<Scalar>::fail(const char* at, const std::string& what) const {
  throw DataError(*s_.source, line_, column(at), what);
}

// A token that is neither index:value with a whole index nor a qid.
template <typename Scalar>
void LineParser<Scalar>::bad_feature(const char* at, const char* end) const {
  const std::string_view token(at, static_cast<std::size_t>(token_end(at, end) - at));
  const std::size_t colon = token.find(':');
  if (colon == std::string_view::npos)
    fail(at, fmt::format("{} is not a feature index:value: it has no ':'", quoted_sample(token)));
  const std::string_view key = token.substr(0, colon);
  if (key.size() > 1 && key[0] == '-' && std::all_of(key.begin() + 1, key.end(), is_digit))
    fail(at, fmt::format("feature index {} is negative: an index must be {}", key,
                         s_.zero_based == true ? "0 or more (--zero-based)"
                                               : "a positive integer (0 or more with --zero-based)"));
  fail(at, fmt::format("the feature index {} is not a whole number (in {})", quoted_sample(token.substr(0, colon)),
                       quoted_sample(token)));
}

template <typename Scalar>
void LineParser<Scalar>::parse(const char* start, const char* end, long line) {
  line_start_ = start;
  line_ = line;
  if (const void* hash = std::memchr(start, '#', static_cast<std::size_t>(end - start)))
    end = static_cast<const char*>(hash);
  const char* p = skip_spaces(start, end);
  if (p == end) return;  // blank, or only a comment
  const char* label_end = token_end(p, end);
  const bool keep = read_label(p, label_end);
  const std::size_t row_start = out_.indices.size();
  has_qid_ = false;
  std::int64_t previous = -1;
  for (p = skip_spaces(label_end, end); p < end; p = skip_spaces(p, end)) {
    if (is_digit(*p))
      p = read_feature(p, end, previous);
    else
      p = read_qid(p, end, previous >= 0);
  }
  long& first = has_qid_ ? out_.first_with_qid : out_.first_without_qid;
  if (first == 0) first = line;
  ++out_.rows;
  if (!keep) {
    ++out_.dropped;
    out_.indices.resize(row_start);
    out_.values.resize(row_start);
    return;
  }
  out_.ends.push_back(static_cast<std::int64_t>(out_.indices.size()));
  if (s_.kind == TargetKind::kRegression)
    out_.targets.push_back(target_);
  else
    out_.label_ids.push_back(label_);
  if (has_qid_) out_.qids.push_back(qid_);
}

// The label: a number, or a class name for a classifier; false for a missing
// one (the row is dropped, as a row with a missing value in CSV).
template <typename Scalar>
bool LineParser<Scalar>::read_label(const char* p, const char* e) {
  const std::string_view text(p, static_cast<std::size_t>(e - p));
  if (text.find(':') != std::string_view::npos)
    fail(p, fmt::format("the line starts with {}, not a label: svmlight lines read 'label index:value ...'",
                        quoted_sample(text)));
  if (text.find(',') != std::string_view::npos)
    fail(p, fmt::format("multilabel rows are not supported: the label {} holds several labels", quoted_sample(text)));
  if (is_missing(text)) return false;
  double x = 0.0;
  const bool number = parse_number(text, x) && !std::isnan(x);  // "NAN" and the like are text, as in CSV
  if (s_.kind == TargetKind::kRegression) {
    if (!number)
      fail(p, fmt::format("the regression target 'label' is not numeric: {} (for class labels use --model logistic "
                          "or svm)",
                          quoted_sample(text)));
    if (!std::isfinite(x)) fail(p, fmt::format("target 'label': non-finite number {}", quoted_sample(text)));
    target_ = x;
  } else {
    label_ = label_id(text, x, number);
  }
  return true;
}

template <typename Scalar>
std::uint32_t LineParser<Scalar>::label_id(std::string_view text, double value, bool number) {
  BlockLabels& l = out_.labels;
  if (number && std::isfinite(value)) {
    if (const auto it = l.of_bits.find(std::bit_cast<std::uint64_t>(value)); it != l.of_bits.end()) return it->second;
  } else {
    if (!number) value = std::numeric_limits<double>::quiet_NaN();
    const std::string name = number ? level_name(value) : std::string(text);
    if (const auto it = l.of_text.find(name); it != l.of_text.end()) return it->second;
  }
  if (l.texts.size() > kMaxClasses) {  // the assembly reports it; stop collecting
    l.overflow = true;
    return 0;
  }
  const auto id = static_cast<std::uint32_t>(l.texts.size());
  if (number && std::isfinite(value)) {
    l.of_bits.emplace(std::bit_cast<std::uint64_t>(value), id);
    l.texts.emplace_back(text);
  } else {
    l.non_finite = l.non_finite || number;
    l.texts.push_back(number ? level_name(value) : std::string(text));
    l.of_text.emplace(l.texts.back(), id);
  }
  l.values.push_back(value);
  return id;
}

template <typename Scalar>
const char* LineParser<Scalar>::read_qid(const char* p, const char* end, bool features_begun) {
  const char* e = token_end(p, end);
  const std::string_view token(p, static_cast<std::size_t>(e - p));
  if (token.substr(0, 4) != "qid:") bad_feature(p, end);
  if (features_begun || has_qid_) fail(p, "a qid must come once, right after the label");
  const auto [q, ec] = std::from_chars(p + 4, e, qid_);
  if (ec != std::errc() || q != e || q == p + 4)
    fail(p, fmt::format("qid {} is not a whole number", quoted_sample(token.substr(4))));
  has_qid_ = true;
  return e;
}

template <typename Scalar>
const char* LineParser<Scalar>::read_feature(const char* p, const char* end, std::int64_t& previous) {
  const char* const at = p;
  std::int64_t index = 0;
  for (; p < end && is_digit(*p) && index <= kMaxSvmIndex; ++p) index = index * 10 + (*p - '0');
  if (index > kMaxSvmIndex) {
    while (p < end && is_digit(*p)) ++p;
    fail(at, fmt::format("feature index {} is above the limit of {}",
                         std::string_view(at, static_cast<std::size_t>(p - at)), kMaxSvmIndex));
  }
  if (p == end || *p != ':') bad_feature(at, end);
  if (index == 0 && s_.zero_based == false)
    fail(at, "feature index 0, but indices count from 1 here (zero-based indices were turned off)");
  if (index <= previous)
    fail(at, index == previous
                 ? fmt::format("feature index {} repeated: indices must ascend within a line", index)
                 : fmt::format("feature index {} after {}: indices must ascend within a line", index, previous));
  previous = index;
  const char* const v = ++p;
  double x = 0.0;
  p = number_in_place(v, end, x);
  if (p == nullptr || (p < end && !is_space(*p))) {
    p = token_end(v, end);
    const std::string_view text(v, static_cast<std::size_t>(p - v));
    if (!parse_number(text, x))
      fail(v, fmt::format("feature {}: value {} is not a number", index, quoted_sample(text)));
    if (!std::isfinite(x)) fail(v, fmt::format("feature {}: value {} is not finite", index, quoted_sample(text)));
  }
  out_.has_zero = out_.has_zero || index == 0;
  out_.max_index = std::max(out_.max_index, index);
  if (s_.features > 0 && index >= s_.features) check_features_bound(index, at);
  const auto stored = static_cast<Scalar>(x);
  if (!std::isfinite(stored))  // only with --float32: a double beyond float's range
    fail(v, fmt::format("feature {}: value {} is beyond the range of 32-bit floats (--float32)", index,
                        quoted_sample(std::string_view(v, static_cast<std::size_t>(token_end(v, end) - v)))));
  if (stored != 0) {  // explicit zeros, and values too small for a float, are left out
    out_.indices.push_back(static_cast<std::int32_t>(index));
    out_.values.push_back(stored);
  }
  return p;
}

// An index at or above --features: too large if indices count from 0, and
// above it, also if they count from 1; which is known only at the end.
template <typename Scalar>
void LineParser<Scalar>::check_features_bound(std::int64_t index, const char* at) {
  const auto note = [&](Finding& f) {
    if (!f.found()) f = Finding{line_, column(at), std::to_string(index)};
  };
  note(out_.at_features);
  if (index > s_.features) note(out_.above_features);
}

}  // namespace

bool is_svm_record(std::string_view line) {
  for (const char c : line) {
    if (c == '#') return false;
    if (!is_space(c)) return true;
  }
  return false;
}

void scan_svm_indices(std::string_view line, std::int64_t& largest, bool& zero) {
  const char* p = line.data();
  const char* end = p + std::min(line.find('#'), line.size());
  p = token_end(skip_spaces(p, end), end);  // the label
  for (p = skip_spaces(p, end); p < end; p = skip_spaces(token_end(p, end), end)) {
    std::int64_t index = 0;
    const char* q = p;
    for (; q < end && is_digit(*q) && index <= kMaxSvmIndex; ++q) index = index * 10 + (*q - '0');
    if (q == p || q == end || *q != ':' || index > kMaxSvmIndex) continue;
    largest = std::max(largest, index);
    zero = zero || index == 0;
  }
}

template <typename Scalar>
void parse_svm_block(const Block& block, const SvmSettings& settings, SvmBlock<Scalar>& out) {
  const std::string_view bytes = std::string_view(block.bytes).substr(block.start);
  out.indices.reserve(bytes.size() / 8);
  out.values.reserve(bytes.size() / 8);
  const std::size_t bad = block.first_bad_byte();
  LineParser<Scalar> parser(settings, out);
  long line = block.first_line;
  std::size_t record = 0;
  for (std::size_t begin = 0; begin < bytes.size(); ++line) {
    const void* nl = std::memchr(bytes.data() + begin, '\n', bytes.size() - begin);
    const std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - bytes.data()) : bytes.size();
    // A NUL byte, or one that is not UTF-8, is reported where it stands among the other errors.
    if (bad != std::string::npos && block.start + end >= bad)
      throw bad_byte_error(block, *settings.source, kSvmlightText);
    if (!block.lines.empty()) line = block.lines[record++];
    parser.parse(bytes.data() + begin, bytes.data() + end, line);
    begin = end + 1;
  }
}

template void parse_svm_block(const Block&, const SvmSettings&, SvmBlock<float>&);
template void parse_svm_block(const Block&, const SvmSettings&, SvmBlock<double>&);

}  // namespace lrfind::load
