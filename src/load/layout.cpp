#include "load/layout.hpp"

#include <charconv>
#include <fmt/format.h>

#include "common/registry.hpp"
#include "io/sniff.hpp"
#include "load/csv_cursor.hpp"
#include "load/limits.hpp"
#include "lrfind/error.hpp"

namespace lrfind::load {

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
  locate_invalid_utf8(first);
  if (first.first_bad_byte() < first.start) throw bad_byte_error(first, source);
  return header;
}

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
  // A name to suggest for a misspelt one; not for a number, or a word so short
  // that every short name is near it.
  const bool numeric = spec.find_first_not_of("0123456789") == std::string::npos;
  const std::string near = numeric || spec.size() < 3 ? std::string() : nearest_name(spec, header);
  throw UsageError(fmt::format("{}: no column named '{}' and no column number {}{} (columns: {})", option, spec, spec,
                               near.empty() ? "" : fmt::format("; did you mean '{}'?", near), names));
}

Layout make_layout(const Header& h, const std::string& source, const LoadOptions& options,
                   const std::string& delimiter_hint) {
  const std::vector<std::string>& header = h.names;
  const std::size_t width = header.size();
  // A delimiter at the end of every line leaves an unnamed last column: it is
  // not data, provided it stays empty.
  const bool trailing = width > 2 && header.back().empty();
  const std::size_t named = trailing ? width - 1 : width;
  if (named < 2)
    throw DataError(source, h.line,
                    fmt::format("the header names one column; a feature and a target are needed ({})",
                                delimiter_hint.empty() ? "check --delimiter" : delimiter_hint));
  const DatasetOptions& columns = options.columns;
  const std::size_t target = columns.target.empty() ? named - 1 : resolve_column(header, columns.target, "--target");
  Layout layout;
  layout.source = &source;
  layout.delim = options.delimiter.value_or(',');
  layout.delimiter_hint = delimiter_hint;
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

}  // namespace lrfind::load
