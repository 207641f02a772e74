// Test support: a whole CSV text read back as a table with the loader's own
// grammar (CsvCursor), for tests of the CSV that lr-find writes. A row whose
// field count differs from the header's is a DataError naming its line.
#pragma once

#include <algorithm>
#include <cstddef>
#include <fmt/format.h>
#include <string>
#include <string_view>
#include <vector>

#include "load/csv_cursor.hpp"
#include "lrfind/error.hpp"

namespace lrfind::test {

class CsvTable {
 public:
  const std::vector<std::string>& header() const { return header_; }
  std::size_t columns() const { return header_.size(); }
  std::size_t rows() const { return cells_.size() / std::max<std::size_t>(header_.size(), 1); }
  const std::string& cell(std::size_t row, std::size_t col) const { return cells_[row * header_.size() + col]; }

 private:
  friend CsvTable parse_csv(std::string_view bytes, const std::string& source);
  std::vector<std::string> header_;
  std::vector<std::string> cells_;
};

inline CsvTable parse_csv(std::string_view bytes, const std::string& source) {
  CsvTable table;
  detail::CsvCursor cursor(bytes, source, ',', 1);
  if (!cursor.skip_blank_lines()) throw DataError(source, 0, "empty input: a header row is required");
  for (bool record_end = false; !record_end;) table.header_.emplace_back(cursor.field(record_end));
  while (cursor.skip_blank_lines()) {
    const long line = cursor.line();
    std::size_t fields = 0;
    for (bool record_end = false; !record_end; ++fields) table.cells_.emplace_back(cursor.field(record_end));
    if (fields != table.header_.size())
      throw DataError(source, line, fmt::format("row has {} fields, the header has {}", fields, table.header_.size()));
  }
  return table;
}

}  // namespace lrfind::test
