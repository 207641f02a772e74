// Writing output so that it is whole or absent: a regular file (or a new one)
// is written to a temporary file in the same folder, flushed to disk and
// renamed over the destination; a destination that exists and is not a regular
// file (a pipe, /dev/stdout, a terminal) is written directly and never replaced.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lrfind {

// Checks, before any work, that write_outputs could create `path`: "-" always
// can; otherwise the path is not a folder, and its folder exists and is
// writable (a pipe or device that exists is written directly, if writable).
// Throws OutputError "NAME: cannot create: REASON", NAME being `name` (the
// option and the path, e.g. "--plot out/plot.svg").
void check_can_create(const std::string& path, const std::string& name);

// Whether two output paths name the same file: the same path once made
// absolute, normalised and with the links of its existing part resolved, or
// the same existing file. "-" (standard output) is never the same as a file.
bool same_output_file(const std::string& a, const std::string& b);

// Writes `text` to `path` ("-" is standard output). Throws OutputError.
void write_output(const std::string& path, std::string_view text);

// Writes several outputs, (path, text), all or none of the files: every file
// is first written in full beside its destination, and only then are they
// renamed into place; standard output and other streams are written last. On
// a failure no existing file has been changed (barring a rename failing after
// an earlier one succeeded, which needs the folder to change under us).
// Throws OutputError.
void write_outputs(const std::vector<std::pair<std::string, std::string_view>>& outputs);

}  // namespace lrfind
