// End-to-end tests of stopping a run (README "Stopping a run"): the library's
// test hook LR_FIND_TEST_INTERRUPT_AFTER_STEPS stops each method after an exact
// number of training steps, as SIGINT would; real SIGINT and SIGTERM are sent
// to a run that cannot finish on its own once it reports (through
// LR_FIND_TEST_ANNOUNCE_TRAINING) that training is under way.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_support.hpp"

namespace lrfind {
namespace {

using Json = nlohmann::json;
using testing::CliResult;
using testing::read_file;
using testing::run_cli_command;
using testing::write_file;

using testing::ScopedTempDir;

// lr-find with the test hook set to stop after `steps` training steps.
CliResult run_stopped_after(long steps, const std::vector<std::string>& args) {
  std::vector<std::string> command{"env", fmt::format("LR_FIND_TEST_INTERRUPT_AFTER_STEPS={}", steps), LRFIND_BINARY};
  command.insert(command.end(), args.begin(), args.end());
  return run_cli_command(command);
}

const std::string kCancer = "data/breast_cancer.csv";
const std::string kIris = "data/iris.csv";

TEST(CliInterrupt, RangeKeepsThePointsSoFarAndRecommendsNothing) {
  ScopedTempDir dir;
  const std::string out = dir.path("sweep.json");
  const CliResult r =
      run_stopped_after(25, {kCancer, "--model", "logistic", "--method", "range", "--repeats", "1", "-o", out});
  EXPECT_EQ(r.exit_code, 130);
  EXPECT_EQ(r.err, fmt::format("lr-find: interrupted by SIGINT; wrote the curves finished so far to {}\n", out));
  const Json j = Json::parse(read_file(out));
  EXPECT_EQ(j["interrupted"], true);
  EXPECT_EQ(j["range_test"]["stop_reason"], "interrupted");
  EXPECT_EQ(j["range_test"]["steps_run"], 25);
  EXPECT_EQ(j["range_test"]["points"].size(), 25u);
  EXPECT_TRUE(j["recommended_lr"].is_null());
  EXPECT_EQ(j["recommendation"]["reason"], "interrupted before the range test finished (25 of 100 steps)");
}

TEST(CliInterrupt, RangeRecommendsFromTheRepeatsThatFinished) {
  const std::vector<std::string> args = {kIris, "--model", "logistic", "--method", "range", "-q"};
  const CliResult whole = run_cli_command([&] {
    std::vector<std::string> c{LRFIND_BINARY};
    c.insert(c.end(), args.begin(), args.end());
    c.push_back("--repeats");
    c.push_back("1");
    return c;
  }());
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  const Json first = Json::parse(whole.out);
  const long first_steps = first["range_test"]["steps_run"];
  const CliResult r = run_stopped_after(first_steps + 10, args);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  const Json j = Json::parse(r.out);
  EXPECT_EQ(j["interrupted"], true);
  ASSERT_EQ(j["range_test"]["repeats"].size(), 2u);
  EXPECT_EQ(j["range_test"]["repeats"][0]["stop_reason"], first["range_test"]["stop_reason"]);
  EXPECT_EQ(j["range_test"]["repeats"][1]["stop_reason"], "interrupted");
  EXPECT_EQ(j["range_test"]["repeats"][1]["steps_run"], 10);
  // The finished repeat alone gives the rate, as a one-repeat run does.
  EXPECT_EQ(j["recommended_lr"], first["recommended_lr"]);
  EXPECT_EQ(j["recommendation"]["confidence"], "low");
  EXPECT_EQ(j["recommendation"]["confidence_reason"], "interrupted: 1 of 3 repeats finished");
}

TEST(CliInterrupt, GridKeepsWholeEpochsAndWritesEveryRequestedOutput) {
  ScopedTempDir dir;
  const std::string csv = dir.path("grid.csv"), svg = dir.path("grid.svg");
  // 569 rows, 114 held out: 455 training rows, 15 batches of 32 per epoch.
  // Stopped 4 batches into the fourth epoch.
  const std::vector<std::string> args = {kCancer, "--model", "logistic", "--method", "grid", "--grid-points", "4",
                                         "--epochs", "10"};
  std::vector<std::string> with_files = args;
  for (const std::string& a : {std::string("--format"), std::string("csv"), std::string("-o"), csv,
                               std::string("--plot"), svg})
    with_files.push_back(a);
  const CliResult files = run_stopped_after(3 * 15 + 4, with_files);
  EXPECT_EQ(files.exit_code, 130);
  EXPECT_EQ(files.err, fmt::format("lr-find: interrupted by SIGINT; wrote the curves finished so far to {} and {}\n",
                                   csv, svg));
  EXPECT_NE(read_file(csv).find("grid,"), std::string::npos);
  EXPECT_NE(read_file(svg).find("<svg"), std::string::npos);

  const CliResult r = run_stopped_after(3 * 15 + 4, args);
  EXPECT_EQ(r.exit_code, 130);
  const Json j = Json::parse(r.out);
  EXPECT_EQ(j["interrupted"], true);
  ASSERT_EQ(j["grid"].size(), 4u);
  for (const Json& rate : j["grid"]) {
    if (rate["diverged"] == true) continue;
    EXPECT_EQ(rate["train_loss"].size(), 3u);
    EXPECT_EQ(rate["val_loss"].size(), 3u);
  }
  EXPECT_TRUE(j["recommended_lr"].is_null());
  EXPECT_EQ(j["recommendation"]["reason"],
            "interrupted before the grid finished (3 of 10 epochs trained); rerun with fewer --epochs or rates");
}

TEST(CliInterrupt, AutoDuringTheRangeTestsHasTheirCurvesAndNoRate) {
  const CliResult r = run_stopped_after(40, {kIris, "--model", "logistic", "--format", "json"});
  EXPECT_EQ(r.exit_code, 130);
  const Json j = Json::parse(r.out);
  EXPECT_EQ(j["interrupted"], true);
  EXPECT_EQ(j["range_test"]["stop_reason"], "interrupted");
  EXPECT_EQ(j["range_test"]["steps_run"], 40);
  EXPECT_TRUE(j["auto"]["candidates"].empty());
  EXPECT_TRUE(j["auto"]["bracket"]["high"].is_null());
  EXPECT_TRUE(j["recommended_lr"].is_null());
  EXPECT_EQ(j["recommendation"]["reason"], "interrupted during the range tests, before any candidate rate was scored");
}

TEST(CliInterrupt, CheckExitsWithTheSignalStatusNotItsVerdict) {
  const CliResult r = run_stopped_after(40, {"check", kIris, "--model", "logistic", "--lr", "0.1"});
  EXPECT_EQ(r.exit_code, 130);
  EXPECT_EQ(Json::parse(r.out)["interrupted"], true);
  EXPECT_EQ(r.err, "lr-find: interrupted by SIGINT; wrote the curves finished so far to standard output\n");
}

TEST(CliInterrupt, NotInterruptedRunsSayFalse) {
  const CliResult r = run_cli_command({LRFIND_BINARY, kIris, "--model", "logistic", "--method", "range", "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out)["interrupted"], false);
}

TEST(CliInterrupt, BeforeAnyResultNothingIsCreatedOrTouched) {
  ScopedTempDir dir;
  const std::string existing = dir.path("existing.json"), fresh = dir.path("fresh.json");
  const std::string fresh_plot = dir.path("fresh.svg");
  write_file(existing, "previous contents\n");
  const CliResult before_step =
      run_stopped_after(0, {kIris, "--model", "logistic", "--method", "range", "-o", existing, "--plot", fresh_plot});
  EXPECT_EQ(before_step.exit_code, 130);
  EXPECT_EQ(before_step.out, "");
  EXPECT_EQ(before_step.err, "lr-find: interrupted by SIGINT before the first training step; wrote nothing\n");
  EXPECT_EQ(read_file(existing), "previous contents\n");
  EXPECT_FALSE(std::filesystem::exists(fresh_plot));

  // Grid: nothing before the first whole epoch (4 batches of iris' 120 training rows).
  const CliResult before_epoch =
      run_stopped_after(3, {kIris, "--model", "logistic", "--method", "grid", "-o", fresh});
  EXPECT_EQ(before_epoch.exit_code, 130);
  EXPECT_EQ(before_epoch.err, "lr-find: interrupted by SIGINT before the first epoch ended; wrote nothing\n");
  EXPECT_FALSE(std::filesystem::exists(fresh));
  // No temporary file left behind either.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.root())) ++files;
  EXPECT_EQ(files, 1u);
}

// --- real signals ------------------------------------------------------------

struct SignalledRun {
  bool exited = false;  // exited (rather than being killed by a signal)
  int status = -1;      // its exit status, or the signal that killed it
  std::string err;
};

// Starts lr-find with `args` (standard output to `out_path`, or to a pipe that
// is read only after it ends when `out_path` is empty), waits for its line
// saying that training is under way, sends it `signals` one after the other,
// and waits for it to end.
SignalledRun signal_run(const std::vector<std::string>& args, const std::vector<int>& signals,
                        const std::string& out_path) {
  int err_pipe[2], out_pipe[2];
  if (::pipe(err_pipe) != 0 || ::pipe(out_pipe) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int out = out_path.empty() ? out_pipe[1] : ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err_pipe[1], 2);
    ::close(err_pipe[0]);
    ::close(out_pipe[0]);
    if (::chdir(LRFIND_SOURCE_DIR) != 0) ::_exit(127);
    ::setenv("LR_FIND_TEST_ANNOUNCE_TRAINING", "0.00003", 1);  // past three whole epochs of 100,000
    ::unsetenv("LR_FIND_TEST_INTERRUPT_AFTER_STEPS");
    std::vector<std::string> copies{LRFIND_BINARY};
    copies.insert(copies.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : copies) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(copies.front().c_str(), argv.data());
    ::_exit(127);
  }
  ::close(err_pipe[1]);
  ::close(out_pipe[1]);
  SignalledRun run;
  const auto read_some = [&](int fd, std::string& into) {
    char buffer[4096];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) into.append(buffer, static_cast<std::size_t>(n));
    return n > 0;
  };
  // A guard against a hang if the line never comes (a failure, not a timing
  // assertion): give up after ten minutes.
  bool announced = false;
  for (;;) {
    pollfd p{err_pipe[0], POLLIN, 0};
    if (::poll(&p, 1, 600'000) <= 0) break;
    if (!read_some(err_pipe[0], run.err)) break;
    if (run.err.find("training under way") != std::string::npos) {
      announced = true;
      break;
    }
  }
  if (announced)
    for (const int s : signals) ::kill(pid, s);
  else
    ::kill(pid, SIGKILL);
  int status = 0;
  if (out_path.empty()) {
    ::waitpid(pid, &status, 0);  // the output stays unread in the pipe until the end
  } else {
    while (read_some(err_pipe[0], run.err)) {
    }
    ::waitpid(pid, &status, 0);
  }
  while (read_some(err_pipe[0], run.err)) {
  }
  ::close(err_pipe[0]);
  ::close(out_pipe[0]);
  EXPECT_TRUE(announced) << "lr-find never said training was under way: " << run.err;
  run.exited = WIFEXITED(status);
  run.status = run.exited ? WEXITSTATUS(status) : WTERMSIG(status);
  return run;
}

// Grid training that cannot end on its own: 100,000 epochs of 25 rates.
const std::vector<std::string> kEndlessGrid = {kCancer, "--model", "logistic", "--method", "grid", "--epochs", "100000"};

void expect_clean_stop(int signal, int status, const std::string& name) {
  ScopedTempDir dir;
  const std::string out = dir.path("out.json");
  const SignalledRun run = signal_run(kEndlessGrid, {signal}, out);
  ASSERT_TRUE(run.exited) << "killed by signal " << run.status << "; stderr: " << run.err;
  EXPECT_EQ(run.status, status) << run.err;
  EXPECT_NE(run.err.find(fmt::format("lr-find: interrupted by {}; wrote the curves finished so far to standard output\n",
                                     name)),
            std::string::npos)
      << run.err;
  const Json j = Json::parse(read_file(out));  // whole, valid JSON
  EXPECT_EQ(j["interrupted"], true);
  EXPECT_TRUE(j["recommended_lr"].is_null());
  ASSERT_EQ(j["grid"].size(), 25u);
  // The test line comes after the first whole epoch: at least one is kept, and
  // every rate still training has the same whole epochs.
  std::size_t epochs = 0;
  for (const Json& rate : j["grid"])
    if (rate["diverged"] == false) {
      if (epochs == 0) epochs = rate["train_loss"].size();
      EXPECT_EQ(rate["train_loss"].size(), epochs);
      EXPECT_EQ(rate["val_loss"].size(), epochs);
    }
  EXPECT_GE(epochs, 1u);
  EXPECT_LT(epochs, 100000u);
}

TEST(CliInterruptSignal, SigintStopsCleanlyWithStatus130) { expect_clean_stop(SIGINT, 130, "SIGINT"); }

TEST(CliInterruptSignal, SigtermStopsCleanlyWithStatus143) { expect_clean_stop(SIGTERM, 143, "SIGTERM"); }

TEST(CliInterruptSignal, SecondSignalEndsItAtOnce) {
  // 3,000 rates: the JSON (over 64 KiB) cannot all go into the unread pipe, so
  // after the first signal lr-find waits in its write until the second ends it.
  std::vector<std::string> args = kEndlessGrid;
  args.insert(args.end(), {"--grid-points", "3000"});
  const SignalledRun run = signal_run(args, {SIGTERM, SIGINT}, "");
  EXPECT_FALSE(run.exited) << "exited with " << run.status << "; stderr: " << run.err;
  EXPECT_TRUE(run.status == SIGINT || run.status == SIGTERM) << run.status;
}

}  // namespace
}  // namespace lrfind
