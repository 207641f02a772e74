#include "cli/typos.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string_view>

#include "cli/options.hpp"
#include "common/registry.hpp"

namespace lrfind::cli {

namespace {

constexpr std::string_view kCheck = "check";

const CLI::Option* find_long(const CLI::App& app, std::string_view name) {
  for (const CLI::Option* o : app.get_options()) {
    const std::vector<std::string>& names = o->get_lnames();
    if (std::find(names.begin(), names.end(), name) != names.end()) return o;
  }
  return nullptr;
}

const CLI::Option* find_short(const CLI::App& app, char name) {
  for (const CLI::Option* o : app.get_options()) {
    const std::vector<std::string>& names = o->get_snames();
    if (std::find(names.begin(), names.end(), std::string(1, name)) != names.end()) return o;
  }
  return nullptr;
}

// As CLI11's own classification (App::_recognize): "--x..." and "-x..." are
// options, except "-" and a digit without such a short option (a negative
// number, a value).
bool valid_first_char(char c) { return c != '-' && c != '!' && c != ' ' && c != '\n'; }

bool option_like(const CLI::App& app, const std::string& word) {
  if (word.size() > 2 && word.compare(0, 2, "--") == 0) return valid_first_char(word[2]);
  if (word.size() < 2 || word[0] != '-' || !valid_first_char(word[1])) return false;
  return !(word[1] >= '0' && word[1] <= '9') || find_short(app, word[1]) != nullptr;
}

// The index after the values `option` takes from args[i + 1 ...], as CLI11
// takes them: its minimum whatever they look like, then more up to its
// maximum while they do not look like options. `attached`: one value came
// with the word itself (--name=value, -ovalue).
std::size_t after_values(const CLI::App& app, const CLI::Option& option, bool attached,
                         const std::vector<std::string>& args, std::size_t i) {
  int least = option.get_items_expected_min() - (attached ? 1 : 0);
  int most = option.get_items_expected_max() - (attached ? 1 : 0);
  std::size_t next = i + 1;
  for (; least > 0 && next < args.size(); --least, --most) ++next;
  for (; most > 0 && next < args.size() && args[next] != "--" && !option_like(app, args[next]); --most) ++next;
  return next;
}

// A word as a shell would read it back: quoted when it holds anything but
// plain characters.
std::string shell_word(const std::string& word) {
  const bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_./=,:+-@%").find(c) != std::string_view::npos;
  });
  if (plain) return word;
  std::string quoted = "'";
  for (const char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// "--lr belongs to `lr-find check`: lr-find check data.csv --model linear --lr 0.1".
std::string belongs_to_check(std::string_view option, const std::vector<std::string>& args) {
  std::string command = "lr-find check";
  for (const std::string& word : args)
    if (word != kCheck) command += " " + shell_word(word);
  return fmt::format("{} belongs to `lr-find check`: {}", option, command);
}

bool is_check_only(std::string_view name) {
  const std::vector<std::string>& names = check_only_options();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string unknown_long(const std::string& name, const CLI::App& app, const std::vector<std::string>& args,
                         bool check) {
  if (!check && is_check_only(name)) return belongs_to_check("--" + name, args);
  if (const std::string near = nearest_name(name, long_names(app)); !near.empty())
    return fmt::format("unknown option --{}; did you mean --{}?", name, near);
  if (!check && nearest_name(name, {std::string(kCheck)}) == kCheck)
    return fmt::format("unknown option --{}; did you mean `lr-find check`?", name);
  return fmt::format("unknown option --{} (see lr-find --help)", name);
}

// "-model" for "--model": CLI11 would read it as -m with the value "odel".
// Only a word whose name is, or is near, a long option's (never a short
// option with its value attached, such as -olog.json).
std::optional<std::string> single_dash_long(const std::string& word, const CLI::App& app,
                                            const std::vector<std::string>& args, bool check) {
  const std::string name = word.substr(1, word.find('=') == std::string::npos ? std::string::npos : word.find('=') - 1);
  if (name.size() < 2) return std::nullopt;
  if (!check && is_check_only(name)) return belongs_to_check("--" + name, args);
  const std::vector<std::string> names = long_names(app);
  const std::string near = std::find(names.begin(), names.end(), name) != names.end() ? name : nearest_name(name, names);
  if (near.empty()) return std::nullopt;
  return fmt::format("-{}: did you mean --{}?", name, near);
}

// The first positional: near "check" and not a file, it was meant as the command.
std::optional<std::string> command_typo(const std::string& word, bool check) {
  if (check || word == "-" || nearest_name(word, {std::string(kCheck)}) != kCheck) return std::nullopt;
  std::error_code error;
  if (std::filesystem::exists(word, error)) return std::nullopt;
  return fmt::format("no file or command '{}'; did you mean `lr-find check`?", word);
}

// The index after the short option word args[i] and its values: "-q", "-m
// logistic", "-mlogistic", "-qm logistic" (flags given together).
std::size_t after_short(const CLI::App& app, const std::vector<std::string>& args, std::size_t i) {
  const std::string& word = args[i];
  for (std::size_t k = 1; k < word.size(); ++k) {
    const CLI::Option* option = find_short(app, word[k]);
    if (option == nullptr) break;  // CLI11 names it
    if (option->get_items_expected_max() > 0) return after_values(app, *option, k + 1 < word.size(), args, i);
  }
  return i + 1;
}

}  // namespace

std::vector<std::string> long_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* o : app.get_options())
    for (const std::string& name : o->get_lnames()) names.push_back(name);
  return names;
}

