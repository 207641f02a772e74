#include "cli/config_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/typos.hpp"
#include "common/registry.hpp"
#include "lrfind/error.hpp"

namespace lrfind::cli {

namespace {

std::string scalar_text(const nlohmann::json& value, const std::string& key) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number()) return value.dump();
  throw CLI::ConfigError("config key '" + key + "': a value must be a string, number, boolean or list of them");
}

// The 1-based line of the first `key = value` line setting `key`, 0 if none.
long line_of(const std::string& text, const std::string& key) {
  std::istringstream lines(text);
  long number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    const std::size_t equals = line.find('=');
    if (equals == std::string::npos) continue;
    std::string name = line.substr(0, equals);
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t\r") + 1);
    if (name.size() >= 2 && (name.front() == '"' || name.front() == '\'') && name.back() == name.front())
      name = name.substr(1, name.size() - 2);
    if (name == key) return number;
  }
  return 0;
}

// The names a file may set, as CLI11 matches them: long names, one-letter
// short names, and positionals by name ("file").
std::vector<std::string> settable_names(const CLI::App& app) {
  std::vector<std::string> names = long_names(app);
  for (const CLI::Option* o : app.get_options()) {
    for (const std::string& s : o->get_snames()) names.push_back(s);
    if (o->get_lnames().empty() && o->get_snames().empty()) names.push_back(o->get_name());
  }
  return names;
}

// The file being read: the --config option's value.
std::string config_name(const CLI::App& app) {
  const CLI::Option* option = app.get_config_ptr();
  if (option != nullptr && option->results().size() == 1) return option->results().front();
  return "the config file";
}

}  // namespace

std::vector<CLI::ConfigItem> TomlOrJsonConfig::from_config(std::istream& input) const {
  const std::string text((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || text[first] != '{') {
    std::istringstream toml(text);
    std::vector<CLI::ConfigItem> items = CLI::ConfigTOML::from_config(toml);
    check_keys(items, text, false);
    return items;
  }
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw CLI::ConfigError(std::string("config file is not valid JSON: byte ") + std::to_string(e.byte));
  }
  std::vector<CLI::ConfigItem> result;
  for (const auto& [key, value] : document.items()) {
    CLI::ConfigItem item;
    item.name = key;
    if (value.is_array()) {
      for (const nlohmann::json& element : value) item.inputs.push_back(scalar_text(element, key));
    } else {
      item.inputs.push_back(scalar_text(value, key));
    }
    result.push_back(std::move(item));
  }
  check_keys(result, text, true);
  return result;
}

void TomlOrJsonConfig::check_keys(const std::vector<CLI::ConfigItem>& items, const std::string& text,
                                  bool json) const {
  if (app_ == nullptr) return;
  const std::vector<std::string> names = settable_names(*app_);
  for (const CLI::ConfigItem& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // a [section] opens or closes
    if (item.parents.empty() && std::find(names.begin(), names.end(), item.name) != names.end()) continue;
    const std::string key = item.fullname();
    const long line = json ? 0 : line_of(text, item.name);
    const std::string where = line > 0 ? fmt::format("{}:{}", config_name(*app_), line) : config_name(*app_);
    const std::vector<std::string>& check_only = check_only_options();
    if (std::find(check_only.begin(), check_only.end(), key) != check_only.end())
      throw UsageError(fmt::format("{}: '{}' belongs to `lr-find check`", where, key));
    std::string message = fmt::format("{}: unknown {} '{}'", where, json ? "key" : "option", key);
    if (const std::string near = nearest_name(item.name, long_names(*app_)); !near.empty())
      message += fmt::format("; did you mean '{}'?", near);
    throw UsageError(message);
  }
}

}  // namespace lrfind::cli
