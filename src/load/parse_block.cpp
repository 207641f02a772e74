#include "load/parse_block.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "load/csv_cursor.hpp"
#include "load/limits.hpp"
#include "load/number.hpp"
#include "lrfind/error.hpp"

namespace lrfind::load {

std::size_t initial_capacity(const Block& first, std::size_t width, std::size_t input_bytes) {
  const std::size_t bound = row_bound(first, width);
  const std::size_t parsed = first.bytes.size() - first.start;
  if (input_bytes == 0 || parsed == 0) return 4 * bound + 16;
  if (input_bytes <= first.bytes.size()) return bound;
  const double per_byte = static_cast<double>(bound) / static_cast<double>(parsed);
  const double rest = static_cast<double>(input_bytes - first.bytes.size());
  return bound + static_cast<std::size_t>(per_byte * rest * 1.0625) + 16;
}

std::string quoted_sample(std::string_view text) {
  if (text.size() > 40) return fmt::format("'{}...'", text.substr(0, 40));
  return fmt::format("'{}'", text);
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Where the fields of the record at p end: the first `width` delimiters or
// line feeds from p, stopping at a line feed (or at `end`, which then ends the
// last field). Fields are not unquoted: callers reject a record with a quoted
// field. Returns how many ends were found.
inline std::size_t field_ends(const char* p, const char* end, char delim, std::size_t width, const char** ends) {
  std::size_t k = 0;
#if defined(__SSE2__)
  const __m128i d = _mm_set1_epi8(delim);
  const __m128i lf = _mm_set1_epi8('\n');
  for (; end - p >= 16; p += 16) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const unsigned lines = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, lf)));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, d))) | lines;
    while (mask != 0) {
      const int at = std::countr_zero(mask);
      ends[k++] = p + at;
      if (((lines >> at) & 1u) != 0 || k == width) return k;
      mask &= mask - 1;
    }
  }
#endif
  for (; p < end; ++p) {
    if (*p != delim && *p != '\n') continue;
    ends[k++] = p;
    if (*p == '\n' || k == width) return k;
  }
  ends[k++] = end;
  return k;
}

// A cell of the current row to deal with once the row is known to be kept.
struct Pending {
  enum Kind { kText, kNonFinite, kLabel } kind;
  std::size_t slot;
  std::size_t offset, length;  // text in the row's arena
  long line, column;           // column 0: not asked for
  double value;
};

// One block's parse: the records in turn, each into its row of the staging
// (or, past the block's bound, a scratch row: only a record with the wrong
// number of fields can lie there, and its error is thrown).
template <typename Scalar>
class BlockParser {
 public:
  BlockParser(const Block& block, const Layout& layout, Parsed<Scalar>& out, Staging<Scalar>& staging);
  void run();

 private:
  bool fast_row(Scalar* values, double* target_at, bool past_bound);
  void general_row(Scalar* values, double* target_at, bool past_bound, std::size_t row);
  std::size_t read_fields(Scalar* values, double& target, bool& missing);
  void remember(Pending::Kind kind, std::size_t slot, std::string_view text, double value,
                const detail::CsvCursor::Mark& mark, const char* at, bool locate);
  void keep_cell(const Pending& p, std::size_t row);
  [[noreturn]] void logic_error() const { throw std::logic_error("a block holds more records than its bound"); }

  const Block& block_;
  const Layout& layout_;
  Parsed<Scalar>& out_;
  detail::CsvCursor cursor_;
  Scalar* const block_values_;
  double* const block_target_;
  const bool classify_;
  // Rows of plain numbers only (the bulk of most files) take a short path;
  // any other row is read again from its start by the general one.
  const bool fast_rows_;
  const bool has_bad_;  // a NUL or a byte that is not UTF-8: skipped fields are then read by the general path
  std::vector<const char*> ends_;
  std::vector<Scalar> scratch_;
  double scratch_target_ = 0.0;
  std::vector<Pending> pending_;
  std::string arena_;
};

template <typename Scalar>
BlockParser<Scalar>::BlockParser(const Block& block, const Layout& layout, Parsed<Scalar>& out,
                                 Staging<Scalar>& staging)
    : block_(block),
      layout_(layout),
      out_(out),
      cursor_(std::string_view(block.bytes).substr(block.start), *layout.source, layout.delim, block.first_line),
      block_values_(staging.row(out.first_row)),
      block_target_(staging.target.data() + out.first_row),
      classify_(layout.kind == TargetKind::kClassification),
      fast_rows_(!layout.na_numeric),
      has_bad_(block.first_bad_byte() != std::string::npos),
      ends_(layout.width),
      scratch_(layout.slots) {
  const std::size_t slots = layout.slots;
  out.keep.reserve(out.bound);
  out.text_kept.assign(slots + 1, 0);
  out.first_text.assign(slots + 1, Finding{});
  out.first_non_finite.assign(slots + 1, Finding{});
  out.levels.resize(slots + 1);
}

