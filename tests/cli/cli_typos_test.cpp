// End-to-end tests of what a new user trips over (issue 14, item 1): every
// typo is one line on stderr, exit 64, with the nearest option, value or
// command (by edit distance, as git and cargo suggest).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli/cli_support.hpp"

namespace lrfind {
namespace {

using testing::CliResult;
using testing::run_cli;

// A usage error: exit 64, nothing on stdout, and exactly this one line on stderr.
::testing::AssertionResult fails_with_line(const std::vector<std::string>& args, const std::string& message) {
  const CliResult r = run_cli(args);
  const std::string line = "lr-find: error: " + message + "\n";
  if (r.exit_code != 64) return ::testing::AssertionFailure() << "exit " << r.exit_code << "; stderr: " << r.err;
  if (!r.out.empty()) return ::testing::AssertionFailure() << "stdout is not empty: " << r.out;
  if (r.err != line) return ::testing::AssertionFailure() << "stderr is\n  " << r.err << "not\n  " << line;
  return ::testing::AssertionSuccess();
}

using testing::ScopedTempDir;

TEST(CliTypos, MisspeltOptionSuggestsTheNearestOption) {
  // CLI11 alone: "the following arguments were not expected: 10 --epoch".
  EXPECT_TRUE(fails_with_line({"data/iris.csv", "--model", "logistic", "--epoch", "10"},
                              "unknown option --epoch; did you mean --epochs?"));
  EXPECT_TRUE(fails_with_line({"data/iris.csv", "--model", "logistic", "--optimiser=adam"},
                              "unknown option --optimiser; did you mean --optimizer?"));
}

TEST(CliTypos, MisspeltPlotScaleAndEncodingSuggestTheNearestValue) {
  EXPECT_TRUE(fails_with_line({"data/iris.csv", "--model", "logistic", "--plot", "x.svg", "--plot-scale", "lin"},
                              "--plot-scale: must be auto, linear or log, not 'lin'; did you mean 'linear'? (see "
                              "lr-find --help)"));
  EXPECT_TRUE(fails_with_line({"data/iris.csv", "--model", "logistic", "--encoding", "latn1"},
                              "--encoding must be utf-8, latin1 or cp1252, not 'latn1'; did you mean 'latin1'?"));
  // Nothing near: the choices only.
  EXPECT_TRUE(fails_with_line({"data/iris.csv", "--model", "logistic", "--encoding", "ebcdic"},
                              "--encoding must be utf-8, latin1 or cp1252, not 'ebcdic'"));
}

TEST(CliTypos, MisspeltColumnSuggestsTheNearestColumnName) {
  const std::string columns = " (columns: sepallength, sepalwidth, petallength, petalwidth, class)";
  EXPECT_TRUE(fails_with_line({"data/iris.csv", "--model", "logistic", "--target", "clas"},
                              "--target: no column named 'clas' and no column number clas; did you mean 'class'?" +
                                  columns));
  EXPECT_TRUE(fails_with_line({"data/iris.csv", "--model", "logistic", "--drop", "sepal_lenght"},
                              "--drop: no column named 'sepal_lenght' and no column number sepal_lenght; did you "
                              "mean 'sepallength'?" + columns));
  EXPECT_TRUE(fails_with_line({"data/iris.csv", "--model", "logistic", "--target", "price"},
                              "--target: no column named 'price' and no column number price" + columns));
}

TEST(CliTypos, HelpAsACommandPrintsTheHelp) {
  // Before: "--model is required".
  const CliResult help = run_cli({"help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  EXPECT_EQ(help.out, run_cli({"--help"}).out);
  EXPECT_NE(help.out.find("Usage: lr-find"), std::string::npos) << help.out;
  const CliResult check = run_cli({"help", "check"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_EQ(check.out, run_cli({"check", "--help"}).out);
  EXPECT_NE(check.out.find("--lr-from"), std::string::npos) << check.out;
}

TEST(CliTypos, MisspeltRequiredOptionIsNamedNotReportedMissing) {
  // CLI11 alone: "--model is required".
  EXPECT_TRUE(fails_with_line({"data/iris.csv", "--modle", "logistic"}, "unknown option --modle; did you mean --model?"));
}

TEST(CliTypos, SingleDashLongOptionIsTakenForTheLongOne) {
  // CLI11 alone reads -m with the value "odel": "argument was not expected: logistic".
  EXPECT_TRUE(fails_with_line({"data/iris.csv", "-model", "logistic"}, "-model: did you mean --model?"));
  EXPECT_TRUE(fails_with_line({"data/iris.csv", "--model", "linear", "-epocs", "3"}, "-epocs: did you mean --epochs?"));
}

TEST(CliTypos, FirstArgumentNearCheckThatIsNoFileSuggestsTheCommand) {
  // CLI11 alone: "argument was not expected: data/diabetes.csv".
  EXPECT_TRUE(fails_with_line({"chek", "data/diabetes.csv", "--model", "linear", "--lr", "0.1"},
                              "no file or command 'chek'; did you mean `lr-find check`?"));
  EXPECT_TRUE(fails_with_line({"data/diabetes.csv", "--model", "linear", "--chek"},
                              "unknown option --chek; did you mean `lr-find check`?"));
}

TEST(CliTypos, CheckOptionWithoutCheckNamesTheCommandItBelongsTo) {
  EXPECT_TRUE(fails_with_line({"data/diabetes.csv", "--model", "linear", "--lr", "0.1"},
                              "--lr belongs to `lr-find check`: lr-find check data/diabetes.csv --model linear --lr 0.1"));
  EXPECT_TRUE(fails_with_line(
      {"data/diabetes.csv", "--model", "linear", "--lr-from", "my config.json", "--lr-key", "train.lr"},
      "--lr-from belongs to `lr-find check`: lr-find check data/diabetes.csv --model linear --lr-from 'my config.json' "
      "--lr-key train.lr"));
}

TEST(CliTypos, EveryValueFromAFixedSetSuggestsTheNearest) {
  const std::vector<std::string> base = {"data/iris.csv", "--model", "logistic"};
  const auto with = [&](const std::string& option, const std::string& value) {
    std::vector<std::string> args = base;
    args.insert(args.end(), {option, value});
    return args;
  };
  EXPECT_TRUE(fails_with_line({"data/iris.csv", "--model", "logistc"},
                              "unknown model 'logistc'; did you mean 'logistic'? (choose linear, logistic or svm)"));
  EXPECT_TRUE(fails_with_line(with("--optimizer", "adma"),
                              "unknown optimizer 'adma'; did you mean 'adam'? (choose sgd, momentum, nesterov, "
                              "adagrad, rmsprop, adam or sparse_adam)"));
  EXPECT_TRUE(fails_with_line(with("--method", "rnage"),
                              "unknown method 'rnage'; did you mean 'range'? (choose auto, range or grid)"));
  EXPECT_TRUE(fails_with_line(with("--schedule", "cosin"),
                              "unknown schedule 'cosin'; did you mean 'cosine'? (choose constant, step, exponential, "
                              "cosine, onecycle or invscaling)"));
  EXPECT_TRUE(fails_with_line(with("--sweep", "expo"), "unknown sweep 'expo'; did you mean 'exp'? (choose exp or linear)"));
  EXPECT_TRUE(fails_with_line(with("--format", "tabel"),
                              "unknown output format 'tabel'; did you mean 'table'? (choose json, csv or table)"));
}

TEST(CliTypos, UnknownJsonConfigKeyNamesTheFileAndTheNearestOption) {
  ScopedTempDir dir;
  const std::string config = dir.path("cfg.json");
  testing::write_file(config, R"({"model": "logistic", "optimzer": "adam"})");
  // CLI11 alone: "INI was not able to parse optimzer".
  EXPECT_TRUE(fails_with_line({"data/iris.csv", "--config", config},
                              config + ": unknown key 'optimzer'; did you mean 'optimizer'?"));
  testing::write_file(config, R"({"model": "linear", "lr": 0.1})");
  EXPECT_TRUE(fails_with_line({"data/diabetes.csv", "--config", config}, config + ": 'lr' belongs to `lr-find check`"));
}

TEST(CliTypos, UnknownTomlConfigKeyNamesTheFileTheLineAndTheNearestOption) {
  ScopedTempDir dir;
  const std::string config = dir.path("ci.toml");
  testing::write_file(config, "# CI settings\nmodel = \"logistic\"\noptimzer = \"adam\"\n");
  EXPECT_TRUE(fails_with_line({"data/iris.csv", "--config", config},
                              config + ":3: unknown option 'optimzer'; did you mean 'optimizer'?"));
}

TEST(CliTypos, ValidSpellingsAreNoTypos) {
  // Short options with their values attached or flags given together, =
  // values, lists of values and negative numbers are what CLI11 accepts.
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"data/iris.csv", "-mlogistic", "-q", "--method", "range", "--steps", "20"},
           {"data/iris.csv", "-qm", "logistic", "--method=range", "--steps=20"},
           {"data/iris.csv", "--model", "svm", "-q", "--method", "grid", "--epochs", "1", "--rates", "0.1", "0.2"},
           {"data/diabetes.csv", "--model", "linear", "-q", "--method", "range", "--steps", "20", "--", "--no-file"},
       }) {
    const CliResult r = run_cli(args);
    if (args.back() == "--no-file") {  // after "--" every word is positional, even an option's look-alike
      EXPECT_EQ(r.err.find("unknown option"), std::string::npos) << r.err;
      continue;
    }
    EXPECT_EQ(r.exit_code, 0) << args[1] << ": " << r.err;
  }
}

// A value that is not a number of the option's kind, and an option given
// twice, read as lr-find's other messages (CLI11's own: "could not convert:
// --epochs = abc", "--method: At Most 1 required but received 2").
TEST(CliTypos, BadNumbersAndRepeatedOptionsAreNamedPlainly) {
  const auto error = [](std::vector<std::string> args) {
    const CliResult r = run_cli(std::move(args));
    EXPECT_EQ(r.exit_code, 64) << r.err;
    return r.err;
  };
  EXPECT_EQ(error({"data/iris.csv", "--model", "logistic", "--epochs", "abc"}),
            "lr-find: error: --epochs: 'abc' is not a whole number (see lr-find --help)\n");
  EXPECT_EQ(error({"data/iris.csv", "--model", "logistic", "--threads", "-1"}),
            "lr-find: error: --threads: '-1' is not a whole number of 0 or more (see lr-find --help)\n");
  EXPECT_EQ(error({"data/iris.csv", "--model", "logistic", "--min-lr", "x"}),
            "lr-find: error: --min-lr: 'x' is not a number (see lr-find --help)\n");
  EXPECT_EQ(error({"data/iris.csv", "--model", "logistic", "--method", "grid", "--method", "range"}),
            "lr-find: error: --method is given 2 times: give it once (see lr-find --help)\n");
}

}  // namespace
}  // namespace lrfind
