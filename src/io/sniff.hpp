// What the first bytes of an input say: gzip data, classic Mac line ends, and
// files that are not CSV text at all (named, rather than parsed into nonsense).
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

// Throws DataError when `head` starts with the magic number of a known
// non-text format (an archive, a spreadsheet, an image, UTF-16...), saying
// what it is and what to do.
void reject_binary(std::string_view head, const std::string& source);

// The error for a NUL byte at bytes[at]: no CSV text holds one, so the input
// is binary, or UTF-16 when NULs are frequent around it. `line` is the line
// of bytes[0].
DataError nul_error(std::string_view bytes, std::size_t at, long line, const std::string& source);

}  // namespace lrfind::io
