// End-to-end tests of training on sparse (svmlight) input (README "Sparse
// input"): the same numbers as CSV and as svmlight give the same report with
// the same --scaling; sparse input's scaling default and refusals; the note
// about steps that update every weight.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/cli_support.hpp"

namespace lrfind {
namespace {

using Json = nlohmann::json;
using testing::CliResult;
using testing::run_cli;
using testing::ScopedTempDir;
using testing::write_file;

using testing::concat;

// Every number of `a` within 1e-9 relative of `b`'s; other values equal.
bool near(const Json& a, const Json& b, std::string& where) {
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>(), y = b.get<double>();
    return std::abs(x - y) <= 1e-9 * std::max({std::abs(x), std::abs(y), 1e-9});
  }
  if (a.type() != b.type() || a.size() != b.size()) return false;
  if (a.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key()) || !near(it.value(), b[it.key()], where)) {
        where = it.key() + "." + where;
        return false;
      }
    }
    return true;
  }
  if (a.is_array()) {
    for (std::size_t i = 0; i < a.size(); ++i)
      if (!near(a[i], b[i], where)) {
        where = fmt::format("[{}]{}", i, where);
        return false;
      }
    return true;
  }
  return a == b;
}

// The report without what names the input or its format.
Json comparable(Json report) {
  report["config"].erase("input");
  for (const char* key : {"path", "feature_names", "nonzeros", "target"}) report["dataset"].erase(key);
  report["config"].erase("target");
  report["config"].erase("delimiter");
  report["config"].erase("input_format");
  report["config"].erase("zero_based");
  report["config"].erase("features");
  report["dataset"].erase("format");
  return report;
}

TEST(CliSparse, IrisAsCsvAndAsSvmlightGiveTheSameReport) {
  for (const std::vector<std::string> method :
       {std::vector<std::string>{"--method", "range", "--steps", "60"},
        std::vector<std::string>{"--method", "grid", "--grid-points", "6", "--epochs", "3"},
        std::vector<std::string>{"--repeats", "1", "--epochs", "2"},
        std::vector<std::string>{"check", "--lr", "0.3", "--repeats", "1", "--epochs", "2"}}) {
    for (const std::string optimizer : {"sgd", "adam"}) {
      SCOPED_TRACE(fmt::format("{} {}", method[0], optimizer));
      const bool check = method[0] == "check";
      const std::vector<std::string> rest =
          concat({"--model", "logistic", "--scaling", "scale", "--optimizer", optimizer},
                 check ? std::vector<std::string>(method.begin() + 1, method.end()) : method);
      const CliResult csv = run_cli(concat(check ? std::vector<std::string>{"check", "data/iris.csv"}
                                                 : std::vector<std::string>{"data/iris.csv"},
                                           rest));
      const CliResult svm = run_cli(concat(check ? std::vector<std::string>{"check", "tests/fixtures/iris.svm"}
                                                 : std::vector<std::string>{"tests/fixtures/iris.svm"},
                                           rest));
      ASSERT_EQ(csv.exit_code, check ? csv.exit_code : 0) << csv.err;
      ASSERT_EQ(svm.exit_code, csv.exit_code) << svm.err;
      const Json a = Json::parse(csv.out), b = Json::parse(svm.out);
      EXPECT_EQ(b["dataset"]["nonzeros"], 600);
      EXPECT_EQ(b["dataset"]["features"], 4);
      std::string where;
      EXPECT_TRUE(near(comparable(a), comparable(b), where)) << where;
    }
  }
}

