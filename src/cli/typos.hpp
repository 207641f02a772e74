// Typos on the command line, caught before CLI11 parses it so that each one
// gets a suggestion, as git and cargo give: the nearest option name (by edit
// distance, nearest_name), `lr-find check` for a first argument near "check",
// the subcommand an option belongs to, and the long option a single-dash word
// was meant to be. CLI11 alone would report "--epoch 10" as "the following
// arguments were not expected: 10 --epoch".
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace lrfind::cli {

// The message for the first typo among `args` (what follows the program name,
// or "check" for `lr-find check`), given the options declared on `app`; or
// nullopt when every option is known. `check` says whether `app` is
// `lr-find check`'s. Never a false alarm on a command line CLI11 accepts: only
// option-like words it would reject, and a first positional that is no file.
std::optional<std::string> find_typo(const CLI::App& app, const std::vector<std::string>& args, bool check);

// CLI11's message for a parse error as one of lr-find's phrases: a value that
// is not a number of the option's kind names the option, the value and the
// kind; an option given twice says so; others are CLI11's, lower-cased.
std::string parse_error_message(const CLI::App& app, const CLI::ParseError& e);

// The long option names (without dashes) only `lr-find check` declares:
// "lr", "lr-from", ...
const std::vector<std::string>& check_only_options();

// The long option names (without dashes) declared on `app`.
std::vector<std::string> long_names(const CLI::App& app);

}  // namespace lrfind::cli
