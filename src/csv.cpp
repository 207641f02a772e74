#include "lrfind/csv.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <iostream>
#include <iterator>

#include <zlib.h>

#include "lrfind/error.hpp"

namespace lrfind {

DataError::DataError(std::string source, long line, const std::string& what)
    : Error(line > 0 ? fmt::format("{}:{}: {}", source, line, what)
                     : fmt::format("{}: {}", source, what)),
      source_(std::move(source)),
      line_(line) {}

namespace {

// Streams records out of the bytes; one instance per parse.
class Parser {
 public:
  Parser(std::string_view bytes, const std::string& source, char delimiter)
      : in_(bytes), source_(source), delim_(delimiter) {
    if (in_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
  }

  // Parses the next record into `out` (cell spans appended to `cells`, text to
  // `text`). Returns false at end of input. Blank lines are skipped.
  template <typename SpanT>
  bool next(std::string& text, std::vector<SpanT>& cells, std::size_t& count, long& start_line) {
    // Skip blank lines (LF or CRLF alone, or a final CR whose LF is missing).
    while (pos_ < in_.size()) {
      if (in_[pos_] == '\n') {
        ++pos_;
        ++line_;
      } else if (in_[pos_] == '\r' && pos_ + 1 < in_.size() && in_[pos_ + 1] == '\n') {
        pos_ += 2;
        ++line_;
      } else if (in_[pos_] == '\r' && pos_ + 1 == in_.size()) {
        ++pos_;
      } else {
        break;
      }
    }
    if (pos_ >= in_.size()) return false;
    start_line = line_;
    count = 0;
    for (;;) {
      const std::size_t offset = text.size();
      bool end_of_record = false;
      if (pos_ < in_.size() && in_[pos_] == '"') {
        const long quote_line = line_;
        ++pos_;
        for (;;) {
          if (pos_ >= in_.size())
            throw DataError(source_, quote_line, "unterminated quoted field (a '\"' opened here is never closed)");
          const char c = in_[pos_];
          if (c == '"') {
            if (pos_ + 1 < in_.size() && in_[pos_ + 1] == '"') {
              text.push_back('"');
              pos_ += 2;
              continue;
            }
            ++pos_;
            break;
          }
          if (c == '\n') ++line_;
          text.push_back(c);
          ++pos_;
        }
        // After the closing quote: a delimiter, the end of the line, or the end of input.
        if (pos_ < in_.size() && in_[pos_] != delim_ && in_[pos_] != '\n' &&
            !(in_[pos_] == '\r' && pos_ + 1 < in_.size() && in_[pos_ + 1] == '\n') &&
            !(in_[pos_] == '\r' && pos_ + 1 == in_.size()))
          throw DataError(source_, line_, fmt::format("unexpected '{}' after a closing quote; quotes inside a quoted field are written as \"\"", in_[pos_]));
      } else {
        // Unquoted: up to the delimiter or end of line; copy runs, not bytes.
        const std::size_t start = pos_;
        while (pos_ < in_.size() && in_[pos_] != delim_ && in_[pos_] != '\n') ++pos_;
        std::size_t end = pos_;
        if (end > start && in_[end - 1] == '\r' && (pos_ >= in_.size() || in_[pos_] == '\n')) --end;
        text.append(in_.data() + start, end - start);
      }
      cells.push_back(SpanT{offset, text.size() - offset});
      ++count;
      if (pos_ >= in_.size()) {
        end_of_record = true;
      } else if (in_[pos_] == delim_) {
        ++pos_;
      } else {
        if (in_[pos_] == '\r') ++pos_;
        if (pos_ < in_.size() && in_[pos_] == '\n') {
          ++pos_;
          ++line_;
        }
        end_of_record = true;
      }
      if (end_of_record) return true;
    }
  }

  long line() const { return line_; }

 private:
  std::string_view in_;
  const std::string& source_;
  char delim_;
  std::size_t pos_ = 0;
  long line_ = 1;
};

}  // namespace

CsvTable parse_csv(std::string_view bytes, const std::string& source, const CsvOptions& options) {
  if (options.delimiter == '"' || options.delimiter == '\n' || options.delimiter == '\r')
    throw UsageError("the delimiter cannot be a quote or a line break");
  CsvTable table;
  Parser parser(bytes, source, options.delimiter);
  std::size_t count = 0;
  long line = 0;
  if (!parser.next(table.text_, table.cells_, count, line))
    throw DataError(source, 0, "empty input: a header row is required");
  for (std::size_t c = 0; c < count; ++c) {
    const CsvTable::Span& s = table.cells_[c];
    table.header_.emplace_back(table.text_.substr(s.offset, s.length));
  }
  table.cells_.clear();
  table.text_.clear();
  table.text_.reserve(bytes.size());
  const std::size_t width = table.header_.size();
  while (parser.next(table.text_, table.cells_, count, line)) {
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
