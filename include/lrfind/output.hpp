// Writing output so that it is whole or absent: a regular file (or a new one)
// is written to a temporary file in the same folder, flushed to disk and
// renamed over the destination; a destination that exists and is not a regular
// file (a pipe, /dev/stdout, a terminal) is written directly and never replaced.
#pragma once

#include <string>
#include <string_view>

namespace lrfind {

// Writes `text` to `path` ("-" is standard output). Throws OutputError.
void write_output(const std::string& path, std::string_view text);

}  // namespace lrfind
