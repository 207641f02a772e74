// What the first bytes of an input say: gzip data, classic Mac line ends, the
// field delimiter, and files that are not CSV text at all (named, rather than
// parsed into nonsense).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "lrfind/error.hpp"

namespace lrfind::io {

// The bytes sniffed at the start of an input (decoded, for gzip data).
inline constexpr std::size_t kHeadBytes = 4096;

// Whether bytes start with the gzip magic number.
bool is_gzip(std::string_view head);

// Whether text with these first bytes ends its lines with CR alone: a CR
// before its last byte and no LF.
bool has_mac_line_ends(std::string_view head);

// The field delimiters lr-find looks for when none is given, in the order
// that breaks ties.
inline constexpr char kDelimiterCandidates[] = {',', ';', '\t', '|'};

// What the header and the first rows say about the delimiter.
struct DelimiterGuess {
  char delimiter = ',';
  // The header and every complete row among the first have the same number
  // of fields, two or more.
  bool consistent = false;
  std::size_t header_fields = 1;
};

// The delimiter of text starting with `head`, as Python's csv.Sniffer and
// DuckDB's sniffer choose it: each candidate splits the header and the first
// 20 records (quotes respected, blank lines skipped, a record cut by the end
// of `head` left out unless `whole`, meaning `head` is the whole input); a
// consistent candidate wins over one that is not, then the one giving more
// fields, then the earlier candidate. With no candidate splitting the header,
// the comma.
DelimiterGuess sniff_delimiter(std::string_view head, bool whole);

// How a delimiter is named in messages: "';'", or "tab".
std::string delimiter_name(char delimiter);

// The option that sets it, as typed in a shell: "--delimiter ';'", "--delimiter '\\t'".
std::string delimiter_option(char delimiter);

// Throws DataError when `head` starts with the magic number of a known
// non-text format (an archive, a spreadsheet, an image, UTF-16...), saying
// what it is and what to do. `text` names the text expected ("a CSV text
// file", "an svmlight text file").
void reject_binary(std::string_view head, const std::string& source, std::string_view text = "a CSV text file");

// The error for a NUL byte at bytes[at]: no CSV or svmlight text holds one,
// so the input is binary, or UTF-16 when NULs are frequent around it. `line`
// is the line of bytes[0]; `text` as for reject_binary.
DataError nul_error(std::string_view bytes, std::size_t at, long line, const std::string& source,
                    std::string_view text = "a CSV text file");

}  // namespace lrfind::io
