// What every lr-find command that runs the pipeline shares: parsing a run's
// options, the context the run reports to (progress bar, warnings, a stop on
// SIGINT or SIGTERM), and writing the report and plot.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/options.hpp"
#include "cli/progress_bar.hpp"
#include "lrfind/run.hpp"
#include "report/formats.hpp"

namespace lrfind::cli {

// "lr-find: error: MESSAGE" on one line, whatever the message held.
void print_error(std::string_view message);

// A run's options parsed as lr-find parses them: `options` declared on `app`
// (options.check set beforehand for lr-find check). `args` are the words after
// the command's name. Returns the exit status when the parse ended the command
// (--help and --version print and give 0; a typo or bad value prints its
// one-line error and gives 64; a --config file that cannot be read, 66), or
// nullopt to go on.
// `extra` declares a command's own options beside the run's (plan's --shards).
std::optional<int> parse_run_options(CLI::App& app, Options& options, const std::vector<std::string>& args,
                                     const std::function<void(CLI::App&)>& extra = {});

// The context of a run from the command line: a progress bar on a terminal
// (unless --quiet), warnings on standard error, the test hooks
// (LR_FIND_TEST_*), and SIGINT and SIGTERM asking the run to stop at the
// next batch.
class CommandContext {
 public:
  explicit CommandContext(const Options& options);
  CommandContext(const CommandContext&) = delete;
  CommandContext& operator=(const CommandContext&) = delete;
  const RunContext& context() const { return context_; }
  // The signal that stopped the run, or 0.
  int signal() const { return context_.stop.signal(); }
  // Ends the progress bar's line (before anything else is printed).
  void finish() { bar_.finish(); }

 private:
  ProgressBar bar_;
  RunContext context_;
  bool announce_training_ = false;
  double announce_after_ = 0.0;
};

// Runs `compute` in `context`, writes the report (and the --plot file) as the
// options say and returns the exit status (0, 1 for a failed check, 3 without
// a usable rate, 128 + signal when interrupted).
int write_run(const CLI::App& app, const Options& options, const RunConfig& config,
              const PlotFormatEntry* plot_format, CommandContext& context,
              const std::function<Run(const RunContext&)>& compute);

// Before any work: no two outputs name one file (UsageError) and every output
// can be created (OutputError).
void check_outputs(const Options& options);

// The --plot file's format from its extension (null for none or "-"); throws UsageError.
const PlotFormatEntry* plot_format_for(const Options& options);

}  // namespace lrfind::cli
