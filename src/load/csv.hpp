// RFC 4180 reader: bytes -> header + rows of cells, each row with the physical
// line it starts on so that later stages can name the line of a bad value.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lrfind {

// Limits that keep a hostile or mistaken input from exhausting memory; each
// is an error that says which limit was hit.
inline constexpr std::size_t kMaxFieldBytes = std::size_t{1} << 20;   // one field, unescaped
inline constexpr std::size_t kMaxColumns = 100'000;                    // fields in the header
inline constexpr std::size_t kMaxRecordBytes = std::size_t{64} << 20;  // one row, quoted newlines included

struct CsvOptions {
  char delimiter = ',';
};

// A parsed table. Cell text is stored once, unescaped, in one buffer; a cell is
// an (offset, length) into it, so a table costs two allocations, not one per cell.
class CsvTable {
 public:
  const std::vector<std::string>& header() const { return header_; }
  std::size_t columns() const { return header_.size(); }
  std::size_t rows() const { return row_lines_.size(); }
  std::string_view cell(std::size_t row, std::size_t col) const {
    const Span& s = cells_[row * header_.size() + col];
    return std::string_view(text_).substr(s.offset, s.length);
  }
  // 1-based physical line on which the given data row starts.
  long line(std::size_t row) const { return row_lines_[row]; }

 private:
  friend CsvTable parse_csv(std::string_view, const std::string&, const CsvOptions&);
  struct Span {
    std::size_t offset;
    std::size_t length;
  };
  std::vector<std::string> header_;
  std::string text_;
  std::vector<Span> cells_;
  std::vector<long> row_lines_;
};

// Parses CSV bytes. `source` names the input in error messages. Accepts LF and
// CRLF, a UTF-8 byte-order mark, quoted fields with delimiters, doubled quotes
// and newlines, and blank lines at the end. Throws DataError on an empty input,
// a ragged row, an unterminated quote or a limit exceeded.
CsvTable parse_csv(std::string_view bytes, const std::string& source,
                   const CsvOptions& options = {});

}  // namespace lrfind
