#include "io/sniff.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <utility>
#include <vector>

namespace lrfind::io {

bool is_gzip(std::string_view head) {
  return head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
         static_cast<unsigned char>(head[1]) == 0x8b;
}

bool has_mac_line_ends(std::string_view head) {
  const std::size_t first_cr = head.find('\r');
  return head.find('\n') == std::string_view::npos && first_cr != std::string_view::npos &&
         first_cr + 1 < head.size();
}

namespace {

// Records looked at to choose a delimiter: the header and the first rows.
constexpr std::size_t kSniffRecords = 20;

// Fields per record of `head` split by `delim`, for the first kSniffRecords
// records: a quote opens a quoted field only at the start of a field (as the
// parser reads it); LF, CRLF and CR alone end lines; blank lines are skipped.
// A record cut by the end of `head` counts only when `whole`, or when no
// record is complete (a header longer than `head`).
std::vector<std::size_t> field_counts(std::string_view head, char delim, bool whole) {
  std::vector<std::size_t> counts;
  std::size_t fields = 1;
  bool field_start = true;
  bool quoted = false;
  bool blank = true;
  const std::size_t n = head.size();
  for (std::size_t i = 0; i < n && counts.size() < kSniffRecords; ++i) {
    const char c = head[i];
    if (quoted) {
      if (c == '"' && i + 1 < n && head[i + 1] == '"') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < n && head[i + 1] == '\n') ++i;
      if (!blank) counts.push_back(fields);
      fields = 1;
      field_start = true;
      blank = true;
    } else {
      quoted = c == '"' && field_start;
      field_start = c == delim;
      fields += c == delim;
      blank = false;
    }
  }
  if (!blank && counts.size() < kSniffRecords && (whole || counts.empty())) counts.push_back(fields);
  return counts;
}

}  // namespace

DelimiterGuess sniff_delimiter(std::string_view head, bool whole) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  DelimiterGuess best;
  for (const char delim : kDelimiterCandidates) {
    const std::vector<std::size_t> counts = field_counts(head, delim, whole);
    if (counts.empty()) continue;
    const std::size_t header = counts.front();
    const bool consistent =
        header >= 2 && std::all_of(counts.begin(), counts.end(), [&](std::size_t k) { return k == header; });
    if (std::pair(consistent, header) > std::pair(best.consistent, best.header_fields))
      best = DelimiterGuess{delim, consistent, header};
  }
  return best;
}

std::string delimiter_name(char delimiter) {
  return delimiter == '\t' ? std::string("tab") : fmt::format("'{}'", delimiter);
}

std::string delimiter_option(char delimiter) {
  return delimiter == '\t' ? std::string("--delimiter '\\t'") : fmt::format("--delimiter '{}'", delimiter);
}

void reject_binary(std::string_view head, const std::string& source, std::string_view text) {
  struct Signature {
    std::string_view magic;
    std::string_view what;
  };
  static constexpr Signature kSignatures[] = {
      {"PK\x03\x04", "a zip archive (an .xlsx or .ods workbook is one); export the sheet as CSV, or unzip it"},
      {"\xFF\xFE", "UTF-16 text; save it as UTF-8"},
      {"\xFE\xFF", "UTF-16 text; save it as UTF-8"},
      {"BZh", "bzip2 data; decompress it first (lr-find reads gzip directly)"},
      {"\xFD" "7zXZ", "xz data; decompress it first (lr-find reads gzip directly)"},
      {"\x28\xB5\x2F\xFD", "zstd data; decompress it first (lr-find reads gzip directly)"},
      {"PAR1", "a Parquet file; export it as CSV"},
      {"%PDF", "a PDF document"},
      {"\x89PNG", "a PNG image"},
      {"GIF8", "a GIF image"},
      {"\xFF\xD8\xFF", "a JPEG image"},
      {"\x7F" "ELF", "an executable program"},
      {"SQLite format 3", "an SQLite database; export a table as CSV"},
      {"\xD0\xCF\x11\xE0", "an old Office document (.xls); export the sheet as CSV"},
  };
  for (const Signature& s : kSignatures)
    if (head.substr(0, s.magic.size()) == s.magic)
      throw DataError(source, 0, fmt::format("not {}: it is {}", text, s.what));
}

DataError nul_error(std::string_view bytes, std::size_t at, long line, const std::string& source,
                    std::string_view text) {
  const std::string_view before = bytes.substr(0, at);
  line += static_cast<long>(std::count(before.begin(), before.end(), '\n'));
  // UTF-16 text of ASCII characters is every other byte NUL. The bytes looked
  // at stay on the NUL's line, so that they are the same whatever block of
  // lines holds it (and the message the same whatever the block size).
  const std::size_t line_start = at == 0 ? 0 : bytes.rfind('\n', at - 1) + 1;  // npos + 1 == 0
  const std::size_t line_end = std::min(bytes.find('\n', at), bytes.size());
  const std::size_t from = std::max(at >= 16 ? at - 16 : 0, line_start);
  const std::string_view around = bytes.substr(from, std::min(from + 32, line_end) - from);
  const auto nuls = static_cast<std::size_t>(std::count(around.begin(), around.end(), '\0'));
  const bool utf16 = around.size() >= 4 && nuls * 10 >= around.size() * 4;
  return DataError(source, line,
                   fmt::format("not {}: it holds a NUL byte{}", text,
                               utf16 ? " (UTF-16 text? save it as UTF-8)" : " (binary data)"));
}

}  // namespace lrfind::io