const std::vector<std::string>& check_only_options() {
  static const std::vector<std::string> names = [] {
    Options plain, check;
    check.check = true;
    CLI::App main_app, check_app;
    declare(main_app, plain);
    declare(check_app, check);
    const std::vector<std::string> main_names = long_names(main_app);
    std::vector<std::string> only;
    for (const std::string& name : long_names(check_app))
      if (std::find(main_names.begin(), main_names.end(), name) == main_names.end()) only.push_back(name);
    return only;
  }();
  return names;
}

std::optional<std::string> find_typo(const CLI::App& app, const std::vector<std::string>& args, bool check) {
  bool positional_seen = false;
  for (std::size_t i = 0; i < args.size();) {
    const std::string& word = args[i];
    if (word == "--") break;  // the rest is positional
    if (!option_like(app, word)) {
      if (!positional_seen) {
        positional_seen = true;
        if (std::optional<std::string> typo = command_typo(word, check)) return typo;
      }
      ++i;
    } else if (word[1] == '-') {
      const std::size_t equals = word.find('=');
      const std::string name = word.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
      const CLI::Option* option = find_long(app, name);
      if (option == nullptr) return unknown_long(name, app, args, check);
      i = after_values(app, *option, equals != std::string::npos, args, i);
    } else {
      if (std::optional<std::string> typo = single_dash_long(word, app, args, check)) return typo;
      i = after_short(app, args, i);
    }
  }
  return std::nullopt;
}

std::string parse_error_message(const CLI::App& app, const CLI::ParseError& e) {
  const std::string what = e.what();
  // "Could not convert: --epochs = abc"
  constexpr std::string_view kConvert = "Could not convert: ";
  if (what.rfind(kConvert, 0) == 0) {
    const std::string rest = what.substr(kConvert.size());
    const std::size_t equals = rest.find(" = ");
    if (equals != std::string::npos) {
      const std::string name = rest.substr(0, equals);
      const std::string value = rest.substr(equals + 3);
      const CLI::Option* option = app.get_option_no_throw(name);
      const std::string type = option ? option->get_type_name() : "";
      const std::string kind = type == "UINT" ? "a whole number of 0 or more" : type == "INT" ? "a whole number" : "a number";
      return fmt::format("{}: '{}' is not {}", name, value, kind);
    }
  }
  // "--method: At Most 1 required but received 2"
  constexpr std::string_view kAtMost = ": At Most 1 required but received ";
  if (const std::size_t at = what.find(kAtMost); at != std::string::npos)
    return fmt::format("{} is given {} times: give it once", what.substr(0, at), what.substr(at + kAtMost.size()));
  std::string message = what;  // CLI11 writes sentences; lr-find's messages are lower-case phrases
  if (message.size() > 1 && message[0] >= 'A' && message[0] <= 'Z' && !(message[1] >= 'A' && message[1] <= 'Z'))
    message[0] = static_cast<char>(message[0] - 'A' + 'a');
  return message;
}

}  // namespace lrfind::cli
