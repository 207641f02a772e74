// End to end, the progress bar as a user sees it (README "Progress and
// --quiet"): lr-find runs with its standard error on a pseudo-terminal opened
// here, on a data set made big enough for a run of a few seconds, and what it
// draws there is read back. The bar must move through every stage in small
// steps, never back, and be erased before the summary line.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/cli_support.hpp"

namespace lrfind {
namespace {

// A linear target of `features` standard normal features, with noise.
std::string regression_csv(int rows, int features, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::string text;
  for (int j = 0; j < features; ++j) text += fmt::format("x{},", j);
  text += "y\n";
  for (int i = 0; i < rows; ++i) {
    double y = 0.5 * normal(gen);
    for (int j = 0; j < features; ++j) {
      const double x = normal(gen);
      y += 0.3 * (j + 1) * x;
      text += fmt::format("{:.4f},", x);
    }
    text += fmt::format("{:.4f}\n", y);
  }
  return text;
}

struct TerminalRun {
  int exit_code = -1;
  std::string err;  // all that was written to the terminal
};

// Runs lr-find with `args`, standard output to /dev/null and standard error
// on the slave side of a new pseudo-terminal, which it takes as its
// controlling terminal; collects what it writes there until it ends.
TerminalRun run_on_terminal(const std::vector<std::string>& args) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) throw std::runtime_error("no pseudo-terminal");
  const std::string slave_name = ::ptsname(master);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::setsid();
    const int slave = ::open(slave_name.c_str(), O_RDWR);
    const int null = ::open("/dev/null", O_RDWR);
    if (slave < 0 || null < 0 || ::chdir(LRFIND_SOURCE_DIR) != 0) ::_exit(127);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(slave, 2);
    ::close(master);
    ::setenv("LR_FIND_PROGRESS_AFTER", "0", 1);  // from the start: reading too
    ::unsetenv("LR_FIND_TEST_INTERRUPT_AFTER_STEPS");
    ::unsetenv("LR_FIND_TEST_ANNOUNCE_TRAINING");
    std::vector<std::string> copies{LRFIND_BINARY};
    copies.insert(copies.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : copies) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(copies.front().c_str(), argv.data());
    ::_exit(127);
  }
  TerminalRun run;
  // Until the last writer closes the terminal (read fails with EIO). A guard
  // against a hang, not a timing assertion: give up after ten minutes.
  for (;;) {
    pollfd p{master, POLLIN, 0};
    if (::poll(&p, 1, 600'000) <= 0) break;
    char buffer[4096];
    const ssize_t n = ::read(master, buffer, sizeof buffer);
    if (n <= 0) break;
    run.err.append(buffer, static_cast<std::size_t>(n));
  }
  ::kill(pid, SIGKILL);  // nothing if it ended
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(master);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

struct Drawing {
  int percent;
  std::string stage;
};

// Every drawing of the bar: "\r[####....]  42%  stage  ETA 3s\033[K".
std::vector<Drawing> drawings(const std::string& terminal) {
  std::vector<Drawing> out;
  const std::regex bar(R"(\r\[[#.]+\] +(\d+)%  (.*?)(?:  ETA \S+)?\x1b\[K)");
  for (auto it = std::sregex_iterator(terminal.begin(), terminal.end(), bar); it != std::sregex_iterator(); ++it)
    out.push_back({std::stoi((*it)[1]), (*it)[2]});
  return out;
}

TEST(CliProgress, ABarOnATerminalMovesThroughEveryStageInSmallSteps) {
  // 60,000 rows (a hold-out search, three repeats side by side: --repeats 3,
  // as one is the default on so many rows) for 30
  // epochs, its range too low so that it is widened (range tests stopped at
  // once by a stop factor near 1; a --max-lr given is never searched past):
  // a few seconds, on two threads whatever the machine.
  const std::string dir = testing::make_temp_dir();
  const std::string data = dir + "/regression.csv";
  testing::write_file(data, regression_csv(60000, 8, 1));
  const TerminalRun run =
      run_on_terminal({data, "--model", "linear", "--epochs", "30", "--stop-factor", "1.05", "--threads", "2",
                       "--repeats", "3"});
  testing::remove_tree(dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;

  const std::vector<Drawing> drawn = drawings(run.err);
  ASSERT_FALSE(drawn.empty()) << run.err;
  std::set<int> distinct;
  std::set<std::string> stages;
  int previous = 0;
  for (const Drawing& d : drawn) {
    EXPECT_GE(d.percent, previous) << d.stage;
    EXPECT_LE(d.percent - previous, 15) << "a jump from " << previous << "% to " << d.percent << "% (" << d.stage << ")";
    previous = d.percent;
    distinct.insert(d.percent);
    stages.insert(d.stage);
  }
  EXPECT_GE(distinct.size(), 10u) << run.err;
  EXPECT_GE(previous, 85) << "the bar ended at " << previous << "%";
  for (const char* stage : {"reading", "auto: scoring candidate rates", "auto: widening the range", "auto: refining"})
    EXPECT_TRUE(stages.count(stage)) << stage << " never drawn: " << run.err;
  // Erased before the summary, which has its line to itself.
  const std::size_t summary = run.err.find("lr-find: recommended lr ");
  ASSERT_NE(summary, std::string::npos) << run.err;
  EXPECT_EQ(run.err.rfind("\r\x1b[K", summary), summary - 4);
  EXPECT_EQ(run.err.find('\x1b', summary), std::string::npos);
}

}  // namespace
}  // namespace lrfind
