// Warnings on stderr for options that have no effect on the run asked for:
// the other method's options, and auto's --validation when it scores folds.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/cli_support.hpp"

namespace lrfind {
namespace {

using testing::CliResult;
using testing::concat;
using testing::run_cli;
using testing::ScopedTempDir;
using testing::write_file;

TEST(CliWarnings, OptionsOfTheOtherMethodAreNamed) {
  const CliResult r = run_cli({"data/iris.csv", "--model", "svm", "--steps", "20", "--rates", "0.1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("lr-find: warning: --rates has no effect with --method auto"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("--steps has no effect"), std::string::npos) << r.err;
}

// auto holds out --validation of the rows only above 20,000 rows without
// --folds; on fewer rows, or with --folds, it scores folds and says so.
TEST(CliWarnings, ValidationHasNoEffectOnAFoldSearch) {
  const std::vector<std::string> base{"data/iris.csv", "--model", "logistic", "--epochs", "1", "--repeats", "1",
                                      "--validation", "0.3", "-o", "/dev/null"};
  const CliResult r = run_cli(base);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("--validation has no effect: auto scores rates by 5-fold cross-validation on 150 rows"),
            std::string::npos)
      << r.err;
  const CliResult folds = run_cli(concat(base, {"--folds", "3"}));
  EXPECT_NE(folds.err.find("--validation has no effect: auto scores rates by 3-fold cross-validation (--folds)"),
            std::string::npos)
      << folds.err;
  ScopedTempDir dir;  // a hold-out: --validation is what it holds out
  std::string text = "x,y\n";
  for (int i = 0; i < 20001; ++i) text += fmt::format("{},{}\n", i % 13, i % 2);
  write_file(dir.path("large.csv"), text);
  const CliResult large = run_cli({dir.path("large.csv"), "--model", "logistic", "--epochs", "1", "--validation",
                                   "0.3", "-o", "/dev/null"});
  ASSERT_EQ(large.exit_code, 0) << large.err;
  EXPECT_EQ(large.err.find("--validation has no effect"), std::string::npos) << large.err;
}

TEST(CliWarnings, CheckAfterARangeTestUsesTheBudgetOptions) {
  // check's own trainings after a range test take --epochs, --schedule, --folds and --validation.
  const std::vector<std::string> args{"check", "data/iris.csv", "--model", "logistic", "--method", "range",
                                      "--steps", "30", "--lr", "0.5", "--epochs", "1", "--schedule", "cosine",
                                      "--folds", "2", "--validation", "0.3", "--rates", "0.1"};
  const CliResult r = run_cli(args);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  for (const char* used : {"--epochs", "--schedule", "--folds", "--validation"})
    EXPECT_EQ(r.err.find(fmt::format("{} has no effect", used)), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--rates has no effect with --method range"), std::string::npos) << r.err;
  // Without check, a range test does not use them.
  const CliResult range = run_cli({"data/iris.csv", "--model", "logistic", "--method", "range", "--steps", "30",
                                   "--epochs", "1", "-o", "/dev/null"});
  EXPECT_NE(range.err.find("--epochs has no effect with --method range"), std::string::npos) << range.err;
}

}  // namespace
}  // namespace lrfind
