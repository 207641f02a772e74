#include "load/loader.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "io/input.hpp"
#include "io/sniff.hpp"
#include "load/csv_cursor.hpp"
#include "load/limits.hpp"
#include "load/number.hpp"
#include "lrfind/error.hpp"
#include "common/interrupt.hpp"
#include "train/sampling.hpp"

namespace lrfind {


namespace {

// Stop requests (interrupt.hpp) are polled once per block.
constexpr std::string_view kWhileReading = "while reading the input, before any result";
constexpr int kSkip = -1;
constexpr int kTrailing = -3;  // an unnamed last column left by a delimiter at every line end: must stay empty
constexpr int kTarget = -2;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---------------------------------------------------------------------------
// Cutting the stream into blocks of whole records.

// Line feeds in bytes; a plain loop that compilers vectorise (std::count does not).
std::size_t count_newlines(std::string_view b) {
  std::size_t n = 0;
  for (const char c : b) n += c == '\n';
  return n;
}

// Where, in bytes that begin at the start of a record, the last record ends
// (just past its line feed); 0 when no record ends in them. A quote opens a
// quoted field only at the start of a field, as the parser reads it.
std::size_t last_record_end(std::string_view b, char delim, bool& open_quote) {
  if (std::memchr(b.data(), '"', b.size()) == nullptr) {
    open_quote = false;
    const void* nl = ::memrchr(b.data(), '\n', b.size());
    return nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - b.data()) + 1 : 0;
  }
  std::size_t last = 0;
  bool field_start = true;
  bool quoted = false;
  const std::size_t n = b.size();
  for (std::size_t i = 0; i < n; ++i) {
    const char c = b[i];
    if (quoted) {
      const void* q = std::memchr(b.data() + i, '"', n - i);
      if (q == nullptr) break;
      i = static_cast<std::size_t>(static_cast<const char*>(q) - b.data());
      if (i + 1 < n && b[i + 1] == '"') {
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"' && field_start) {
      quoted = true;
      field_start = false;
    } else if (c == delim) {
      field_start = true;
    } else if (c == '\n') {
      field_start = true;
      last = i + 1;
    } else {
      field_start = false;
    }
  }
  open_quote = quoted;
  return last;
}

struct Block {
  std::string bytes;
  std::size_t start = 0;     // where the records begin (after the header in the first block)
  long first_line = 1;       // physical line of bytes[start]
  long line0 = 1;            // physical line of bytes[0]
  std::size_t newlines = 0;  // line feeds in bytes
  std::size_t nul = std::string::npos;  // where the first NUL byte is, if any
  std::vector<long> lines;   // sampled records: each record's own line
};

class BlockReader {
 public:
  BlockReader(io::ByteStream& in, const std::string& source, char delim, std::size_t block_bytes)
      : in_(in), source_(source), delim_(delim), block_(std::max<std::size_t>(block_bytes, 64)) {}

  // Fills `out` with the next run of whole records (the last one may lack its
  // line feed at the end of the input). False when the input is used up.
  bool next(Block& out) {
    std::string& buf = out.bytes;
    buf.swap(carry_);
    carry_.clear();
    out.start = 0;
    out.first_line = line_;
    out.line0 = line_;
    out.lines.clear();
    std::size_t want = block_;
    for (;;) {
      while (!eof_ && buf.size() < want) {
        const std::size_t have = buf.size();
        buf.resize(want);
        const std::size_t got = in_.read(buf.data() + have, want - have);
        buf.resize(have + got);
        if (got == 0) eof_ = true;
      }
      bool open_quote = false;
      std::size_t cut = last_record_end(buf, delim_, open_quote);
      if (eof_) cut = buf.size();
      if (cut > 0 || buf.empty()) {
        carry_.assign(buf, cut);
        buf.resize(cut);
        out.newlines = count_newlines(buf);
        const void* nul = std::memchr(buf.data(), '\0', buf.size());
        out.nul = nul ? static_cast<std::size_t>(static_cast<const char*>(nul) - buf.data()) : std::string::npos;
        line_ += static_cast<long>(out.newlines);
        return !buf.empty();
      }
      if (buf.size() >= kMaxRecordBytes) {
        if (open_quote)
          throw DataError(source_, line_,
                          fmt::format("a quoted field runs on for more than {} MiB: a '\"' on or after this line is "
                                      "never closed",
                                      kMaxRecordBytes >> 20));
        throw DataError(source_, line_, fmt::format("a row longer than the limit of {} MiB", kMaxRecordBytes >> 20));
      }
      want = buf.size() * 2;  // a record longer than a block: read on
    }
  }

  long line() const { return line_; }

