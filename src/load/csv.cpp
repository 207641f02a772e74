#include "load/csv.hpp"

#include <fmt/format.h>

#include "load/csv_cursor.hpp"
#include "lrfind/error.hpp"

namespace lrfind {

CsvTable parse_csv(std::string_view bytes, const std::string& source, const CsvOptions& options) {
  if (options.delimiter == '"' || options.delimiter == '\n' || options.delimiter == '\r')
    throw UsageError("the delimiter cannot be a quote or a line break");
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  CsvTable table;
  detail::CsvCursor cursor(bytes, source, options.delimiter, 1);
  if (!cursor.skip_blank_lines()) throw DataError(source, 0, "empty input: a header row is required");
  bool record_end = false;
  while (!record_end) {
    table.header_.emplace_back(cursor.field(record_end));
    if (table.header_.size() > kMaxColumns)
      throw DataError(source, 1, fmt::format("the header has more columns than the limit of {}", kMaxColumns));
  }
  const std::size_t width = table.header_.size();
  table.text_.reserve(bytes.size());
  while (cursor.skip_blank_lines()) {
    const long line = cursor.line();
    std::size_t count = 0;
    record_end = false;
    while (!record_end && count < width) {
      const std::string_view text = cursor.field(record_end);
      table.cells_.push_back(CsvTable::Span{table.text_.size(), text.size()});
      table.text_.append(text);
      ++count;
    }
    if (!record_end) count = cursor.count_rest(count);
    if (count != width)
      throw DataError(source, line,
                      fmt::format("row has {} field{}, the header has {}{}", count, count == 1 ? "" : "s", width,
                                  count > width ? " (check --delimiter and quoting)" : ""));
    table.row_lines_.push_back(line);
  }
  return table;
}

}  // namespace lrfind
