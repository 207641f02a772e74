// The command line: every option bound to a RunConfig field, with its default
// and help text. Only the CLI parses options.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "lrfind/run.hpp"

namespace lrfind::cli {

struct Options {
  RunConfig run;
  // Options whose text or presence is turned into the configuration by
  // to_config: a model kind to require, optional numbers, a delimiter's text.
  std::string model;
  int repeats = 0;
  std::string delimiter;  // empty: detected
  double l2 = 0.0;
  double validation = 0.0;
  std::size_t sample = 0;
  double min_lr = kDefaultMinLr;
  double max_lr = kDefaultMaxLr;
  bool no_standardize = false;
  bool zero_based = false;  // given: forced (a config file's false: indices count from 1)
  CLI::Option* zero_based_option = nullptr;
  CLI::Option* min_lr_option = nullptr;
  CLI::Option* max_lr_option = nullptr;
  CLI::Option* l2_option = nullptr;
  CLI::Option* validation_option = nullptr;
  CLI::Option* repeats_option = nullptr;
  CLI::Option* sample_option = nullptr;
  CLI::Option* delimiter_option = nullptr;
  // Output.
  std::string output = "-";
  std::string format = "json";
  std::string plot;  // a .svg, .png or .pdf file to write, or "-" for a plot on standard error
  std::string plot_scale = "auto";  // the --plot file's loss axis
  CLI::Option* plot_scale_option = nullptr;
  bool quiet = false;
  // lr-find check
  bool check = false;
  double check_lr = 0.0;
  std::string lr_from;
  std::string lr_key;
  double tolerance = 1.0;
  CLI::Option* lr_option = nullptr;

  bool repeats_given() const { return repeats_option != nullptr && repeats_option->count() > 0; }
};

// Declares the options on `app`, bound to `options`; with options.check set,
// also those of `lr-find check`.
void declare(CLI::App& app, Options& options);

// The number at a dotted key path ("train.lr") of a JSON file. Throws
// InputError for a missing file, DataError for bad JSON, a missing key or a
// value that is not a positive number.
double read_rate_from_json(const std::string& path, const std::string& key);

// The values an option accepts, where it takes one of a fixed set (for the
// help, the man page and shell completions).
const std::vector<std::pair<std::string, std::vector<std::string>>>& option_choices();

// The examples and exit codes shown after the options in --help and the man page.
const char* examples_text();

// Options given on the command line that the chosen method does not use (in
// lr-find check, nor its check's trainings).
std::vector<std::string> ignored_options(const CLI::App& app, const Options& options);

// Turns parsed options into a run configuration; throws UsageError.
RunConfig to_config(const Options& options);

}  // namespace lrfind::cli