TEST(CliSparse, SparseInputScalesWithoutCentringAndRefusesZscore) {
  const CliResult run = run_cli({"tests/fixtures/iris.svm", "--model", "logistic", "--method", "range", "--steps", "20"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Json::parse(run.out)["dataset"]["scaling"], "scale");
  const CliResult zscore = run_cli({"tests/fixtures/iris.svm", "--model", "logistic", "--scaling", "zscore"});
  EXPECT_EQ(zscore.exit_code, 64);
  EXPECT_NE(zscore.err.find("--scaling scale"), std::string::npos) << zscore.err;
  const CliResult both = run_cli({"data/iris.csv", "--model", "logistic", "--scaling", "scale", "--no-standardize"});
  EXPECT_EQ(both.exit_code, 64);
}

TEST(CliSparse, SparseAdamTakesNoL2) {
  const CliResult svm = run_cli({"tests/fixtures/iris.svm", "--model", "svm", "--optimizer", "sparse_adam"});
  EXPECT_EQ(svm.exit_code, 64);
  EXPECT_NE(svm.err.find("give --l2 0"), std::string::npos) << svm.err;
  const CliResult ok = run_cli({"tests/fixtures/iris.svm", "--model", "svm", "--optimizer", "sparse_adam", "--l2", "0",
                                "--method", "range", "--steps", "30"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST(CliSparse, WideDataNotesStepsThatUpdateEveryWeight) {
  ScopedTempDir dir;
  const std::string path = dir.path("wide.svm");
  std::string text;  // 40 rows of 300 non-zeros each: 12,000 columns in use
  for (int r = 0; r < 40; ++r) {
    text += fmt::format("{}", r % 2);
    for (int k = 0; k < 300; ++k) text += fmt::format(" {}:{}", 1 + 300 * r + k, 1 + k % 3);
    text += "\n";
  }
  write_file(path, text);
  const std::vector<std::string> base = {path, "--model", "logistic", "--method", "range", "--steps", "10"};
  const CliResult adam = run_cli(concat(base, {"--optimizer", "adam"}));
  ASSERT_EQ(adam.exit_code, 0) << adam.err;
  EXPECT_NE(adam.err.find("each step updates all 12000 features for every rate (adam moves weights the batch does "
                          "not touch)"),
            std::string::npos)
      << adam.err;
  // Columns no row uses are not trained: 12,000 in use of 20,000 declared.
  const CliResult declared = run_cli(concat(base, {"--optimizer", "adam", "--features", "20000"}));
  EXPECT_NE(declared.err.find("each step updates all 12000 features in use (of 20000) for every rate"),
            std::string::npos)
      << declared.err;
  // A few columns of a wide space: the steps are cheap, no note.
  write_file(dir.path("few.svm"), "0 1:1 20000:2\n1 2:1 19999:1\n0 3:1\n1 4:2\n");
  const CliResult few = run_cli({dir.path("few.svm"), "--model", "logistic", "--method", "range", "--steps", "10",
                                 "--optimizer", "adam"});
  ASSERT_EQ(few.exit_code, 0) << few.err;
  EXPECT_EQ(few.err.find("each step updates"), std::string::npos) << few.err;
  const CliResult sgd = run_cli(base);
  ASSERT_EQ(sgd.exit_code, 0) << sgd.err;
  EXPECT_EQ(sgd.err.find("each step updates"), std::string::npos) << sgd.err;
  // sgd with L2 steps lazily (Bottou's factor); adagrad with L2 cannot.
  const CliResult sgd_l2 = run_cli(concat(base, {"--l2", "0.01"}));
  ASSERT_EQ(sgd_l2.exit_code, 0) << sgd_l2.err;
  EXPECT_EQ(sgd_l2.err.find("each step updates"), std::string::npos) << sgd_l2.err;
  const CliResult adagrad_l2 = run_cli(concat(base, {"--optimizer", "adagrad", "--l2", "0.01"}));
  EXPECT_NE(adagrad_l2.err.find("(adagrad with --l2 0.01 moves every weight)"), std::string::npos) << adagrad_l2.err;
  // momentum steps lazily at a constant rate (a grid), not in a range test.
  const CliResult momentum_range = run_cli(concat(base, {"--optimizer", "momentum"}));
  EXPECT_NE(momentum_range.err.find("(momentum moves weights the batch does not touch when the rate changes)"),
            std::string::npos)
      << momentum_range.err;
  const CliResult momentum_grid = run_cli({path, "--model", "logistic", "--method", "grid", "--grid-points", "3",
                                           "--epochs", "1", "--optimizer", "momentum"});
  EXPECT_NE(momentum_grid.err.find("grid of 3 rates"), std::string::npos) << momentum_grid.err;  // it ran
  EXPECT_EQ(momentum_grid.err.find("each step updates"), std::string::npos) << momentum_grid.err;
}

TEST(CliSparse, ConfigNamesTheFormatReadAndTheIndexSettings) {
  const std::vector<std::string> range = {"--model", "logistic", "--method", "range", "--steps", "10", "-q"};
  const CliResult csv = run_cli(concat({"data/iris.csv"}, range));
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const Json csv_config = Json::parse(csv.out)["config"];
  EXPECT_EQ(csv_config["input_format"], "csv");
  EXPECT_FALSE(csv_config.contains("zero_based"));
  EXPECT_FALSE(csv_config.contains("features"));
  const CliResult svm = run_cli(concat({"tests/fixtures/iris.svm"}, range));
  ASSERT_EQ(svm.exit_code, 0) << svm.err;
  const Json svm_config = Json::parse(svm.out)["config"];
  EXPECT_EQ(svm_config["input_format"], "svmlight");
  EXPECT_EQ(svm_config["zero_based"], false);
  EXPECT_TRUE(svm_config["features"].is_null());
  const CliResult asked = run_cli(concat({"tests/fixtures/iris.svm", "--zero-based", "--features", "10"}, range));
  ASSERT_EQ(asked.exit_code, 0) << asked.err;
  const Json asked_config = Json::parse(asked.out)["config"];
  EXPECT_EQ(asked_config["zero_based"], true);
  EXPECT_EQ(asked_config["features"], 10);
}

TEST(CliSparse, LibsvmIsAnotherNameForSvmlight) {
  const CliResult libsvm = run_cli({"tests/fixtures/iris.svm", "--model", "logistic", "--method", "range", "--steps",
                                    "20", "--input-format", "libsvm", "-q"});
  ASSERT_EQ(libsvm.exit_code, 0) << libsvm.err;
  EXPECT_EQ(Json::parse(libsvm.out)["dataset"]["nonzeros"], 600);
  const CliResult typo = run_cli({"tests/fixtures/iris.svm", "--model", "logistic", "--input-format", "libsvn"});
  EXPECT_EQ(typo.exit_code, 64);
  EXPECT_NE(typo.err.find("must be csv or svmlight (also spelt libsvm), not 'libsvn'"), std::string::npos)
      << typo.err;
}

TEST(CliSparse, HelpSaysFeaturesZeroMeansTheLargestIndex) {
  const CliResult help = run_cli({"--help"});
  ASSERT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("0 means the largest index"), std::string::npos) << help.out;
}

// svmlight input has no --encoding: its warning about text that is not UTF-8
// does not suggest it.
TEST(CliSparse, NotUtf8SvmlightWarnsWithoutSuggestingEncoding) {
  ScopedTempDir dir;
  const std::string path = dir.path("labels.svm");
  std::string text;
  for (int r = 0; r < 20; ++r) text += fmt::format("{} 1:{} 2:1\n", r % 2 ? "caf\xE9" : "tea", r);
  write_file(path, text);
  const CliResult r = run_cli({path, "--model", "logistic", "--method", "range", "--steps", "10"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(path + ": not UTF-8 text (line 2): read as cp1252 (svmlight input has no --encoding: save the "
                              "file as UTF-8 if that is wrong)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("--encoding sets"), std::string::npos) << r.err;
}

TEST(CliSparse, MixedEncodingsInSvmlightSayToSaveAsUtf8) {
  ScopedTempDir dir;
  const std::string path = dir.path("mixed.svm");
  write_file(path, "1 1:0.5 2:1 # caf\xC3\xA9\n0 1:1 2:0.5 # caf\xE9\n1 1:0.2\n");
  const CliResult r = run_cli({path, "--model", "logistic", "--method", "range", "--steps", "10"});
  EXPECT_EQ(r.exit_code, 65) << r.err;
  EXPECT_NE(r.err.find(path + ":2:18: not UTF-8 text: byte 0xE9, though line 1 is UTF-8 (mixed encodings?); save the "
                              "file as UTF-8 throughout (svmlight input has no --encoding)"),
            std::string::npos)
      << r.err;
}

// One stray index (2^31 - 1) makes two billion features, of which three are
// in use: only those are trained (Features::drop_empty_columns), so the run
// takes the memory of three (it needed 64 GiB of per-feature state, and was
// refused, before 1.5.0); the report counts two billion.
TEST(CliSparse, AStrayHugeIndexCostsOnlyTheColumnsInUse) {
  ScopedTempDir dir;
  const std::string path = dir.path("stray.svm");
  write_file(path, "1 1:0.5 3:1\n-1 2147483647:1\n1 1:1\n0 3:2\n");
  const CliResult r = run_cli({path, "--model", "logistic", "--method", "range", "--steps", "20"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["dataset"]["features"], 2147483647);
  const CliResult given = run_cli({path, "--model", "logistic", "--method", "range", "--steps", "20", "--features",
                                   "2147483648", "--zero-based"});
  ASSERT_EQ(given.exit_code, 0) << given.err;
  EXPECT_EQ(nlohmann::json::parse(given.out)["dataset"]["features"], 2147483648LL);
}

}  // namespace
}  // namespace lrfind
