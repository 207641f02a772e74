#include "cli/run_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <utility>

#include "cli/config_file.hpp"
#include "cli/typos.hpp"
#include "io/output.hpp"
#include "lrfind/error.hpp"
#include "lrfind/stop.hpp"
#include "report/terminal.hpp"

namespace lrfind::cli {

namespace {

// The signals that stop a run cleanly, and whether lr-find handles each (one
// ignored at start-up, as under nohup, stays ignored).
constexpr int kStopSignals[] = {SIGINT, SIGTERM};
bool handled[std::size(kStopSignals)] = {};
struct sigaction default_action {};
// The run's stop token, for the handler (set before the handlers are installed).
const StopToken* stop_token = nullptr;

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
std::string output_names(const Options& options) {
  const std::string output = options.output.empty() || options.output == "-" ? "standard output" : options.output;
  if (options.plot.empty()) return output;
  return fmt::format("{} and {}", output, options.plot == "-" ? "the terminal plot" : options.plot);
}

double progress_delay() {
  const char* delay = std::getenv("LR_FIND_PROGRESS_AFTER");
  return delay ? std::atof(delay) : 0.5;
}

// The token outlives the run: a signal may still come while main returns.
const StopToken& the_stop_token() {
  static const StopToken token;
  return token;
}

}  // namespace

void print_error(std::string_view message) {
  // One line, whatever the message held.
  std::string line(message);
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  fmt::print(stderr, "lr-find: error: {}\n", line);
}

std::optional<int> parse_run_options(CLI::App& app, Options& options, const std::vector<std::string>& args,
                                     const std::function<void(CLI::App&)>& extra) {
  declare(app, options);
  if (extra) extra(app);
  // A config file's unknown key is named with its file, line and the nearest option.
  app.config_formatter(std::make_shared<TomlOrJsonConfig>(&app));
  if (const std::optional<std::string> typo = find_typo(app, args, options.check)) {
    print_error(*typo);
    return kExitUsage;
  }
  std::vector<std::string> words = args;
  std::reverse(words.begin(), words.end());  // CLI11 takes them last first
  try {
    app.parse(words);
  } catch (const CLI::FileError& e) {
    print_error(e.what());  // a --config file that cannot be read
    return kExitNoInput;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    print_error(fmt::format("{} (see lr-find --help)", parse_error_message(app, e)));
    return kExitUsage;
  }
  return std::nullopt;
}

CommandContext::CommandContext(const Options& options)
    : bar_(!options.quiet && ::isatty(STDERR_FILENO) == 1, progress_delay()) {
  bar_.refresh_every(std::chrono::milliseconds(100));
  context_.stop = the_stop_token();
  context_.warn = [this, quiet = options.quiet](std::string_view message) {
    if (!quiet) bar_.print_line(fmt::format("lr-find: warning: {}", message));
  };
  // Test hook: LR_FIND_TEST_INTERRUPT_AFTER_STEPS=N stops the run after N
  // training steps, as SIGINT would (see lrfind::StopToken::stop_after_steps).
  if (const char* steps = std::getenv("LR_FIND_TEST_INTERRUPT_AFTER_STEPS"); steps && *steps) {
    char* end = nullptr;
    const long n = std::strtol(steps, &end, 10);
    if (*end == '\0' && n >= 0) context_.stop.stop_after_steps(n);
  }
  // Test hook: with LR_FIND_TEST_ANNOUNCE_TRAINING=F, one line on stderr at
  // the first progress report past the fraction F of the run (F between 0
  // and 1; any other value: 0) after reading, so that a test can send a real
  // signal mid-run without a sleep (training reports within epochs: a test
  // that needs whole epochs done chooses F past them).
  const char* announce = std::getenv("LR_FIND_TEST_ANNOUNCE_TRAINING");
  announce_training_ = announce != nullptr;
  announce_after_ = announce ? std::atof(announce) : 0.0;
  if (!(announce_after_ > 0.0 && announce_after_ < 1.0)) announce_after_ = 0.0;
  context_.progress = [this](double fraction, std::string_view stage) {
    if (announce_training_ && fraction > announce_after_ && stage != "reading") {
      fmt::print(stderr, "lr-find: test: training under way ({})\n", stage);
      std::fflush(stderr);
      announce_training_ = false;
    }
    bar_.update(fraction, stage);
  };
  stop_token = &the_stop_token();
  install_stop_handlers();
}

void check_outputs(const Options& options) {
  if (same_output_file(options.plot, options.output))
    throw UsageError(fmt::format("--plot {} and -o {} name the same file: give them different paths", options.plot,
                                 options.output));
  check_can_create(options.plot == "-" ? "" : options.plot, fmt::format("--plot {}", options.plot));
  check_can_create(options.output, fmt::format("-o {}", options.output));
}

const PlotFormatEntry* plot_format_for(const Options& options) {
  static const Registry<PlotFormatEntry> formats = builtin_plot_formats();
  return options.plot.empty() || options.plot == "-" ? nullptr : &plot_format_of(formats, options.plot);
}

int write_run(const CLI::App& app, const Options& options, const RunConfig& config,
              const PlotFormatEntry* plot_format, CommandContext& command,
              const std::function<Run(const RunContext&)>& compute) {
  const RunContext& context = command.context();
  for (const std::string& name : ignored_options(app, options))
    context.warn(fmt::format("{} has no effect with --method {}", name, config.method));
  if (options.plot_scale_option->count() > 0 && plot_format == nullptr)
    context.warn(options.plot.empty() ? "--plot-scale has no effect without a --plot file"
                                      : "--plot-scale has no effect on the text plot of --plot -");
  const Run result = [&] {
    try {
      return compute(context);
    } catch (...) {
      command.finish();  // the message goes on a line of its own
      throw;
    }
  }();
  command.finish();
  const nlohmann::ordered_json& report = result.report;
  const std::string text = builtin_formats().at(options.format).render(report);
  // The plot file and the output together: if either cannot be written,
  // neither is (an existing file is left as it was).
  std::vector<std::pair<std::string, std::string_view>> outputs;
  std::string plot;
  if (plot_format != nullptr) {
    plot = plot_format->render(report, builtin_loss_scales().at(options.plot_scale).scale);
    outputs.emplace_back(options.plot, plot);
  }
  outputs.emplace_back(options.output, text);
  write_outputs(outputs);
  if (options.plot == "-") fmt::print(stderr, "{}", render_terminal_plot(report, 72, 14));
  if (const int signal = command.signal(); signal != 0) {
    fmt::print(stderr, "lr-find: interrupted by {}; wrote {} to {}\n", signal_name(signal),
               result.interrupted ? "the curves finished so far" : "the whole result", output_names(options));
    return 128 + signal;
  }
  if (result.check_passed) {
    const bool passed = *result.check_passed;
    if (!passed || !options.quiet)
      fmt::print(stderr, "lr-find: check {}: {}\n", passed ? "passed" : "failed", result.check_message);
    return passed ? kExitOk : kExitCheckFailed;
  }
  if (!options.quiet) fmt::print(stderr, "lr-find: {}\n", result.summary);
  return result.recommended_lr ? kExitOk : kExitNoUsableRate;
}

}  // namespace lrfind::cli
