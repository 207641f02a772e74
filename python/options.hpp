// Keyword arguments of lrfind.find(), find_file() and check() onto a
// RunConfig: the command line's long option names with '_' for '-'. Only
// the types are checked here; the values are checked by the library
// (lrfind::run validates every setting and throws UsageError).
#pragma once

#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "lrfind/run.hpp"

namespace lrfind::python {

// Which call the keywords are for: find() takes data in memory (no file
// options), find_file() reads a file, check() also takes lr and tolerance.
enum class Call { kFind, kFindFile, kCheck };

// The keyword names `call` accepts, in the order of `lr-find --help`.
std::vector<std::string> option_names(Call call);

// Sets `config` from `options` (a dict of keyword to value; None leaves a
// setting at its default). Throws TypeError (py::type_error) for an unknown
// keyword, naming the nearest valid one, or for a value of the wrong type.
void apply_options(Call call, const pybind11::dict& options, RunConfig& config);

}  // namespace lrfind::python