 private:
  io::ByteStream& in_;
  const std::string& source_;
  char delim_;
  std::size_t block_;
  std::string carry_;
  bool eof_ = false;
  long line_ = 1;
};

// ---------------------------------------------------------------------------
// Where the cells go: one matrix for the whole input.

// The records of `width` fields a block can hold: at most one per line feed
// after its start, plus an unterminated last one, and at most one per `width`
// bytes (width - 1 delimiters and a line feed; the last may lack its line
// feed), so that blank lines or line feeds inside quoted fields do not inflate
// it. A record with another number of fields is an error, reported when it is
// parsed (parse_block reads records past the bound into a scratch row).
std::size_t row_bound(const Block& block, std::size_t width) {
  if (!block.lines.empty()) return block.lines.size();
  const std::string_view rest = std::string_view(block.bytes).substr(block.start);
  if (rest.empty()) return 0;
  const std::size_t newlines = block.start == 0 ? block.newlines : count_newlines(rest);
  return std::min(newlines + (rest.back() == '\n' ? 0 : 1), (rest.size() + 1) / std::max<std::size_t>(width, 1));
}

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
std::size_t initial_capacity(const Block& first, std::size_t width, std::size_t input_bytes) {
  const std::size_t bound = row_bound(first, width);
  const std::size_t parsed = first.bytes.size() - first.start;
  if (input_bytes == 0 || parsed == 0) return 4 * bound + 16;
  if (input_bytes <= first.bytes.size()) return bound;
  const double per_byte = static_cast<double>(bound) / static_cast<double>(parsed);
  return bound + static_cast<std::size_t>(per_byte * static_cast<double>(input_bytes - first.bytes.size()) * 1.0625) + 16;
}

// ---------------------------------------------------------------------------
// Parsing blocks.

std::string quoted_sample(std::string_view text) {
  if (text.size() > 40) return fmt::format("'{}...'", text.substr(0, 40));
  return fmt::format("'{}'", text);
}


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

struct Layout {
  const std::string* source = nullptr;
  char delim = ',';
  std::size_t width = 0;               // fields per record
  std::vector<int> role;               // per column: kSkip, kTarget or a feature slot
  std::size_t slots = 0;               // feature columns
  std::vector<std::string> names;      // per slot, then the target
  std::vector<std::string> na_values;  // more texts that mean missing (trimmed)
  bool na_numeric = false;             // some of them read as numbers
  TargetKind kind = TargetKind::kRegression;
  std::size_t max_categories = 100;

