// lr-find: the command-line front end. The only place that parses options,
// prints, catches errors and chooses the exit status.
#include <exception>
#include <filesystem>
#include <fmt/format.h>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/options.hpp"
#include "cli/run_command.hpp"
#include "cli/scale_out.hpp"
#include "lrfind/error.hpp"
#include "lrfind/run.hpp"
#include "lrfind/stop.hpp"

namespace {

// `lr-find help` and `lr-find help check` (or plan, shard, merge) ask for the
// help, as git's and cargo's do: they become `lr-find --help` and
// `lr-find check --help`,
// unless a file is named help (then it is the data, as before).
std::vector<std::string> help_command(std::vector<std::string> words) {
  std::error_code error;
  if (words.empty() || words.front() != "help" || std::filesystem::exists("help", error)) return words;
  for (const char* command : {"check", "plan", "shard", "merge"})
    if (words.size() > 1 && words[1] == command) return {command, "--help"};
  return {"--help"};
}

// `lr-find FILE ...` and `lr-find check FILE ...` (`args`: the words after the program's name).
int run_command(const std::vector<std::string>& args) {
  lrfind::cli::Options options;
  options.check = !args.empty() && args.front() == "check";
  CLI::App app{"lr-find", options.check ? "lr-find check" : "lr-find"};
  const std::vector<std::string> rest(args.begin() + (options.check ? 1 : 0), args.end());
  if (const std::optional<int> status = lrfind::cli::parse_run_options(app, options, rest)) return *status;
  // The plot file's format, from its extension, before any work is done.
  const lrfind::PlotFormatEntry* plot_format = lrfind::cli::plot_format_for(options);
  const lrfind::RunConfig config = lrfind::cli::to_config(options);
  lrfind::cli::check_outputs(options);
  lrfind::cli::CommandContext command(options);
  return lrfind::cli::write_run(app, options, config, plot_format, command,
                                [&](const lrfind::RunContext& context) { return lrfind::run(config, context); });
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args = help_command(std::vector<std::string>(argv + 1, argv + argc));
  try {
    if (const std::optional<int> status = lrfind::cli::scale_out_command(args)) return *status;
    return run_command(args);
  } catch (const lrfind::Interrupted& e) {
    fmt::print(stderr, "lr-find: {}; wrote nothing\n", e.what());
    return e.exit_code();
  } catch (const lrfind::Error& e) {
    lrfind::cli::print_error(e.what());
    return e.exit_code();
  } catch (const std::bad_alloc&) {
    lrfind::cli::print_error("out of memory");
    return 71;  // EX_OSERR
  } catch (const std::exception& e) {
    lrfind::cli::print_error(fmt::format("internal error: {}", e.what()));
    return 70;  // EX_SOFTWARE
  }
}
