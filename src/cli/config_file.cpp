#include "cli/config_file.hpp"

#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

namespace lrfind::cli {

namespace {

std::string scalar_text(const nlohmann::json& value, const std::string& key) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number()) return value.dump();
  throw CLI::ConfigError("config key '" + key + "': a value must be a string, number, boolean or list of them");
}

}  // namespace

std::vector<CLI::ConfigItem> TomlOrJsonConfig::from_config(std::istream& input) const {
  const std::string text((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || text[first] != '{') {
    std::istringstream toml(text);
    return CLI::ConfigTOML::from_config(toml);
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
  return result;
}

}  // namespace lrfind::cli
