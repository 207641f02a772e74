// lr-find: the command-line front end. The only place that parses options,
// prints, catches errors and chooses the exit status.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fmt/format.h>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/config_file.hpp"
#include "cli/options.hpp"
#include "cli/typos.hpp"
#include "cli/progress_bar.hpp"
#include "io/output.hpp"
#include "lrfind/error.hpp"
#include "lrfind/run.hpp"
#include "lrfind/stop.hpp"
#include "report/formats.hpp"
#include "report/report.hpp"
#include "report/terminal.hpp"

namespace {

void print_error(std::string_view message) {
  // One line, whatever the message held.
  std::string line(message);
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  fmt::print(stderr, "lr-find: error: {}\n", line);
}

// The signals that stop a run cleanly, and whether lr-find handles each (one
// ignored at start-up, as under nohup, stays ignored).
constexpr int kStopSignals[] = {SIGINT, SIGTERM};
bool handled[std::size(kStopSignals)] = {};
struct sigaction default_action {};
// The run's stop token, for the handler (set before the handlers are installed).
const lrfind::StopToken* stop_token = nullptr;

// Asks the run to stop at the next batch, and puts the default action back so
// that a second signal ends the process at once. Only async-signal-safe calls.
// With several threads, two signals sent together can each reach a handler
// on its own thread before either has put the default back: the second to
// ask raises its signal again, now with the default action (delivered when
// the handler returns), so the second signal still ends the process.
extern "C" void on_stop_signal(int signal) {
  for (std::size_t i = 0; i < std::size(kStopSignals); ++i)
    if (handled[i]) ::sigaction(kStopSignals[i], &default_action, nullptr);
  if (!stop_token->request(signal)) ::raise(signal);
}

void install_stop_handlers() {
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  for (const int signal : kStopSignals) sigaddset(&action.sa_mask, signal);
  // Interrupted reads and writes restart; the loops poll the flag instead.
  action.sa_flags = SA_RESTART;
  for (std::size_t i = 0; i < std::size(kStopSignals); ++i) {
    struct sigaction previous {};
    if (::sigaction(kStopSignals[i], nullptr, &previous) != 0 || previous.sa_handler == SIG_IGN) continue;
    handled[i] = true;
    ::sigaction(kStopSignals[i], &action, nullptr);
  }
}

// "FILE", "FILE and PLOT": where the outputs went, for the interrupted message.
std::string output_names(const lrfind::cli::Options& options) {
  const std::string output = options.output.empty() || options.output == "-" ? "standard output" : options.output;
  if (options.plot.empty()) return output;
  return fmt::format("{} and {}", output, options.plot == "-" ? "the terminal plot" : options.plot);
}

// Before any work: no two outputs name one file (UsageError, exit 64: one would
// overwrite the other) and every output can be created (OutputError, exit 73),
// so that a run is not lost to an output path that cannot be written at its end.
void check_outputs(const lrfind::cli::Options& options) {
  if (lrfind::same_output_file(options.plot, options.output))
    throw lrfind::UsageError(fmt::format("--plot {} and -o {} name the same file: give them different paths",
                                         options.plot, options.output));
  lrfind::check_can_create(options.plot == "-" ? "" : options.plot, fmt::format("--plot {}", options.plot));
  lrfind::check_can_create(options.output, fmt::format("-o {}", options.output));
}

// Runs, writes the outputs and returns the exit status. `plot_format` draws
// the --plot file (none: no file).
int run(const CLI::App& app, const lrfind::cli::Options& options, const lrfind::RunConfig& config,
        const lrfind::PlotFormatEntry* plot_format) {
  lrfind::RunContext context;
  // The token outlives the run: a signal may still come while main returns.
  static const lrfind::StopToken token;
  context.stop = token;
  const char* delay = std::getenv("LR_FIND_PROGRESS_AFTER");
  lrfind::cli::ProgressBar bar(!options.quiet && ::isatty(STDERR_FILENO) == 1, delay ? std::atof(delay) : 0.5);
  bar.refresh_every(std::chrono::milliseconds(100));
  context.warn = [&](std::string_view message) {
    if (!options.quiet) bar.print_line(fmt::format("lr-find: warning: {}", message));
  };
  for (const std::string& name : lrfind::cli::ignored_options(app, options))
    context.warn(fmt::format("{} has no effect with --method {}", name, config.method));
  if (options.plot_scale_option->count() > 0 && plot_format == nullptr)
    context.warn(options.plot.empty() ? "--plot-scale has no effect without a --plot file"
                                      : "--plot-scale has no effect on the text plot of --plot -");
  // Test hook: LR_FIND_TEST_INTERRUPT_AFTER_STEPS=N stops the run after N
  // training steps, as SIGINT would (see lrfind::StopToken::stop_after_steps).
  if (const char* steps = std::getenv("LR_FIND_TEST_INTERRUPT_AFTER_STEPS"); steps && *steps) {
    char* end = nullptr;
    const long n = std::strtol(steps, &end, 10);
    if (*end == '\0' && n >= 0) context.stop.stop_after_steps(n);
  }
  // Test hook: with LR_FIND_TEST_ANNOUNCE_TRAINING=F, one line on stderr at
  // the first progress report past the fraction F of the run (F between 0
  // and 1; any other value: 0) after reading, so that a test can send a real
  // signal mid-run without a sleep (training reports within epochs: a test
  // that needs whole epochs done chooses F past them).
  const char* announce = std::getenv("LR_FIND_TEST_ANNOUNCE_TRAINING");
  bool announce_training = announce != nullptr;
  double announce_after = announce ? std::atof(announce) : 0.0;
  if (!(announce_after > 0.0 && announce_after < 1.0)) announce_after = 0.0;
  context.progress = [&](double fraction, std::string_view stage) {
    if (announce_training && fraction > announce_after && stage != "reading") {
      fmt::print(stderr, "lr-find: test: training under way ({})\n", stage);
      std::fflush(stderr);
      announce_training = false;
    }
    bar.update(fraction, stage);
  };
  stop_token = &token;
  install_stop_handlers();
  const lrfind::Run result = [&] {
    try {
      return lrfind::run(config, context);
    } catch (...) {
      bar.finish();  // the message goes on a line of its own
      throw;
    }
  }();
  bar.finish();
  const nlohmann::ordered_json& report = result.report;
  const std::string text = lrfind::builtin_formats().at(options.format).render(report);
  // The plot file and the output together: if either cannot be written,
  // neither is (an existing file is left as it was).
  std::vector<std::pair<std::string, std::string_view>> outputs;
  std::string plot;
  if (plot_format != nullptr) {
    plot = plot_format->render(report, lrfind::builtin_loss_scales().at(options.plot_scale).scale);
    outputs.emplace_back(options.plot, plot);
  }
  outputs.emplace_back(options.output, text);
  lrfind::write_outputs(outputs);
  if (options.plot == "-") fmt::print(stderr, "{}", lrfind::render_terminal_plot(report, 72, 14));
  if (const int signal = context.stop.signal(); signal != 0) {
    fmt::print(stderr, "lr-find: interrupted by {}; wrote {} to {}\n", lrfind::signal_name(signal),
               result.interrupted ? "the curves finished so far" : "the whole result", output_names(options));
    return 128 + signal;
  }
  if (result.check_passed) {
    const bool passed = *result.check_passed;
    if (!passed || !options.quiet)
      fmt::print(stderr, "lr-find: check {}: {}\n", passed ? "passed" : "failed", result.check_message);
    return passed ? lrfind::kExitOk : lrfind::kExitCheckFailed;
  }
  if (!options.quiet) fmt::print(stderr, "lr-find: {}\n", result.summary);
  return result.recommended_lr ? lrfind::kExitOk : lrfind::kExitNoUsableRate;
}

}  // namespace

