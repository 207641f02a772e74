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
  // A file whose first non-blank character is '{' is JSON: {"model": "logistic",
  // "batch-size": 64, "rates": [0.01, 0.1], "quiet": true}; anything else TOML.
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;
};

}  // namespace lrfind::cli
