// Options from a file (`--config FILE`): TOML or INI as CLI11 reads them, or a
// JSON object of option names to values, so a CI job can keep its settings in
// the repository.
#pragma once

#include <CLI/CLI.hpp>
#include <istream>
#include <string>
#include <vector>

namespace lrfind::cli {

class TomlOrJsonConfig : public CLI::ConfigTOML {
 public:
  // `app`: the options a file may set and the --config option that names the
  // file. With it, an unknown key is a UsageError naming the file, the line
  // (TOML) and the nearest option ("ci.toml:3: unknown option 'optimzer'; did
  // you mean 'optimizer'?"), instead of CLI11's "INI was not able to parse".
  explicit TomlOrJsonConfig(const CLI::App* app = nullptr) : app_(app) {}
  // A file whose first non-blank character is '{' is JSON: {"model": "logistic",
  // "batch-size": 64, "rates": [0.01, 0.1], "quiet": true}; anything else TOML.
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;

 private:
  void check_keys(const std::vector<CLI::ConfigItem>& items, const std::string& text, bool json) const;
  const CLI::App* app_;
};

}  // namespace lrfind::cli
