// The CSV grammar (RFC 4180, with LF or CRLF line ends), once: a cursor over
// bytes that hold whole records, reading one field at a time and keeping the
// physical line and its start so that any error can name SOURCE:LINE:COLUMN.
#pragma once

#include <cstddef>
#include <cstring>
#include <fmt/format.h>
#include <string>
#include <string_view>

#include "load/limits.hpp"
#include "lrfind/error.hpp"

namespace lrfind::detail {

class CsvCursor {
 public:
  CsvCursor(std::string_view bytes, const std::string& source, char delimiter, long first_line)
      : p_(bytes.data()), begin_(bytes.data()), end_(bytes.data() + bytes.size()), line_start_(bytes.data()),
        source_(source), delim_(delimiter), line_(first_line) {}

  // Skips blank lines (LF or CRLF alone, or a final CR). False at the end.
  bool skip_blank_lines() {
    while (p_ < end_) {
      if (*p_ == '\n') {
        ++p_;
        newline();
      } else if (*p_ == '\r' && p_ + 1 < end_ && p_[1] == '\n') {
        p_ += 2;
        newline();
      } else if (*p_ == '\r' && p_ + 1 == end_) {
        ++p_;
      } else {
        return true;
      }
    }
    return false;
  }

  // Reads the field at the cursor and the delimiter or line end after it.
  // Sets `record_end` when the record ended with it. The text of a quoted
  // field is unescaped into a buffer that the next call reuses.
  std::string_view field(bool& record_end) {
    if (p_ < end_ && *p_ == '"') return quoted(record_end);
    const char* q = p_;
    while (q < end_ && *q != delim_ && *q != '\n') ++q;
    const char* e = q;
    if (e > p_ && e[-1] == '\r' && (q == end_ || *q == '\n')) --e;
    const std::string_view text(p_, static_cast<std::size_t>(e - p_));
    if (text.size() > kMaxFieldBytes) field_too_long(p_);
    finish(q, record_end);
    return text;
  }

  // After a number parsed in place up to `q`: accepts it when a delimiter or a
  // line end follows (and consumes that), else leaves the cursor untouched.
  bool accept_in_place(const char* q, bool& record_end) {
    if (q == end_ || *q == delim_ || *q == '\n') {
      finish(q, record_end);
      return true;
    }
    if (*q == '\r' && (q + 1 == end_ || q[1] == '\n')) {
      finish(q + 1, record_end);
      return true;
    }
    return false;
  }

  const char* pos() const { return p_; }
  const char* end() const { return end_; }
  long line() const { return line_; }
  std::size_t offset() const { return static_cast<std::size_t>(p_ - begin_); }
  // Moves to `next`, the start of the next record, from the start of this one
  // (which held no quoted line break).
  void jump_to_record(const char* next) {
    p_ = next;
    if (p_[-1] == '\n') newline();
  }

  // Sets the line of the record at the cursor (sampled records, out of sequence).
  void set_line(long line) {
    line_ = line;
    line_start_ = p_;
  }
  // Where a cell starts: its line, and where that line starts.
  struct Mark {
    long line;
    const char* line_start;
  };
  Mark mark() const { return Mark{line_, line_start_}; }
  // 1-based character (not byte) column of `at` on the line of `mark`. Calls
  // moving rightwards along one line cost only the distance moved.
  long column(const Mark& mark, const char* at) const {
    const char* from = mark.line_start;
    long column = 1;
    if (cache_line_start_ == mark.line_start && cache_at_ <= at) {
      from = cache_at_;
      column = cache_column_;
    }
    for (const char* c = from; c < at; ++c)
      if ((static_cast<unsigned char>(*c) & 0xC0) != 0x80) ++column;
    cache_line_start_ = mark.line_start;
    cache_at_ = at;
    cache_column_ = column;
    return column;
  }
  long column(const char* at) const { return column(mark(), at); }
  const std::string& source() const { return source_; }

 private:
  void newline() {
    ++line_;
    line_start_ = p_;
  }

  // Moves past the terminator at q (delimiter, LF, CRLF's LF, or the end).
  void finish(const char* q, bool& record_end) {
    p_ = q;
    if (p_ >= end_) {
      record_end = true;
    } else if (*p_ == delim_) {
      ++p_;
      record_end = false;
    } else {  // '\n' (a CR before it was already excluded from the text)
      ++p_;
      newline();
      record_end = true;
    }
  }

  std::string_view quoted(bool& record_end) {
    const char* open = p_;
    const long open_line = line_;
    const Mark open_mark = mark();
    scratch_.clear();
    ++p_;
    for (;;) {
      const char* q = static_cast<const char*>(std::memchr(p_, '"', static_cast<std::size_t>(end_ - p_)));
      if (q == nullptr)
        throw DataError(source_, open_line, column(open_mark, open),
                        "unterminated quoted field (a '\"' opened here is never closed)");
      for (const char* n = p_; (n = static_cast<const char*>(std::memchr(n, '\n', static_cast<std::size_t>(q - n))));) {
        ++n;
        ++line_;
        line_start_ = n;
      }
      scratch_.append(p_, q);
      if (scratch_.size() > kMaxFieldBytes) field_too_long(open, open_line, column(open_mark, open));
      if (q + 1 < end_ && q[1] == '"') {
        scratch_.push_back('"');
        p_ = q + 2;
        continue;
      }
      p_ = q + 1;
      break;
    }
    if (p_ < end_ && *p_ != delim_ && *p_ != '\n' && !(*p_ == '\r' && (p_ + 1 == end_ || p_[1] == '\n'))) {
      const unsigned char c = static_cast<unsigned char>(*p_);
      const std::string shown = c >= 0x20 && c < 0x7F ? std::string(1, *p_) : fmt::format("\\x{:02X}", c);
      throw DataError(source_, line_, column(p_),
                      fmt::format("unexpected '{}' after a closing quote; quotes inside a quoted field are written "
                                  "as \"\"",
                                  shown));
    }
    if (p_ < end_ && *p_ == '\r') ++p_;
    finish(p_, record_end);
    return scratch_;
  }

  [[noreturn]] void field_too_long(const char* at) const { field_too_long(at, line_, column(at)); }
  [[noreturn]] void field_too_long(const char*, long line, long column) const {
    throw DataError(source_, line, column,
                    fmt::format("a field longer than the limit of {} MiB (is the file really CSV, with the right "
                                "--delimiter and balanced quotes?)",
                                kMaxFieldBytes >> 20));
  }

  const char* p_;
  const char* begin_;
  const char* end_;
  const char* line_start_;
  const std::string& source_;
  char delim_;
  long line_;
  std::string scratch_;
  mutable const char* cache_line_start_ = nullptr;
  mutable const char* cache_at_ = nullptr;
  mutable long cache_column_ = 1;
};

}  // namespace lrfind::detail
