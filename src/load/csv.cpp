#include "load/csv.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <iostream>
#include <iterator>

#include <zlib.h>

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

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f && static_cast<unsigned char>(bytes[1]) == 0x8b;
}

std::string gunzip(std::string_view bytes, const std::string& source) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 32) != Z_OK) throw InputError(fmt::format("{}: cannot start gzip decoding", source));
  std::string out;
  out.reserve(bytes.size() * 4);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  char buffer[1 << 16];
  int status = Z_OK;
  for (;;) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (status == Z_STREAM_END) {
      // Concatenated members (as `cat a.gz b.gz` makes) continue the data.
      if (stream.avail_in == 0) break;
      inflateReset(&stream);
      continue;
    }
    if (status != Z_OK) break;
    if (stream.avail_in == 0 && stream.avail_out != 0) {
      status = Z_DATA_ERROR;  // input ended inside a member
      break;
    }
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END)
    throw DataError(source, 0, "damaged or truncated gzip data");
  return out;
}

std::string read_input(const std::string& path) {
  if (path == "-") {
    std::string data((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    if (std::cin.bad()) throw InputError("<stdin>: cannot read standard input");
    return is_gzip(data) ? gunzip(data, "<stdin>") : data;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw InputError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  if (S_ISDIR(st.st_mode)) throw InputError(fmt::format("{}: is a directory, not a CSV file", path));
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw InputError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  std::string data;
  if (S_ISREG(st.st_mode)) data.reserve(static_cast<std::size_t>(st.st_size));
  char buffer[1 << 16];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, f)) > 0) data.append(buffer, got);
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (failed) throw InputError(fmt::format("{}: cannot read: {}", path, std::strerror(err)));
  return is_gzip(data) ? gunzip(data, path) : data;
}

}  // namespace lrfind