template <typename Scalar>
void BlockParser<Scalar>::run() {
  std::size_t record = 0;
  while (cursor_.skip_blank_lines()) {
    if (!block_.lines.empty()) cursor_.set_line(block_.lines[record]);
    ++record;
    const bool past_bound = out_.rows >= out_.bound;
    const std::size_t row = out_.rows++;
    Scalar* const values = past_bound ? scratch_.data() : block_values_ + row * layout_.slots;
    double* const target_at = past_bound ? &scratch_target_ : block_target_ + row;
    if (fast_rows_ && fast_row(values, target_at, past_bound)) continue;
    general_row(values, target_at, past_bound, row);
  }
}

// The fields' ends first (independent of the numbers), then each field on its
// own, so that the numbers of a row are read in parallel by the processor
// rather than one after another. No field may open a quote, so the delimiters
// found are the record's own. False, with nothing consumed, for a row the
// general path must read.
template <typename Scalar>
[[gnu::always_inline]] inline bool BlockParser<Scalar>::fast_row(Scalar* values, double* target_at, bool past_bound) {
  const std::size_t width = layout_.width;
  const int* const roles = layout_.role.data();
  const char delim = layout_.delim;
  const char** const ends = ends_.data();
  const char* const record_start = cursor_.pos();
  const char* const end = cursor_.end();
  bool ok = field_ends(record_start, end, delim, width, ends) == width &&
            (ends[width - 1] == end || *ends[width - 1] == '\n');
  double target = 0.0;
  const char* start = record_start;
  for (std::size_t c = 0; c < width && ok; ++c) {
    const char* stop = ends[c];
    if (c + 1 == width && stop > start && stop[-1] == '\r') --stop;  // CRLF
    const int role = roles[c];
    if (role == kSkip) {
      ok = start == stop || (*start != '"' && !has_bad_ && static_cast<std::size_t>(stop - start) <= kMaxFieldBytes);
    } else if (role == kTrailing) {
      ok = start == stop;
    } else {
      double x = 0.0;
      ok = fast_decimal(start, end, x) == stop && start != stop;
      if (role == kTarget)
        target = x;
      else
        values[role] = static_cast<Scalar>(x);
    }
    start = ends[c] + 1;
  }
  if (!ok || (classify_ && !out_.label_text.contains(target))) return false;
  if (past_bound) logic_error();
  cursor_.jump_to_record(std::min(start, end));
  *target_at = target;
  out_.keep.push_back(1);
  ++out_.kept;
  return true;
}

template <typename Scalar>
void BlockParser<Scalar>::general_row(Scalar* values, double* target_at, bool past_bound, std::size_t row) {
  const long line = cursor_.line();
  double target = kNaN;
  bool missing = false;
  pending_.clear();
  arena_.clear();
  const std::size_t fields = read_fields(values, target, missing);
  // A NUL byte, or one that is not UTF-8, is reported where it stands among the other errors.
  if (has_bad_ && block_.start + cursor_.offset() > block_.first_bad_byte())
    throw bad_byte_error(block_, *layout_.source);
  const std::size_t width = layout_.width;
  if (fields != width) {
    const std::string& hint = layout_.delimiter_hint;
    throw DataError(*layout_.source, line,
                    fmt::format("row has {} field{}, the header has {}{}", fields, fields == 1 ? "" : "s", width,
                                !hint.empty()   ? " (" + hint + ")"
                                : fields > width ? " (check --delimiter and quoting)"
                                                 : ""));
  }
  if (past_bound) logic_error();
  *target_at = target;
  out_.keep.push_back(missing ? 0 : 1);
  if (missing) return;
  ++out_.kept;
  for (const Pending& p : pending_) keep_cell(p, row);
}