  bool missing(std::string_view trimmed) const {
    return is_missing(trimmed) ||
           std::find(na_values.begin(), na_values.end(), trimmed) != na_values.end();
  }
  // How many distinct texts a slot may collect before it is known to be too many.
  std::size_t level_cap(std::size_t slot) const {
    if (slot < slots) return max_categories;
    return kind == TargetKind::kClassification ? kMaxClasses : 0;
  }
};

// A cell worth naming in an error: where it is and what it says.
struct Finding {
  long line = 0;
  long column = 0;
  std::string text;
  bool found() const { return line > 0; }
};

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

// A cell of the current row to deal with once the row is known to be kept.
struct Pending {
  enum Kind { kText, kNonFinite, kLabel } kind;
  std::size_t slot;
  std::size_t offset, length;  // text in the row's arena
  long line, column;           // column 0: not asked for
  double value;
};

// Parses the block into its rows of the staging (out.first_row, out.bound).
template <typename Scalar>
void parse_block(const Block& block, const Layout& layout, Parsed<Scalar>& out, Staging<Scalar>& staging) {
  const std::string_view bytes = std::string_view(block.bytes).substr(block.start);
  detail::CsvCursor cursor(bytes, *layout.source, layout.delim, block.first_line);
  const std::size_t slots = layout.slots;
  const std::size_t width = layout.width;
  Scalar* const block_values = staging.row(out.first_row);
  double* const block_target = staging.target.data() + out.first_row;
  out.keep.reserve(out.bound);
  out.text_kept.assign(slots + 1, 0);
  out.first_text.assign(slots + 1, Finding{});
  out.first_non_finite.assign(slots + 1, Finding{});
  out.levels.resize(slots + 1);
  const bool classify = layout.kind == TargetKind::kClassification;

  // Rows of plain numbers only (the bulk of most files) take a short path;
  // any other row is read again from its start by the general one.
  const bool fast_rows = !layout.na_numeric;
  const char delim = layout.delim;
  const int* roles = layout.role.data();
  const bool has_nul = block.nul != std::string::npos;  // skipped fields are then read by the general path
  std::vector<const char*> ends(width);
  std::vector<Scalar> scratch(slots);
  double scratch_target = 0.0;

  std::vector<Pending> pending;
  std::string arena;
  std::size_t record = 0;
  while (cursor.skip_blank_lines()) {
    if (!block.lines.empty()) cursor.set_line(block.lines[record]);
    ++record;
    // Only a record with the wrong number of fields can lie past the bound;
    // it is read into a scratch row, and its error thrown below.
    const bool past_bound = out.rows >= out.bound;
    const std::size_t row = out.rows++;
    Scalar* values = past_bound ? scratch.data() : block_values + row * slots;
    double* const target_at = past_bound ? &scratch_target : block_target + row;
    if (fast_rows) {
      // The fields' ends first (independent of the numbers), then each field
      // on its own, so that the numbers of a row are read in parallel by the
      // processor rather than one after another. No field may open a quote,
      // so the delimiters found are the record's own.
      const char* const record_start = cursor.pos();
      const char* const end = cursor.end();
      bool ok = field_ends(record_start, end, delim, width, ends.data()) == width &&
                (ends[width - 1] == end || *ends[width - 1] == '\n');
      double target = 0.0;
      const char* start = record_start;
      for (std::size_t c = 0; c < width && ok; ++c) {
        const char* stop = ends[c];
        if (c + 1 == width && stop > start && stop[-1] == '\r') --stop;  // CRLF
        const int role = roles[c];
        if (role == kSkip) {
          ok = start == stop || (*start != '"' && !has_nul && static_cast<std::size_t>(stop - start) <= kMaxFieldBytes);
        } else if (role == kTrailing) {
          ok = start == stop;
        } else {
          double x = 0.0;
          ok = load::fast_decimal(start, end, x) == stop && start != stop;
          if (role == kTarget)
            target = x;
          else
            values[role] = static_cast<Scalar>(x);
        }
        start = ends[c] + 1;
      }
      if (ok && (!classify || out.label_text.contains(target))) {
        if (past_bound) throw std::logic_error("a block holds more records than its bound");
        cursor.jump_to_record(std::min(start, end));
        *target_at = target;
        out.keep.push_back(1);
        ++out.kept;
        continue;
      }
    }
    const long line = cursor.line();
    double target = kNaN;
    bool missing = false;
    pending.clear();
    arena.clear();
    const auto store = [&](int role, double x) {
      if (role == kTarget)
        target = x;
      else
        values[role] = static_cast<Scalar>(x);
    };
    const auto remember = [&](Pending::Kind kind, std::size_t slot, std::string_view text, double value,
                              const detail::CsvCursor::Mark& mark, const char* at, bool locate) {
      Pending p{kind, slot, arena.size(), text.size(), mark.line, locate ? cursor.column(mark, at) : 0, value};
      arena.append(text);
      pending.push_back(p);
    };
    std::size_t fields = 0;
    bool record_end = false;
    while (!record_end) {
      const int role = fields < width ? layout.role[fields] : kSkip;
      ++fields;
      if (role == kSkip) {
        cursor.field(record_end);
        continue;
      }
      const char* at = cursor.pos();
      if (role == kTrailing) {
        const detail::CsvCursor::Mark mark = cursor.mark();
        const std::string_view text = trim_blanks(cursor.field(record_end));
        if (!text.empty())
          throw DataError(*layout.source, mark.line, cursor.column(mark, at),
                          fmt::format("the last column has no name in the header but holds {}; name it there",
                                      quoted_sample(text)));
        continue;
      }
      // The common case: a plain number, parsed in place.
      if (at < cursor.end() && *at != '"') {
        double x = 0.0;
        const char* q = load::number_in_place(at, cursor.end(), x);
        if (q != nullptr &&
            (!layout.na_numeric || !layout.missing(std::string_view(at, static_cast<std::size_t>(q - at)))) &&
            cursor.accept_in_place(q, record_end)) {
          store(role, x);
          if (classify && role == kTarget && !out.label_overflow && !out.label_text.contains(x))
            remember(Pending::kLabel, slots, std::string_view(at, static_cast<std::size_t>(q - at)), x,
                     cursor.mark(), at, false);
          continue;
        }
      }
      const detail::CsvCursor::Mark mark = cursor.mark();
      const std::string_view text = trim_blanks(cursor.field(record_end));
      const std::size_t slot = role == kTarget ? slots : static_cast<std::size_t>(role);
      if (layout.missing(text)) {
        missing = true;
        store(role, kNaN);
        continue;
      }
      double x = 0.0;
      if (parse_number(text, x) && !std::isnan(x)) {  // "NAN" and the like are text
        store(role, x);
        if (!std::isfinite(x)) {
          remember(Pending::kNonFinite, slot, text, x, mark, at, !out.first_non_finite[slot].found());
        } else if (classify && role == kTarget && !out.label_overflow && !out.label_text.contains(x)) {
          remember(Pending::kLabel, slot, text, x, mark, at, false);
        }
        continue;
      }
      store(role, kNaN);
      remember(Pending::kText, slot, text, kNaN, mark, at, !out.first_text[slot].found());
    }
    // A NUL byte is reported where it stands among the other errors.
    if (block.nul != std::string::npos && block.start + cursor.offset() > block.nul)
      throw io::nul_error(block.bytes, block.nul, block.line0, *layout.source);
    if (fields != width)
      throw DataError(*layout.source, line,
                      fmt::format("row has {} field{}, the header has {}{}", fields, fields == 1 ? "" : "s", width,
                                  fields > width ? " (check --delimiter and quoting)" : ""));
    if (past_bound) throw std::logic_error("a block holds more records than its bound");
    *target_at = target;
    out.keep.push_back(missing ? 0 : 1);
    if (missing) continue;
    ++out.kept;
    for (const Pending& p : pending) {
      const std::string_view text = std::string_view(arena).substr(p.offset, p.length);
      if (p.kind == Pending::kLabel) {
        if (out.label_text.size() > kMaxClasses)
          out.label_overflow = true;
        else
          out.label_text.emplace(p.value, std::string(text));
        continue;
      }
      Finding& first = p.kind == Pending::kText ? out.first_text[p.slot] : out.first_non_finite[p.slot];
      if (!first.found() && p.column > 0) first = Finding{p.line, p.column, std::string(text)};
      if (p.kind == Pending::kNonFinite) continue;
      ++out.text_kept[p.slot];
      const std::size_t cap = layout.level_cap(p.slot);
      if (cap == 0) continue;
      std::unique_ptr<Levels>& levels = out.levels[p.slot];
      if (!levels) levels = std::make_unique<Levels>();
      if (levels->overflow) continue;
      auto it = levels->ids.find(text);
      if (it == levels->ids.end()) {
        if (levels->names.size() >= cap) {
          levels->overflow = true;
          continue;
        }
        it = levels->ids.emplace(std::string(text), static_cast<std::uint32_t>(levels->names.size())).first;
        levels->names.emplace_back(text);
      }
      levels->cells.emplace_back(static_cast<std::uint32_t>(row), it->second);
    }
  }
}

// ---------------------------------------------------------------------------
// The header and the columns' roles.

std::size_t resolve_column(const std::vector<std::string>& header, const std::string& spec, std::string_view option) {
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (header[c] != spec) continue;
    for (std::size_t other = c + 1; other < header.size(); ++other)
      if (header[other] == spec)
        throw UsageError(fmt::format("{}: '{}' is ambiguous: columns {} and {} are both named so; give the column "
                                     "number instead",
                                     option, spec, c + 1, other + 1));
    return c;
  }
  std::size_t index = 0;
  const auto [end, ec] = std::from_chars(spec.data(), spec.data() + spec.size(), index);
  if (ec == std::errc() && end == spec.data() + spec.size() && index >= 1 && index <= header.size())
    return index - 1;
  std::string names;
  for (std::size_t c = 0; c < header.size() && c < 12; ++c) names += (c ? ", " : "") + header[c];
  if (header.size() > 12) names += ", ...";
  throw UsageError(fmt::format("{}: no column named '{}' and no column number {} (columns: {})", option, spec, spec,
                               names));
}

struct Header {
  std::vector<std::string> names;
  std::vector<long> columns;  // character column of each name
  long line = 1;
};

Layout make_layout(const Header& h, const std::string& source, const LoadOptions& options) {
  const std::vector<std::string>& header = h.names;
  const std::size_t width = header.size();
  // A delimiter at the end of every line leaves an unnamed last column: it is
  // not data, provided it stays empty.
  const bool trailing = width > 2 && header.back().empty();
  const std::size_t named = trailing ? width - 1 : width;
  if (named < 2)
    throw DataError(source, h.line,
                    "the header names one column; a feature and a target are needed (check --delimiter)");
  const DatasetOptions& columns = options.columns;
  const std::size_t target = columns.target.empty() ? named - 1 : resolve_column(header, columns.target, "--target");
  Layout layout;
  layout.source = &source;
  layout.delim = options.delimiter;
  layout.width = width;
  layout.role.assign(width, 0);
  if (trailing && target != width - 1) layout.role[width - 1] = kTrailing;
  layout.role[target] = kTarget;
  for (const std::string& spec : columns.drop) {
    const std::size_t column = resolve_column(header, spec, "--drop");
    if (column == target) throw UsageError(fmt::format("--drop: '{}' is the target column", spec));
    layout.role[column] = kSkip;
  }
  for (std::size_t c = 0; c < width; ++c) {
    if (layout.role[c] == kSkip || layout.role[c] == kTrailing || !header[c].empty()) continue;
    throw DataError(source, h.line, h.columns[c],
                    fmt::format("column {} has no name; name it in the header, or leave it out with --drop {}", c + 1,
                                c + 1));
  }
  for (std::size_t c = 0; c < width; ++c) {
    if (layout.role[c] != 0) continue;
    layout.role[c] = static_cast<int>(layout.slots++);
    layout.names.push_back(header[c]);
  }
  if (layout.slots == 0) throw UsageError("no feature columns left after --drop");
  layout.names.push_back(header[target]);
  for (const std::string& na : columns.na_values) {
    layout.na_values.emplace_back(trim_blanks(na));
    double x = 0.0;
    const std::string_view t = trim_blanks(na);
    if (std::from_chars(t.data(), t.data() + t.size(), x).ec == std::errc()) layout.na_numeric = true;
  }
  layout.kind = options.kind;
  layout.max_categories = columns.max_categories;
  return layout;
}

// Whether a text is a number written with a decimal comma, as "-1,5".
bool is_decimal_comma_number(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  const std::size_t comma = text.find(',');
  if (comma == std::string_view::npos || comma + 1 == text.size()) return false;
  const auto digits = [](std::string_view part) {
    return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  return digits(text.substr(0, comma)) && digits(text.substr(comma + 1));
}

// The name of a number as a category or class level: its shortest exact form.
template <typename Scalar>
std::string level_name(Scalar x) {
  return fmt::format("{}", x);
}

// ---------------------------------------------------------------------------
// From parsed blocks to the data set.

template <typename Scalar>
const Finding* earliest(const std::deque<Parsed<Scalar>>& blocks, std::vector<Finding> Parsed<Scalar>::*member,
                        std::size_t slot) {
  for (const Parsed<Scalar>& b : blocks)
    if ((b.*member)[slot].found()) return &(b.*member)[slot];
  return nullptr;
}

template <typename Scalar>
Dataset assemble(std::deque<Parsed<Scalar>>& blocks, Staging<Scalar>& staging, const Layout& layout,
                 const std::string& source, unsigned threads) {
  Dataset data;
  std::size_t rows = 0;
  std::size_t kept = 0;
  for (const Parsed<Scalar>& b : blocks) {
    rows += b.rows;
    kept += b.kept;
  }
  data.rows_read = rows;
  data.rows_sampled = rows;
  data.rows_dropped = rows - kept;
  data.target_name = layout.names.back();
  if (kept < 2)
    throw DataError(source, 0,
                    fmt::format("{} usable row{} ({} read, {} dropped for missing values); at least 2 are needed", kept,
                                kept == 1 ? "" : "s", rows, rows - kept));
  const auto fail = [&](const Finding* at, const std::string& what) -> DataError {
    return at ? DataError(source, at->line, at->column, what) : DataError(source, 0, what);
  };

  // Which feature columns are numbers and which are categories. Of the
  // columns' problems, the one earliest in the file is reported (those of a
  // whole column, with no single place, after any with one).
  struct Problem {
    const Finding* at;
    std::string what;
  };
  std::vector<Problem> problems;
  const std::size_t slots = layout.slots;
  std::vector<std::vector<std::string>> levels(slots);  // sorted; empty for a numeric column
  for (std::size_t s = 0; s < slots; ++s) {
    const std::string& name = layout.names[s];
    std::size_t texts = 0;
    for (const Parsed<Scalar>& b : blocks) texts += b.text_kept[s];
    if (texts == 0) {
      if (const Finding* f = earliest(blocks, &Parsed<Scalar>::first_non_finite, s))
        problems.push_back({f, fmt::format("column '{}': non-finite number {}", name, quoted_sample(f->text))});
      continue;
    }
    const Finding* first = earliest(blocks, &Parsed<Scalar>::first_text, s);
    const std::size_t numbers = kept - texts;
    // A few stray words in a column of numbers are far more likely an export
    // glitch (#N/A, a unit, a typo) than categories: say so rather than
    // silently one-hot encoding the column.
    if (20 * numbers >= 19 * kept) {
      problems.push_back({first, fmt::format("column '{}' holds numbers but also the text {}; mark such cells missing "
                                             "with --na-values '{}', or leave the column out with --drop '{}'",
                                             name, quoted_sample(first->text), first->text, name)});
      continue;
    }
    std::set<std::string, std::less<>> distinct;
    bool overflow = false;
    bool decimal_commas = true;  // every text reads as a number written with a decimal comma
    for (const Parsed<Scalar>& b : blocks) {
      if (const Levels* l = b.levels[s].get()) {
        overflow = overflow || l->overflow;
        distinct.insert(l->names.begin(), l->names.end());
        for (const std::string& text : l->names) decimal_commas = decimal_commas && is_decimal_comma_number(text);
      }
      if (numbers > 0 && !overflow && distinct.size() <= layout.max_categories)
        for (std::size_t r = 0; r < b.rows && distinct.size() <= layout.max_categories; ++r) {
          const Scalar x = staging.row(b.first_row + r)[s];
          if (b.keep[r] && !std::isnan(x)) distinct.insert(level_name(x));
        }
    }
    if (decimal_commas && !overflow) {
      problems.push_back({first, fmt::format("column '{}' holds numbers written with decimal commas, like {}; "
                                             "lr-find reads decimal points: export the file with '.' as the decimal "
                                             "separator, or leave the column out with --drop '{}'",
                                             name, quoted_sample(first->text), name)});
      continue;
    }
    if (overflow || distinct.size() > layout.max_categories) {
      // Counting them all could take as much memory as the file: stop at the limit.
      const std::string_view sample = first->text;
      const bool decimal_comma = is_decimal_comma_number(sample);
      problems.push_back({nullptr, fmt::format("column '{}' has more than {} distinct text values (--max-categories "
                                               "{}); leave it out with --drop '{}' or raise --max-categories{}",
                                               name, layout.max_categories, layout.max_categories, name,
                                               decimal_comma ? " (numbers written with decimal commas, like " +
                                                                   std::string(sample) + "? lr-find reads decimal points)"
                                                             : "")});
      continue;
    }
    levels[s].assign(distinct.begin(), distinct.end());
    data.categorical_columns.push_back(name);
  }

  // The target: values, or class labels in sorted order (numerically when
  // every label is a finite number, so 2 sorts before 10; otherwise as text).
  const std::size_t t = slots;
  std::size_t target_texts = 0;
  for (const Parsed<Scalar>& b : blocks) target_texts += b.text_kept[t];
  const Finding* target_non_finite = earliest(blocks, &Parsed<Scalar>::first_non_finite, t);
  std::map<double, std::size_t> class_of_value;
  std::map<std::string, std::size_t, std::less<>> class_of_text;
  if (layout.kind == TargetKind::kRegression) {
    if (target_texts > 0) {
      const Finding* f = earliest(blocks, &Parsed<Scalar>::first_text, t);
      problems.push_back({f, fmt::format("the regression target '{}' is not numeric: {} (for class labels use --model "
                                         "logistic or svm)",
                                         data.target_name, quoted_sample(f->text))});
    } else if (target_non_finite) {
      problems.push_back({target_non_finite, fmt::format("target '{}': non-finite number {}", data.target_name,
                                                         quoted_sample(target_non_finite->text))});
    }
  }
  if (!problems.empty()) {
    const auto place = [](const Problem& p) {
      return p.at ? std::make_pair(p.at->line, p.at->column)
                  : std::make_pair(std::numeric_limits<long>::max(), 0L);
    };
    const Problem& first = *std::min_element(problems.begin(), problems.end(), [&](const Problem& a, const Problem& b) {
      return place(a) < place(b);
    });
    throw fail(first.at, first.what);
  }
  if (layout.kind == TargetKind::kClassification) {
    bool overflow = false;
    for (const Parsed<Scalar>& b : blocks) overflow = overflow || b.label_overflow || (b.levels[t] && b.levels[t]->overflow);
    if (target_texts == 0 && !target_non_finite) {
      std::map<double, std::string> labels;  // value -> text of its first occurrence
      for (const Parsed<Scalar>& b : blocks) labels.insert(b.label_text.begin(), b.label_text.end());
      overflow = overflow || labels.size() > kMaxClasses;
      if (!overflow)
        for (const auto& [value, text] : labels) {
          class_of_value.emplace(value, data.classes.size());
          data.classes.push_back(text);
        }
    } else {
      std::set<std::string, std::less<>> names;
      for (const Parsed<Scalar>& b : blocks) {
        if (const Levels* l = b.levels[t].get()) names.insert(l->names.begin(), l->names.end());
        for (std::size_t r = 0; r < b.rows && names.size() <= kMaxClasses; ++r)
          if (const double y = staging.target[static_cast<Index>(b.first_row + r)]; b.keep[r] && !std::isnan(y))
            names.insert(level_name(y));
      }
      overflow = overflow || names.size() > kMaxClasses;
      if (!overflow)
        for (const std::string& name : names) {
          class_of_text.emplace(name, data.classes.size());
          data.classes.push_back(name);
        }
    }
    if (overflow)
      throw DataError(source, 0,
                      fmt::format("the target '{}' has more than {} distinct values; a classifier cannot have that "
                                  "many classes (for a numeric target use --model linear)",
                                  data.target_name, kMaxClasses));
    if (data.classes.size() < 2)
      throw DataError(source, 0,
                      fmt::format("the target '{}' has a single class ({}); a classifier needs at least two",
                                  data.target_name, quoted_sample(data.classes.front())));
  }

  // Feature names and where each column lands in the matrix.
  std::vector<Index> offset(slots);
  Index width = 0;
  for (std::size_t s = 0; s < slots; ++s) {
    offset[s] = width;
    if (levels[s].empty()) {
      data.feature_names.push_back(layout.names[s]);
      ++width;
    } else {
      for (const std::string& level : levels[s]) data.feature_names.push_back(layout.names[s] + "=" + level);
      width += static_cast<Index>(levels[s].size());
    }
  }
  const bool all_numeric = data.categorical_columns.empty();

  // Each block's kept rows land on rows known in advance. With every column a
  // number the staging is the feature matrix: rows move up over dropped and
  // unused ones (in file order, one thread, when any must move) and the
  // storage shrinks in place. Otherwise the rows are encoded into a new matrix
  // of the final width, block by block on all threads.
  const Index n = static_cast<Index>(kept);
  std::vector<Index> first_kept(blocks.size() + 1, 0);
  bool in_place = true;
  for (std::size_t k = 0; k < blocks.size(); ++k) {
    first_kept[k + 1] = first_kept[k] + static_cast<Index>(blocks[k].kept);
    in_place = in_place && first_kept[k] == static_cast<Index>(blocks[k].first_row) && blocks[k].kept == blocks[k].rows;
  }
  Scalar* X = nullptr;
  if (!all_numeric) {
    data.features =
        Features::allocate(n, width, std::is_same_v<Scalar, float> ? Precision::kFloat32 : Precision::kFloat64);
    data.targets.resize(n);
    if constexpr (std::is_same_v<Scalar, float>)
      X = data.features.f32().data();
    else
      X = data.features.f64().data();
  }
  double* const targets = all_numeric ? staging.target.data() : data.targets.data();
  const auto place_block = [&](std::size_t k) {
    Parsed<Scalar>& b = blocks[k];
    Index i = first_kept[k];
    std::vector<std::size_t> cursor(slots + 1, 0);  // position in each column's text cells
    std::vector<std::vector<std::size_t>> level_index(slots + 1);
    for (std::size_t s = 0; s <= slots; ++s) {
      const Levels* l = b.levels[s].get();
      if (!l) continue;
      for (const std::string& name : l->names) {
        if (s < slots) {
          level_index[s].push_back(static_cast<std::size_t>(
              std::lower_bound(levels[s].begin(), levels[s].end(), name) - levels[s].begin()));
        } else if (!class_of_text.empty()) {
          level_index[s].push_back(class_of_text.find(name)->second);
        }
      }
    }
    const auto text_level = [&](std::size_t s, std::size_t r) {
      const auto& cells = b.levels[s]->cells;
      std::size_t& at = cursor[s];
      while (cells[at].first < r) ++at;
      return level_index[s][cells[at].second];
    };
    for (std::size_t r = 0; r < b.rows; ++r) {
      if (!b.keep[r]) continue;
      const std::size_t from = b.first_row + r;
      const Scalar* v = staging.row(from);
      if (all_numeric) {
        if (static_cast<std::size_t>(i) != from) std::memmove(staging.row(static_cast<std::size_t>(i)), v, slots * sizeof(Scalar));
      } else {
        Scalar* x = X + i * width;
        for (std::size_t s = 0; s < slots; ++s) {
          if (levels[s].empty()) {
            x[offset[s]] = v[s];
            continue;
          }
          std::fill(x + offset[s], x + offset[s] + static_cast<Index>(levels[s].size()), Scalar(0));
          const std::size_t level =
              std::isnan(v[s]) ? text_level(s, r)
                               : static_cast<std::size_t>(
                                     std::lower_bound(levels[s].begin(), levels[s].end(), level_name(v[s])) -
                                     levels[s].begin());
          x[offset[s] + static_cast<Index>(level)] = Scalar(1);
        }
      }
      const double y = staging.target[static_cast<Index>(from)];
      if (layout.kind == TargetKind::kRegression)
        targets[i] = y;
      else if (!class_of_text.empty())
        targets[i] = static_cast<double>(std::isnan(y) ? text_level(t, r) : class_of_text.find(level_name(y))->second);
      else
        targets[i] = static_cast<double>(class_of_value.find(y)->second);
      ++i;
    }
    b = Parsed<Scalar>{};
  };
  const bool regression_in_place = all_numeric && in_place && layout.kind == TargetKind::kRegression;
  const std::size_t workers =
      all_numeric && !in_place ? 1 : std::min<std::size_t>(std::max(1u, threads), blocks.size());
  if (regression_in_place) {
    // Nothing moves and no target changes.
  } else if (workers <= 1) {
    for (std::size_t k = 0; k < blocks.size(); ++k) place_block(k);
  } else {
    std::atomic<std::size_t> next = 0;
    const auto work = [&] {
      for (std::size_t k; (k = next++) < blocks.size();) place_block(k);
    };
    std::vector<std::thread> pool;
    for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work);
    work();
    for (std::thread& thread : pool) thread.join();
  }
  blocks.clear();
  if (all_numeric) {
    staging.values.conservativeResize(n, Eigen::NoChange);
    staging.target.conservativeResize(n);
    data.features = Features(std::move(staging.values));
    data.targets = std::move(staging.target);
  }
  return data;
}

// ---------------------------------------------------------------------------
// Driving it: the header, then blocks through a pool of parsing threads.

// Reads blocks up to the one holding the header (blank lines may come first),
// leaves `first` holding it, positioned after the header, and returns the names.
Header read_header(BlockReader& reader, Block& first, const std::string& source, char delim) {
  std::size_t start = 0;
  for (bool file_start = true;; file_start = false) {
    if (!reader.next(first)) throw DataError(source, 0, "empty input: a header row is required");
    const std::string_view bytes(first.bytes);
    start = file_start && bytes.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    detail::CsvCursor blank(bytes.substr(start), source, delim, first.line0);
    if (blank.skip_blank_lines()) break;
  }
  detail::CsvCursor cursor(std::string_view(first.bytes).substr(start), source, delim, first.line0);
  cursor.skip_blank_lines();
  Header header;
  header.line = cursor.line();
  bool record_end = false;
  while (!record_end) {
    header.columns.push_back(cursor.column(cursor.pos()));
    header.names.emplace_back(trim_blanks(cursor.field(record_end)));
    if (header.names.size() > kMaxColumns)
      throw DataError(source, header.line,
                      fmt::format("the header has more columns than the limit of {} (check --delimiter)", kMaxColumns));
  }
  first.start = start + cursor.offset();
  first.first_line = cursor.line();
  if (first.nul < first.start) throw io::nul_error(first.bytes, first.nul, first.line0, source);
  return header;
}

// Keeps a uniform random sample of `size` records (Algorithm R with the
// seed), each with its line, and returns them in file order as blocks.
std::deque<Block> sample_records(BlockReader& reader, Block& first, const std::string& source, char delim,
                                 std::size_t size, std::uint64_t seed, std::size_t block_bytes,
                                 std::size_t& records) {
  struct Kept {
    std::size_t index;
    long line;
    std::string text;
  };
  std::vector<Kept> reservoir;
  reservoir.reserve(std::min<std::size_t>(size, 1 << 20));
  Rng rng(seed);
  records = 0;
  Block block = std::move(first);
  do {
    throw_if_stop_requested(kWhileReading);
    const std::string_view bytes = std::string_view(block.bytes).substr(block.start);
    detail::CsvCursor cursor(bytes, source, delim, block.first_line);
    while (cursor.skip_blank_lines()) {
      const long line = cursor.line();
      const std::size_t begin = cursor.offset();
      bool record_end = false;
      while (!record_end) cursor.field(record_end);
      if (block.nul != std::string::npos && block.start + cursor.offset() > block.nul)
        throw io::nul_error(block.bytes, block.nul, block.line0, source);
      const std::string_view text = bytes.substr(begin, cursor.offset() - begin);
      const std::size_t index = records++;
      std::size_t slot = index;
      if (index >= size) {
        slot = static_cast<std::size_t>(rng.below(index + 1));
        if (slot >= size) continue;
      }
      if (slot == reservoir.size()) reservoir.push_back(Kept{});
      Kept& k = reservoir[slot];
      k.index = index;
      k.line = line;
      k.text.assign(text);
      if (k.text.empty() || k.text.back() != '\n') k.text.push_back('\n');
    }
  } while (reader.next(block));
  std::sort(reservoir.begin(), reservoir.end(), [](const Kept& a, const Kept& b) { return a.index < b.index; });
  std::deque<Block> blocks;
  for (Kept& k : reservoir) {
    if (blocks.empty() || blocks.back().bytes.size() >= block_bytes) blocks.emplace_back();
    blocks.back().bytes += k.text;
    blocks.back().lines.push_back(k.line);
    std::string().swap(k.text);
  }
  return blocks;
}

template <typename Scalar>
Dataset load_stream(io::Input& input, const LoadOptions& options) {
  const std::string& source = input.name();
  const auto report = [&] {
    if (options.progress) options.progress(input.fraction_read(), "reading");
  };
  if (options.delimiter == '"' || options.delimiter == '\n' || options.delimiter == '\r' || options.delimiter == '\0')
    throw UsageError("the delimiter cannot be a quote, a line break or NUL");
  // Binary data is named at once by its first 4 KiB (decoded): a known format,
  // or a NUL byte. Later NUL bytes are reported in file order with other errors.
  io::ByteStream& in = input.text(io::LineEnds::kMacAware);
  io::reject_binary(input.head(), source);
  if (const std::size_t nul = input.head().find('\0'); nul != std::string_view::npos)
    throw io::nul_error(input.head(), nul, 1, source);

  const std::size_t block_bytes = std::max<std::size_t>(options.block_bytes, 64);
  BlockReader reader(in, source, options.delimiter, block_bytes);
  Block first;
  const Header header = read_header(reader, first, source, options.delimiter);
  const Layout layout = make_layout(header, source, options);

  std::deque<Parsed<Scalar>> parsed;
  std::size_t sampled_from = 0;
  std::optional<Staging<Scalar>> staging;
  // The next block's rows in the staging; grows it first when they do not fit
  // (only while no block is being parsed).
  const auto place = [&](const Block& block) -> Parsed<Scalar>& {
    Parsed<Scalar>& p = parsed.emplace_back();
    p.bound = row_bound(block, layout.width);
    if (!staging->fits(p.bound)) staging->grow(p.bound);
    p.first_row = staging->take(p.bound);
    return p;
  };
  if (options.sample) {
    std::deque<Block> blocks =
        sample_records(reader, first, source, options.delimiter, *options.sample, options.seed, block_bytes, sampled_from);
    std::size_t rows = 0;
    for (const Block& b : blocks) rows += row_bound(b, layout.width);
    staging.emplace(rows, layout.slots);
    for (Block& b : blocks) {
      parse_block(b, layout, place(b), *staging);
      std::string().swap(b.bytes);
    }
  } else {
    staging.emplace(initial_capacity(first, layout.width, input.gzip() ? 0 : input.size()), layout.slots);
    const unsigned threads = options.threads ? options.threads : available_cores();
    if (threads <= 1) {
      Block block = std::move(first);
      do {
        throw_if_stop_requested(kWhileReading);
        report();
        parse_block(block, layout, place(block), *staging);
      } while (reader.next(block));
    } else {
      // One reader (this thread) cutting blocks; `threads` workers parsing them.
      std::mutex mutex;
      std::condition_variable work_ready, space_free;
      struct Job {
        std::size_t index;
        Parsed<Scalar>* target;
        Block block;
      };
      std::deque<Job> queue;
      std::size_t in_flight = 0;       // blocks queued or being parsed
      std::vector<std::string> spare;  // block buffers to reuse
      bool finished = false;
      // The first block, in file order, known to hold an error: later blocks need no parsing.
      std::atomic<std::size_t> failed_at = std::numeric_limits<std::size_t>::max();
      const std::size_t capacity = 2 * static_cast<std::size_t>(threads);
      const auto work = [&] {
        for (;;) {
          std::unique_lock lock(mutex);
          work_ready.wait(lock, [&] { return !queue.empty() || finished; });
          if (queue.empty()) return;
          Job job = std::move(queue.front());
          queue.pop_front();
          space_free.notify_one();
          lock.unlock();
          try {
            if (job.index < failed_at) parse_block(job.block, layout, *job.target, *staging);
          } catch (...) {
            job.target->error = std::current_exception();
            std::size_t seen = failed_at.load();
            while (job.index < seen && !failed_at.compare_exchange_weak(seen, job.index)) {
            }
          }
          Block& block = job.block;
          lock.lock();
          spare.push_back(std::move(block.bytes));
          --in_flight;
          space_free.notify_one();
        }
      };
      std::vector<std::thread> pool;
      std::exception_ptr reader_error;
      {
        struct Joiner {
          std::vector<std::thread>& pool;
          std::mutex& mutex;
          bool& finished;
          std::condition_variable& cv;
          ~Joiner() {
            {
              std::lock_guard lock(mutex);
              finished = true;
            }
            cv.notify_all();
            for (std::thread& t : pool) t.join();
          }
        } joiner{pool, mutex, finished, work_ready};
        for (unsigned k = 0; k < threads; ++k) pool.emplace_back(work);
        try {
          Block block = std::move(first);
          for (;;) {
            throw_if_stop_requested(kWhileReading);
            {
              std::unique_lock lock(mutex);
              space_free.wait(lock, [&] { return queue.size() < capacity; });
              if (!staging->fits(row_bound(block, layout.width))) space_free.wait(lock, [&] { return in_flight == 0; });
              const std::size_t index = parsed.size();
              Parsed<Scalar>& target = place(block);
              ++in_flight;
              queue.push_back(Job{index, &target, std::move(block)});
              block = Block{};
              if (!spare.empty()) {
                block.bytes = std::move(spare.back());
                spare.pop_back();
              }
            }
            work_ready.notify_one();
            report();
            if (failed_at != std::numeric_limits<std::size_t>::max() || !reader.next(block)) break;
          }
        } catch (...) {
          reader_error = std::current_exception();
        }
      }
      // A stop request wins over what the blocks read so far hold; otherwise
      // the first error in file order, whichever thread met it.
      throw_if_stop_requested(kWhileReading);
      for (const Parsed<Scalar>& p : parsed)
        if (p.error) std::rethrow_exception(p.error);
      if (reader_error) std::rethrow_exception(reader_error);
    }
  }
  Dataset data = assemble(parsed, *staging, layout, source, options.threads ? options.threads : available_cores());
  if (options.sample) {
    data.sampled = true;
    data.rows_read = sampled_from;
  }
  return data;
}

Dataset load_input(io::Input& input, const LoadOptions& options) {
  if (options.columns.precision == Precision::kFloat32) return load_stream<float>(input, options);
  return load_stream<double>(input, options);
}

}  // namespace

Dataset load_dataset(const std::string& path, const LoadOptions& options) {
  io::Input input = io::open_input(path);
  return load_input(input, options);
}

Dataset load_dataset_from_bytes(std::string_view bytes, const std::string& source, const LoadOptions& options) {
  io::Input input = io::input_from_bytes(bytes, source);
  return load_input(input, options);
}

}  // namespace lrfind
