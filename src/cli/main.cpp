// lr-find: the command-line front end. The only place that parses options,
// prints, catches errors and chooses the exit status.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fmt/format.h>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrfind/error.hpp"
#include "lrfind/format.hpp"
#include "lrfind/plot.hpp"
#include "lrfind/output.hpp"
#include "lrfind/report.hpp"
#include "lrfind/run.hpp"
#include "options.hpp"
#include "progress_bar.hpp"

namespace {

void print_error(std::string_view message) {
  // One line, whatever the message held.
  std::string line(message);
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  fmt::print(stderr, "lr-find: error: {}\n", line);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    // `lr-find check FILE ...` is the main command with a rate to judge.
    lrfind::cli::Options options;
    options.check = argc > 1 && std::string_view(argv[1]) == "check";
    CLI::App app{"lr-find", options.check ? "lr-find check" : "lr-find"};
    lrfind::cli::declare(app, options);
    try {
      if (options.check)
        app.parse(argc - 1, argv + 1);  // argv[1], "check", stands where the program name does
      else
        app.parse(argc, argv);
    } catch (const CLI::FileError& e) {
      print_error(e.what());  // a --config file that cannot be read
      return lrfind::kExitNoInput;
    } catch (const CLI::ParseError& e) {
      if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
      // CLI11 writes sentences; lr-find's messages are lower-case phrases.
      std::string message = e.what();
      if (!message.empty() && message[0] >= 'A' && message[0] <= 'Z' && !(message.size() > 1 && message[1] >= 'A' && message[1] <= 'Z'))
        message[0] = static_cast<char>(message[0] - 'A' + 'a');
      print_error(fmt::format("{} (see lr-find --help)", message));
      return lrfind::kExitUsage;
    }
    const lrfind::RunConfig config = lrfind::cli::to_config(options);
    const auto warn = [&](std::string_view message) {
      if (!options.quiet) fmt::print(stderr, "lr-find: warning: {}\n", message);
    };
    for (const std::string& name : lrfind::cli::ignored_options(app, options))
      warn(fmt::format("{} has no effect with --method {}", name, options.method));
    const char* delay = std::getenv("LR_FIND_PROGRESS_AFTER");
    lrfind::cli::ProgressBar bar(!options.quiet && ::isatty(STDERR_FILENO) == 1, delay ? std::atof(delay) : 0.5);
    const lrfind::RunResult result =
        lrfind::run(config, warn, [&](double fraction, std::string_view stage) { bar.update(fraction, stage); });
    bar.finish();
    const nlohmann::ordered_json report = lrfind::make_report(result);
    const std::string text = options.format == "csv"     ? lrfind::render_csv(report)
                             : options.format == "table" ? lrfind::render_table(report)
                                                         : lrfind::render_report(report);
    // The plot file and the output together: if either cannot be written,
    // neither is (an existing file is left as it was).
    std::vector<std::pair<std::string, std::string_view>> outputs;
    std::string svg;
    if (!options.plot.empty() && options.plot != "-") {
      svg = lrfind::render_svg(report);
      outputs.emplace_back(options.plot, svg);
    }
    outputs.emplace_back(options.output, text);
    lrfind::write_outputs(outputs);
    if (options.plot == "-") fmt::print(stderr, "{}", lrfind::render_terminal_plot(report, 72, 14));
    if (result.check) {
      const lrfind::CheckResult& check = *result.check;
      if (!check.passed() || !options.quiet)
        fmt::print(stderr, "lr-find: check {}: {}\n", check.passed() ? "passed" : "failed", check.message);
      return check.passed() ? lrfind::kExitOk : lrfind::kExitCheckFailed;
    }
    if (!options.quiet) fmt::print(stderr, "lr-find: {}\n", lrfind::summary_line(result));
    return result.recommendation.lr ? lrfind::kExitOk : lrfind::kExitNoUsableRate;
  } catch (const lrfind::Error& e) {
    print_error(e.what());
    return e.exit_code();
  } catch (const std::bad_alloc&) {
    print_error("out of memory");
    return 71;  // EX_OSERR
  } catch (const std::exception& e) {
    print_error(fmt::format("internal error: {}", e.what()));
    return 70;  // EX_SOFTWARE
  }
}