// `lr-find help` and `lr-find help check` ask for the help, as git's and
// cargo's do: they become `lr-find --help` and `lr-find check --help`,
// unless a file is named help (then it is the data, as before).
std::vector<char*> help_command(int argc, char** argv) {
  std::vector<char*> words(argv, argv + argc);
  static char help_flag[] = "--help";
  static char check_word[] = "check";
  std::error_code error;
  if (argc < 2 || std::string_view(argv[1]) != "help" || std::filesystem::exists("help", error)) return words;
  const bool check = argc > 2 && std::string_view(argv[2]) == "check";
  words = {argv[0]};
  if (check) words.push_back(check_word);
  words.push_back(help_flag);
  return words;
}

int main(int argc, char** argv) {
  std::vector<char*> words = help_command(argc, argv);
  argc = static_cast<int>(words.size());
  argv = words.data();
  try {
    // `lr-find check FILE ...` is the main command with a rate to judge.
    lrfind::cli::Options options;
    options.check = argc > 1 && std::string_view(argv[1]) == "check";
    CLI::App app{"lr-find", options.check ? "lr-find check" : "lr-find"};
    lrfind::cli::declare(app, options);
    // A config file's unknown key is named with its file, line and the nearest option.
    app.config_formatter(std::make_shared<lrfind::cli::TomlOrJsonConfig>(&app));
    const std::vector<std::string> args(argv + (options.check ? 2 : 1), argv + argc);
    if (const std::optional<std::string> typo = lrfind::cli::find_typo(app, args, options.check)) {
      print_error(*typo);
      return lrfind::kExitUsage;
    }
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
      print_error(fmt::format("{} (see lr-find --help)", lrfind::cli::parse_error_message(app, e)));
      return lrfind::kExitUsage;
    }
    // The plot file's format, from its extension, before any work is done.
    const lrfind::Registry<lrfind::PlotFormatEntry> plot_formats = lrfind::builtin_plot_formats();
    const lrfind::PlotFormatEntry* plot_format =
        options.plot.empty() || options.plot == "-" ? nullptr : &lrfind::plot_format_of(plot_formats, options.plot);
    const lrfind::RunConfig config = lrfind::cli::to_config(options);
    check_outputs(options);
    return run(app, options, config, plot_format);
  } catch (const lrfind::Interrupted& e) {
    fmt::print(stderr, "lr-find: {}; wrote nothing\n", e.what());
    return e.exit_code();
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