// Reads every field of the record at the cursor into `values` and `target`
// (NaN for missing and text cells), noting the cells to deal with if the row
// is kept. Returns the number of fields.
template <typename Scalar>
std::size_t BlockParser<Scalar>::read_fields(Scalar* values, double& target, bool& missing) {
  const std::size_t slots = layout_.slots;
  const auto store = [&](int role, double x) {
    if (role == kTarget)
      target = x;
    else
      values[role] = static_cast<Scalar>(x);
  };
  std::size_t fields = 0;
  bool record_end = false;
  while (!record_end) {
    const int role = fields < layout_.width ? layout_.role[fields] : kSkip;
    ++fields;
    if (role == kSkip) {
      cursor_.field(record_end);
      continue;
    }
    const char* at = cursor_.pos();
    if (role == kTrailing) {
      const detail::CsvCursor::Mark mark = cursor_.mark();
      const std::string_view text = trim_blanks(cursor_.field(record_end));
      if (!text.empty())
        throw DataError(*layout_.source, mark.line, cursor_.column(mark, at),
                        fmt::format("the last column has no name in the header but holds {}; name it there",
                                    quoted_sample(text)));
      continue;
    }
    // The common case: a plain number, parsed in place.
    if (at < cursor_.end() && *at != '"') {
      double x = 0.0;
      const char* q = number_in_place(at, cursor_.end(), x);
      if (q != nullptr &&
          (!layout_.na_numeric || !layout_.missing(std::string_view(at, static_cast<std::size_t>(q - at)))) &&
          cursor_.accept_in_place(q, record_end)) {
        store(role, x);
        if (classify_ && role == kTarget && !out_.label_overflow && !out_.label_text.contains(x))
          remember(Pending::kLabel, slots, std::string_view(at, static_cast<std::size_t>(q - at)), x, cursor_.mark(),
                   at, false);
        continue;
      }
    }
    const detail::CsvCursor::Mark mark = cursor_.mark();
    const std::string_view text = trim_blanks(cursor_.field(record_end));
    const std::size_t slot = role == kTarget ? slots : static_cast<std::size_t>(role);
    if (layout_.missing(text)) {
      missing = true;
      store(role, kNaN);
      continue;
    }
    double x = 0.0;
    if (parse_number(text, x) && !std::isnan(x)) {  // "NAN" and the like are text
      store(role, x);
      if (!std::isfinite(x)) {
        remember(Pending::kNonFinite, slot, text, x, mark, at, !out_.first_non_finite[slot].found());
      } else if (classify_ && role == kTarget && !out_.label_overflow && !out_.label_text.contains(x)) {
        remember(Pending::kLabel, slot, text, x, mark, at, false);
      }
      continue;
    }
    store(role, kNaN);
    remember(Pending::kText, slot, text, kNaN, mark, at, !out_.first_text[slot].found());
  }
  return fields;
}

template <typename Scalar>
void BlockParser<Scalar>::remember(Pending::Kind kind, std::size_t slot, std::string_view text, double value,
                                   const detail::CsvCursor::Mark& mark, const char* at, bool locate) {
  Pending p{kind, slot, arena_.size(), text.size(), mark.line, locate ? cursor_.column(mark, at) : 0, value};
  arena_.append(text);
  pending_.push_back(p);
}

// A noted cell of a kept row: a new class label, the first text or
// non-finite number of its column, or a text cell's level.
template <typename Scalar>
void BlockParser<Scalar>::keep_cell(const Pending& p, std::size_t row) {
  const std::string_view text = std::string_view(arena_).substr(p.offset, p.length);
  if (p.kind == Pending::kLabel) {
    if (out_.label_text.size() > kMaxClasses)
      out_.label_overflow = true;
    else
      out_.label_text.emplace(p.value, std::string(text));
    return;
  }
  Finding& first = p.kind == Pending::kText ? out_.first_text[p.slot] : out_.first_non_finite[p.slot];
  if (!first.found() && p.column > 0) first = Finding{p.line, p.column, std::string(text)};
  if (p.kind == Pending::kNonFinite) return;
  ++out_.text_kept[p.slot];
  const std::size_t cap = layout_.level_cap(p.slot);
  if (cap == 0) return;
  std::unique_ptr<Levels>& levels = out_.levels[p.slot];
  if (!levels) levels = std::make_unique<Levels>();
  if (levels->overflow) return;
  auto it = levels->ids.find(text);
  if (it == levels->ids.end()) {
    if (levels->names.size() >= cap) {
      levels->overflow = true;
      return;
    }
    it = levels->ids.emplace(std::string(text), static_cast<std::uint32_t>(levels->names.size())).first;
    levels->names.emplace_back(text);
  }
  levels->cells.emplace_back(static_cast<std::uint32_t>(row), it->second);
}

}  // namespace

template <typename Scalar>
void parse_block(const Block& block, const Layout& layout, Parsed<Scalar>& out, Staging<Scalar>& staging) {
  BlockParser<Scalar>(block, layout, out, staging).run();
}

template void parse_block(const Block&, const Layout&, Parsed<float>&, Staging<float>&);
template void parse_block(const Block&, const Layout&, Parsed<double>&, Staging<double>&);

}  // namespace lrfind::load
