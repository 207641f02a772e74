// lr-find: the command-line front end. The only place that parses options,
// prints, catches errors and chooses the exit status.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <fmt/format.h>
#include <new>

#include "lrfind/error.hpp"
#include "lrfind/output.hpp"
#include "lrfind/report.hpp"
#include "lrfind/run.hpp"
#include "options.hpp"

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
    CLI::App app{"lr-find", "lr-find"};
    lrfind::cli::Options options;
    lrfind::cli::declare(app, options);
    try {
      app.parse(argc, argv);
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
    const lrfind::RunResult result = lrfind::run(config, warn);
    lrfind::write_output(options.output, lrfind::render_report(lrfind::make_report(result)));
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
