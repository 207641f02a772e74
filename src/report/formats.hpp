// The output formats that --format chooses from: each renders the JSON report
// (make_report's document) as the text lr-find writes. Adding a format is one
// renderer in its own file and one line in builtin_formats(); the option's
// help, its check, the man page and the shell completions read the names and
// help texts from here.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/registry.hpp"

namespace lrfind {

struct FormatEntry {
  std::string name;
  // What --help says of the format after its name, in parentheses; empty when
  // the name says it all.
  std::string help;
  // A pure function of the report; never throws on a missing or mistyped
  // field (see report/json_read.hpp).
  std::string (*render)(const nlohmann::ordered_json& report);
};

// json, csv and table, in the order --help lists them.
Registry<FormatEntry> builtin_formats();

}  // namespace lrfind
