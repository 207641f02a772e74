// End-to-end tests: run the built lr-find on the data sets in data/ and on
// small files written to a temporary folder, and check its JSON, its messages
// on stderr and its exit status.
#include <Eigen/Eigenvalues>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_support.hpp"

namespace lrfind {
namespace {

using Json = nlohmann::json;
using testing::CliResult;
using testing::read_file;
using testing::run_cli;
using testing::run_cli_command;
using testing::write_file;

using testing::concat;

using testing::ScopedTempDir;

// Quick settings for runs whose point is not the defaults.
const std::vector<std::string> kQuickRange = {"--method", "range", "--steps", "30"};
const std::vector<std::string> kQuickGrid = {"--method", "grid", "--grid-points", "4", "--epochs", "2"};

Json parse_json(const std::string& text) { return Json::parse(text); }  // throws on invalid JSON

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A run that succeeded: exit 0 and JSON on stdout.
Json run_ok(const std::vector<std::string>& args, const std::string& stdin_text = "") {
  const CliResult r = run_cli(args, stdin_text);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return parse_json(r.out);
}

// A failure must be exactly one line `lr-find: error: ...` on stderr, nothing on
// stdout, and the documented exit status.
::testing::AssertionResult fails_with(const CliResult& r, int exit_code, const std::string& fragment) {
  if (r.exit_code != exit_code)
    return ::testing::AssertionFailure() << "exit " << r.exit_code << ", expected " << exit_code
                                         << "; stderr: " << r.err;
  if (!r.out.empty()) return ::testing::AssertionFailure() << "stdout is not empty: " << r.out;
  if (r.err.rfind("lr-find: error: ", 0) != 0)
    return ::testing::AssertionFailure() << "stderr does not start with 'lr-find: error: ': " << r.err;
  if (count_lines(r.err) != 1 || r.err.back() != '\n')
    return ::testing::AssertionFailure() << "stderr is not exactly one line: " << r.err;
  if (r.err.find(fragment) == std::string::npos)
    return ::testing::AssertionFailure() << "stderr lacks '" << fragment << "': " << r.err;
  return ::testing::AssertionSuccess();
}

bool is_positive_number(const Json& j) {
  return j.is_number() && std::isfinite(j.get<double>()) && j.get<double>() > 0;
}

void expect_rel_near(double actual, double expected, double tolerance = 1e-12) {
  EXPECT_NEAR(actual, expected, tolerance * std::abs(expected)) << "expected " << expected;
}

// --- range test ---------------------------------------------------------------

TEST(CliRange, LogisticOnBreastCancerWritesVersionedReport) {
  const Json j = run_ok(concat({"data/breast_cancer.csv", "--model", "logistic", "-q"}, kQuickRange));
  EXPECT_EQ(j.at("schema_version"), 1);
  EXPECT_EQ(j.at("tool").at("name"), "lr-find");
  EXPECT_EQ(j.at("tool").at("version"), LRFIND_VERSION);
  EXPECT_EQ(j.at("method"), "range");
  ASSERT_TRUE(is_positive_number(j.at("recommended_lr")));
  EXPECT_EQ(j.at("recommended_lr"), j.at("recommendation").at("lr"));
  EXPECT_EQ(j.at("recommendation").at("rule"), "minimum_div_10");
  EXPECT_TRUE(j.at("recommendation").at("reason").is_null());
  const Json& suggestions = j.at("recommendation").at("suggestions");
  for (const char* rule : {"minimum_div_10", "steepest", "valley"})
    EXPECT_TRUE(is_positive_number(suggestions.at(rule))) << rule;
  EXPECT_EQ(suggestions.at("minimum_div_10"), j.at("recommended_lr"));

  const Json& dataset = j.at("dataset");
  EXPECT_EQ(dataset.at("path"), "data/breast_cancer.csv");
  EXPECT_EQ(dataset.at("rows"), 569);
  EXPECT_EQ(dataset.at("rows_dropped"), 0);
  EXPECT_EQ(dataset.at("features"), 30);
  EXPECT_EQ(dataset.at("target"), "benign");
  EXPECT_EQ(dataset.at("classes"), Json({"0", "1"}));

  EXPECT_EQ(j.at("model").at("kind"), "logistic");
  EXPECT_EQ(j.at("model").at("loss"), "BCEWithLogitsLoss");
  EXPECT_EQ(j.at("model").at("l2"), 0.0);
  EXPECT_EQ(j.at("model").at("outputs"), 1);
  EXPECT_EQ(j.at("optimizer").at("name"), "sgd");

  const Json& config = j.at("config");
  EXPECT_EQ(config.at("seed"), 0);
  EXPECT_EQ(config.at("l2"), 0.0);
  EXPECT_EQ(config.at("steps"), 30);
  EXPECT_EQ(config.at("batch_size"), 32);
  EXPECT_EQ(config.at("min_lr"), 1e-7);
  EXPECT_EQ(config.at("max_lr"), 10.0);
  EXPECT_EQ(config.at("sweep"), "exp");
  EXPECT_EQ(config.at("smoothing"), 0.98);
  EXPECT_EQ(config.at("stop_factor"), 4.0);
  EXPECT_EQ(config.at("target"), "benign");
  EXPECT_FALSE(j.contains("grid"));
}

TEST(CliRange, PointsFollowExponentialScheduleAndSmoothing) {
  const double min_lr = 1e-5, max_lr = 1.0;
  const int steps = 30;
  const Json j =
      run_ok({"data/iris.csv", "--model", "logistic", "-q", "--method", "range", "--steps", "30", "--min-lr", "1e-5",
              "--max-lr", "1"});
  const Json& range = j.at("range_test");
  EXPECT_EQ(range.at("stop_reason"), "completed");
  const Json& points = range.at("points");
  ASSERT_EQ(points.size(), 30u);
  EXPECT_EQ(range.at("steps_run"), 30);
  // Bias-corrected exponential moving average, β = 0.98.
  const double beta = 0.98;
  double average = 0.0;
  for (int i = 0; i < steps; ++i) {
    const Json& p = points[static_cast<std::size_t>(i)];
    ASSERT_EQ(p.size(), 4u) << p.dump();
    EXPECT_EQ(p.at("step"), i);
    expect_rel_near(p.at("lr"), min_lr * std::pow(max_lr / min_lr, static_cast<double>(i) / (steps - 1)));
    const double loss = p.at("loss");
    average = beta * average + (1 - beta) * loss;
    expect_rel_near(p.at("smoothed_loss"), average / (1 - std::pow(beta, i + 1)), 1e-10);
  }
  EXPECT_EQ(points.front().at("lr"), min_lr);
  EXPECT_EQ(points.back().at("lr"), max_lr);
  // Zero weights: softmax over 3 classes gives log 3 on every batch.
  expect_rel_near(points.front().at("loss"), std::log(3.0));
  // The recommendation is a rate of the curve divided by ten.
  const double recommended = j.at("recommended_lr");
  EXPECT_TRUE(std::any_of(points.begin(), points.end(), [&](const Json& p) {
    return std::abs(p.at("lr").get<double>() / 10 - recommended) <= 1e-15;
  }));
}

TEST(CliRange, LinearSweepSpacesRatesEvenly) {
  const Json j = run_ok({"data/iris.csv", "--model", "logistic", "-q", "--method", "range", "--steps", "11", "--sweep",
                         "linear", "--min-lr", "0.01", "--max-lr", "1"});
  EXPECT_EQ(j.at("config").at("sweep"), "linear");
  EXPECT_EQ(j.at("range_test").at("stop_reason"), "completed");
  const Json& points = j.at("range_test").at("points");
  ASSERT_EQ(points.size(), 11u);
  EXPECT_EQ(points.front().at("lr"), 0.01);
  EXPECT_EQ(points.back().at("lr"), 1.0);
  for (std::size_t i = 0; i < points.size(); ++i) {
    EXPECT_EQ(points[i].at("step"), i);
    expect_rel_near(points[i].at("lr"), 0.01 + 0.099 * static_cast<double>(i));
  }
}

TEST(CliRange, StopsWhenSmoothedLossExceedsStopFactor) {
  // Linear regression on diabetes with the default sweep blows up before 10.
  const Json j = run_ok({"data/diabetes.csv", "--model", "linear", "-q"});
  const Json& range = j.at("range_test");
  EXPECT_EQ(range.at("stop_reason"), "smoothed_loss_exceeded_stop_factor");
  const Json& points = range.at("points");
  ASSERT_GE(points.size(), 2u);
  ASSERT_LT(points.size(), 100u);
  double best = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i + 1 < points.size(); ++i) {
    const double smoothed = points[i].at("smoothed_loss");
    EXPECT_LE(smoothed, 4 * best) << "should have stopped at step " << i;
    best = std::min(best, smoothed);
  }
  EXPECT_GT(points.back().at("smoothed_loss").get<double>(), 4 * best);
}

TEST(CliRange, EachModelKindReportsItsLossOutputsAndDefaultL2) {
  struct Case {
    std::string file, model, loss;
    int outputs;
    double l2;
    Json classes;
  };
  const std::vector<Case> cases = {
      {"data/diabetes.csv", "linear", "MSELoss", 1, 0.0, nullptr},
      {"data/iris.csv", "logistic", "CrossEntropyLoss", 3, 0.0, {"Iris-setosa", "Iris-versicolor", "Iris-virginica"}},
      {"data/breast_cancer.csv", "svm", "hinge", 1, 1e-4, {"0", "1"}},
      {"data/iris.csv", "svm", "MultiMarginLoss", 3, 1e-4, {"Iris-setosa", "Iris-versicolor", "Iris-virginica"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file + " " + c.model);
    const Json j = run_ok(concat({c.file, "--model", c.model, "-q"}, kQuickRange));
    EXPECT_EQ(j.at("model").at("kind"), c.model);
    EXPECT_EQ(j.at("model").at("outputs"), c.outputs);
    EXPECT_EQ(j.at("model").at("l2"), c.l2);
    EXPECT_EQ(j.at("config").at("l2"), c.l2);
    EXPECT_EQ(j.at("dataset").at("classes"), c.classes);
    EXPECT_EQ(j.at("model").at("loss"), c.loss);
    EXPECT_EQ(j.at("range_test").at("points").size(), j.at("range_test").at("steps_run").get<std::size_t>());
    EXPECT_EQ(j.at("recommended_lr"), j.at("recommendation").at("lr"));
  }
}

TEST(CliRange, ExplicitL2OverridesSvmDefault) {
  const Json j = run_ok(concat({"data/breast_cancer.csv", "--model", "svm", "--l2", "0", "-q"}, kQuickRange));
  EXPECT_EQ(j.at("model").at("l2"), 0.0);
  EXPECT_EQ(j.at("config").at("l2"), 0.0);
}

TEST(CliRange, OptimizerHyperparametersAreReported) {
  const Json j = run_ok(concat({"data/iris.csv", "--model", "logistic", "--optimizer", "adam", "-q"}, kQuickRange));
  EXPECT_EQ(j.at("optimizer").at("name"), "adam");
  EXPECT_EQ(j.at("optimizer").at("beta1"), 0.9);
  EXPECT_EQ(j.at("optimizer").at("beta2"), 0.999);
  EXPECT_EQ(j.at("optimizer").at("eps"), 1e-8);
  EXPECT_EQ(j.at("config").at("optimizer"), "adam");
}

// --- grid search --------------------------------------------------------------

TEST(CliGrid, LogSpacedGridWithValidationRecommendsLowestFinalValidationLoss) {
  const Json j = run_ok(concat({"data/iris.csv", "--model", "logistic", "-q"}, kQuickGrid));
  EXPECT_EQ(j.at("schema_version"), 1);
  EXPECT_EQ(j.at("method"), "grid");
  EXPECT_FALSE(j.contains("range_test"));
  const Json& config = j.at("config");
  EXPECT_EQ(config.at("validation"), 0.2);
  EXPECT_EQ(config.at("epochs"), 2);
  EXPECT_EQ(config.at("grid_points"), 4);
  EXPECT_EQ(config.at("seed"), 0);
  EXPECT_EQ(j.at("dataset").at("validation_rows"), 30);
  EXPECT_EQ(j.at("dataset").at("train_rows"), 120);

  const Json& grid = j.at("grid");
  ASSERT_EQ(grid.size(), 4u);
  double best_loss = std::numeric_limits<double>::infinity();
  double best_lr = 0;
  for (std::size_t k = 0; k < grid.size(); ++k) {
    const Json& g = grid[k];
    EXPECT_EQ(g.size(), 4u) << g.dump();
    expect_rel_near(g.at("lr"), 1e-7 * std::pow(1e8, static_cast<double>(k) / 3));
    EXPECT_EQ(config.at("rates")[k], g.at("lr"));
    ASSERT_EQ(g.at("train_loss").size(), 2u);
    ASSERT_EQ(g.at("val_loss").size(), 2u);
    EXPECT_FALSE(g.at("diverged").get<bool>());
    const double final_val = g.at("val_loss").back();
    if (final_val < best_loss) {
      best_loss = final_val;
      best_lr = g.at("lr");
    }
  }
  EXPECT_EQ(j.at("recommendation").at("rule"), "lowest_final_validation_loss");
  EXPECT_EQ(j.at("recommended_lr"), best_lr);
  EXPECT_EQ(j.at("recommendation").at("lr"), best_lr);
  EXPECT_TRUE(j.at("recommendation").at("suggestions").empty());
}

TEST(CliGrid, ValidationZeroGivesNullValLossAndTrainingLossRule) {
  const Json j = run_ok(concat({"data/diabetes.csv", "--model", "linear", "--validation", "0", "-q"}, kQuickGrid));
  EXPECT_EQ(j.at("config").at("validation"), 0.0);
  EXPECT_EQ(j.at("dataset").at("validation_rows"), 0);
  EXPECT_EQ(j.at("dataset").at("train_rows"), 442);
  EXPECT_EQ(j.at("recommendation").at("rule"), "lowest_final_training_loss");
  double best_loss = std::numeric_limits<double>::infinity();
  Json best_lr;
  for (const Json& g : j.at("grid")) {
    EXPECT_TRUE(g.at("val_loss").is_null());
    ASSERT_EQ(g.at("train_loss").size(), 2u);
    if (!g.at("diverged").get<bool>() && g.at("train_loss").back().get<double>() < best_loss) {
      best_loss = g.at("train_loss").back();
      best_lr = g.at("lr");
    }
  }
  EXPECT_EQ(j.at("recommended_lr"), best_lr);
}

TEST(CliGrid, ExplicitRatesAreUsedInOrderWithSvmDefaults) {
  const Json j = run_ok({"data/breast_cancer.csv", "--model", "svm", "--method", "grid", "--epochs", "2", "--rates",
                         "0.001,0.01,0.1", "-q"});
  const Json& grid = j.at("grid");
  ASSERT_EQ(grid.size(), 3u);
  EXPECT_EQ(grid[0].at("lr"), 0.001);
  EXPECT_EQ(grid[1].at("lr"), 0.01);
  EXPECT_EQ(grid[2].at("lr"), 0.1);
  EXPECT_EQ(j.at("config").at("rates"), Json({0.001, 0.01, 0.1}));
  EXPECT_EQ(j.at("config").at("grid_points"), 3);
  EXPECT_EQ(j.at("config").at("l2"), 1e-4);
  EXPECT_EQ(j.at("model").at("l2"), 1e-4);
  EXPECT_EQ(j.at("model").at("kind"), "svm");
  // Hinge loss at zero weights is 1; training at these rates lowers it.
  for (const Json& g : grid) EXPECT_LT(g.at("train_loss").back().get<double>(), 1.0) << g.dump();
}

TEST(CliGrid, EveryRateDivergingExitsThreeWithJson) {
  const CliResult r = run_cli({"data/diabetes.csv", "--model", "linear", "--no-standardize", "--method", "grid",
                               "--rates", "1e6,1e7", "--batch-size", "0", "--epochs", "20"});
  ASSERT_EQ(r.exit_code, 3) << r.err;
  const Json j = parse_json(r.out);
  ASSERT_EQ(j.at("grid").size(), 2u);
  for (const Json& g : j.at("grid")) {
    EXPECT_TRUE(g.at("diverged").get<bool>()) << g.dump();
    EXPECT_TRUE(g.at("train_loss").back().is_null());
    EXPECT_LT(g.at("train_loss").size(), 20u);
  }
  EXPECT_TRUE(j.at("recommended_lr").is_null());
  EXPECT_TRUE(j.at("recommendation").at("lr").is_null());
  ASSERT_TRUE(j.at("recommendation").at("reason").is_string());
  EXPECT_FALSE(j.at("recommendation").at("reason").get<std::string>().empty());
  EXPECT_EQ(r.out.find("NaN"), std::string::npos);
  EXPECT_EQ(r.out.find("Infinity"), std::string::npos);
  EXPECT_EQ(r.out.find("inf"), std::string::npos);
  EXPECT_EQ(r.err.rfind("lr-find: no usable learning rate", 0), 0u) << r.err;
  EXPECT_EQ(count_lines(r.err), 1u);
}

TEST(CliGrid, RatesEndingAboveTheUntrainedLossAreNotRecommended) {
  // Finite but exploding (about 1e116 after 5 epochs): not diverged, yet no use.
  const CliResult r = run_cli({"data/diabetes.csv", "--model", "linear", "--no-standardize", "--method", "grid",
                               "--rates", "1e6,1e7", "--batch-size", "0", "--quiet"});
  ASSERT_EQ(r.exit_code, 3) << r.err;
  const Json j = parse_json(r.out);
  for (const Json& g : j.at("grid")) EXPECT_FALSE(g.at("diverged").get<bool>());
  EXPECT_TRUE(j.at("recommended_lr").is_null());
  const double untrained = j.at("untrained_loss").at("val_loss").get<double>();
  EXPECT_GT(untrained, 1e4);  // the mean squared progression, about 2.9e4
  EXPECT_GT(j.at("grid")[0].at("val_loss").back().get<double>(), untrained);
  EXPECT_NE(j.at("recommendation").at("reason").get<std::string>().find("untrained"), std::string::npos);
}

TEST(CliRange, LossNotFiniteAtFirstStepExitsThreeWithJson) {
  ScopedTempDir dir;
  const std::string csv = dir.path("huge.csv");
  write_file(csv, "x,y\n1,1e200\n2,2e200\n3,1e200\n4,3e200\n");
  const CliResult r = run_cli(concat({csv, "--model", "linear"}, kQuickRange));
  ASSERT_EQ(r.exit_code, 3) << r.err;
  const Json j = parse_json(r.out);
  EXPECT_EQ(j.at("range_test").at("stop_reason"), "loss_not_finite");
  ASSERT_EQ(j.at("range_test").at("points").size(), 1u);
  EXPECT_TRUE(j.at("range_test").at("points")[0].at("loss").is_null());
  EXPECT_TRUE(j.at("recommended_lr").is_null());
  EXPECT_TRUE(j.at("recommendation").at("lr").is_null());
  ASSERT_TRUE(j.at("recommendation").at("reason").is_string());
  EXPECT_EQ(r.out.find("NaN"), std::string::npos);
  EXPECT_EQ(r.out.find("Infinity"), std::string::npos);
  EXPECT_EQ(r.err.rfind("lr-find: no usable learning rate", 0), 0u) << r.err;
}

// --- determinism --------------------------------------------------------------

// --- auto ---------------------------------------------------------------------

const std::vector<std::string> kQuickAuto = {"--epochs", "2", "--steps", "40"};

TEST(CliAuto, IsTheDefaultAndReportsIntervalConfidenceAndCandidates) {
  const Json j = run_ok(concat({"data/breast_cancer.csv", "--model", "logistic", "-q"}, kQuickAuto));
  EXPECT_EQ(j.at("method"), "auto");
  const Json& rec = j.at("recommendation");
  EXPECT_EQ(rec.at("rule"), "cross_validated_search");
  ASSERT_TRUE(is_positive_number(j.at("recommended_lr")));
  const double lr = j.at("recommended_lr").get<double>();
  ASSERT_EQ(rec.at("interval").size(), 2u);
  EXPECT_LE(rec.at("interval")[0].get<double>(), lr);
  EXPECT_GE(rec.at("interval")[1].get<double>(), lr);
  const std::string confidence = rec.at("confidence").get<std::string>();
  EXPECT_TRUE(confidence == "high" || confidence == "medium" || confidence == "low") << confidence;
  for (const char* rule : {"minimum_div_10", "steepest", "valley"})
    EXPECT_TRUE(is_positive_number(rec.at("suggestions").at(rule))) << rule;
  const Json& a = j.at("auto");
  EXPECT_EQ(a.at("folds"), 5);
  EXPECT_EQ(a.at("repeats"), 3);
  EXPECT_EQ(a.at("seeds"), Json({0, 1, 2}));
  ASSERT_GE(a.at("candidates").size(), 10u);
  double lowest = std::numeric_limits<double>::infinity();
  for (const Json& c : a.at("candidates")) {
    if (c.at("diverged").get<bool>()) continue;
    EXPECT_EQ(c.at("val_curve").size(), 2u);
    EXPECT_EQ(c.at("train_curve").size(), 2u);
    EXPECT_EQ(c.at("val_loss_by_repeat").size(), 3u);
    lowest = std::min(lowest, c.at("val_loss").get<double>());
  }
  for (const Json& c : a.at("candidates")) {
    if (c.at("lr").get<double>() == lr) {
      EXPECT_EQ(c.at("val_loss").get<double>(), lowest);
    }
  }
  EXPECT_LT(lowest, a.at("untrained_val_loss").get<double>());
  EXPECT_EQ(j.at("config").at("folds"), 5);
  EXPECT_EQ(j.at("config").at("schedule"), "constant");
  EXPECT_EQ(rec.at("schedule").at("name"), "constant");
  EXPECT_EQ(rec.at("schedule").at("lr").get<double>(), lr);
  EXPECT_TRUE(j.contains("range_test"));  // the bracketing range test of the first seed
}

// The largest eigenvalue of X̃ᵀX̃/n for a numeric CSV file whose last column
// is the target: X̃ holds the features z-scored with the mean and population
// standard deviation of all rows, and a column of ones; computed here with
// Eigen's dense eigensolver, independently of lr-find's power iteration.
double standardised_gram_top_eigenvalue(const std::string& csv) {
  std::istringstream lines(read_file(csv));
  std::string line;
  std::getline(lines, line);  // the header
  std::vector<std::vector<double>> rows;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    std::vector<double> row;
    std::istringstream fields(line);
    for (std::string field; std::getline(fields, field, ',');) {
      double value = 0.0;
      const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
      EXPECT_TRUE(error == std::errc() && end == field.data() + field.size()) << csv << ": " << field;
      row.push_back(value);
    }
    row.pop_back();  // the target
    rows.push_back(std::move(row));
  }
  const Eigen::Index n = static_cast<Eigen::Index>(rows.size());
  const Eigen::Index d = static_cast<Eigen::Index>(rows.front().size());
  Eigen::MatrixXd x(n, d + 1);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index c = 0; c < d; ++c) x(i, c) = rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(c)];
    x(i, d) = 1.0;
  }
  for (Eigen::Index c = 0; c < d; ++c) {
    const double mean = x.col(c).mean();
    x.col(c).array() -= mean;
    const double sd = std::sqrt(x.col(c).squaredNorm() / static_cast<double>(n));
    if (sd > 0) x.col(c) /= sd;
  }
  const Eigen::MatrixXd gram = x.transpose() * x / static_cast<double>(n);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(gram, Eigen::EigenvaluesOnly);
  return solver.eigenvalues().maxCoeff();
}

TEST(CliAuto, TheoryBoundsForSmoothLossesOnly) {
  // Mean squared error: L = 2 λmax(X̃ᵀX̃/n) (l2 0), with X̃ standardised on
  // every row, as auto does.
  const Json linear = run_ok(concat({"data/diabetes.csv", "--model", "linear", "-q"}, kQuickAuto));
  const double expected_L = 2.0 * standardised_gram_top_eigenvalue("data/diabetes.csv");
  EXPECT_GT(expected_L, 2.0);  // the intercept column alone gives an eigenvalue of at least 1
  expect_rel_near(linear.at("theory").at("smoothness").get<double>(), expected_L, 1e-6);
  expect_rel_near(linear.at("theory").at("max_stable_lr_full_batch").get<double>(), 2.0 / expected_L, 1e-6);

  const Json logistic = run_ok(concat({"data/breast_cancer.csv", "--model", "logistic", "-q"}, kQuickAuto));
  const Json& t = logistic.at("theory");
  ASSERT_TRUE(t.is_object());
  const double L = t.at("smoothness").get<double>();
  // Binary cross-entropy: 1/4 of the same eigenvalue.
  expect_rel_near(L, 0.25 * standardised_gram_top_eigenvalue("data/breast_cancer.csv"), 1e-6);
  expect_rel_near(t.at("max_stable_lr_full_batch").get<double>(), 2.0 / L);
  EXPECT_EQ(t.at("batch_size"), 32);
  EXPECT_GE(t.at("expected_smoothness").get<double>(), L);
  expect_rel_near(t.at("minibatch_lr_bound").get<double>(), 0.5 / t.at("expected_smoothness").get<double>());
  expect_rel_near(t.at("recommended_over_full_batch_bound").get<double>(),
                  logistic.at("recommended_lr").get<double>() / (2.0 / L));
  const Json svm = run_ok(concat({"data/iris.csv", "--model", "svm", "-q"}, kQuickAuto));
  EXPECT_TRUE(svm.at("theory").is_null());
}

TEST(CliAuto, OneCycleScheduleGivesReadyToUseParameters) {
  const Json j = run_ok(concat({"data/iris.csv", "--model", "logistic", "--schedule", "onecycle", "--repeats", "1",
                                "-q"}, kQuickAuto));
  const Json& s = j.at("recommendation").at("schedule");
  EXPECT_EQ(s.at("name"), "onecycle");
  EXPECT_EQ(s.at("max_lr"), j.at("recommended_lr"));
  EXPECT_EQ(s.at("div_factor"), 25.0);
  EXPECT_EQ(s.at("final_div_factor"), 1e4);
  EXPECT_EQ(s.at("pct_start"), 0.3);
  // 5-fold: 120 training rows per fold, 4 batches of 32 per epoch, 2 epochs.
  EXPECT_EQ(s.at("total_steps"), 8.0);
  EXPECT_EQ(j.at("auto").at("repeats"), 1);
}

TEST(CliAuto, SameSeedSameBytes) {
  const std::vector<std::string> args = concat({"data/iris.csv", "--model", "svm", "-q"}, kQuickAuto);
  const CliResult first = run_cli(args);
  const CliResult second = run_cli(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(second.exit_code, 0) << second.err;
  ASSERT_FALSE(first.out.empty());
  EXPECT_TRUE(is_positive_number(parse_json(first.out).at("recommended_lr")));
  EXPECT_NO_THROW(parse_json(second.out));
  EXPECT_EQ(first.out, second.out);
}

// The rate minimum_div_10 reads from one range test's curve, recomputed from
// its JSON points as fastai reads it: the finite prefix of the curve, minus
// the first tenth of the planned steps and the last five points (the whole
// curve when that leaves fewer than two); nothing when the test blew up
// within its first tenth.
std::optional<double> minimum_div_10_of(const Json& repeat, int planned_steps) {
  const Json& points = repeat.at("points");
  std::vector<double> lrs, smoothed;
  for (const Json& p : points) {
    if (!p.at("loss").is_number() || !p.at("smoothed_loss").is_number()) break;
    lrs.push_back(p.at("lr").get<double>());
    smoothed.push_back(p.at("smoothed_loss").get<double>());
  }
  if (lrs.empty()) return std::nullopt;
  if (repeat.at("stop_reason") != "completed" &&
      points.size() <= static_cast<std::size_t>(std::max(2, planned_steps / 10)))
    return std::nullopt;
  std::size_t begin = static_cast<std::size_t>(planned_steps / 10);
  std::size_t end = lrs.size() >= 5 ? lrs.size() - 5 : 0;
  if (end < begin + 2) begin = 0, end = lrs.size();
  const auto lowest = std::min_element(smoothed.begin() + static_cast<std::ptrdiff_t>(begin),
                                       smoothed.begin() + static_cast<std::ptrdiff_t>(end));
  return lrs[static_cast<std::size_t>(lowest - smoothed.begin())] / 10.0;
}

TEST(CliRange, RepeatsReportMedianAndSpread) {
  // On diabetes, seed 1's repeats find 0.0351, 0.0292 and 0.0351; seed 5's
  // find three different rates in no order (0.0423, 0.0292, 0.0242), so that
  // the median is neither the first, the last, the lowest nor the highest.
  for (const int seed : {1, 5}) {
    SCOPED_TRACE(seed);
    const Json j = run_ok({"data/diabetes.csv", "--model", "linear", "--method", "range", "--repeats", "3", "--seed",
                           std::to_string(seed), "-q"});
    const Json& repeats = j.at("range_test").at("repeats");
    ASSERT_EQ(repeats.size(), 3u);
    for (int r = 0; r < 3; ++r) EXPECT_EQ(repeats[static_cast<std::size_t>(r)].at("seed"), seed + r);
    EXPECT_EQ(repeats[0].at("points"), j.at("range_test").at("points"));
    const int steps = j.at("config").at("steps").get<int>();
    std::vector<double> rates;
    for (const Json& repeat : repeats) {
      ASSERT_EQ(repeat.at("points").size(), repeat.at("steps_run").get<std::size_t>());
      const std::optional<double> rate = minimum_div_10_of(repeat, steps);
      ASSERT_TRUE(rate) << "seed " << repeat.at("seed");
      rates.push_back(*rate);
    }
    if (seed == 5) {
      ASSERT_NE(rates[0], rates[1]);
      ASSERT_NE(rates[1], rates[2]);
      ASSERT_NE(rates[0], rates[2]);
    }
    std::vector<double> sorted = rates;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted[1];
    EXPECT_EQ(j.at("recommended_lr").get<double>(), median) << rates[0] << " " << rates[1] << " " << rates[2];
    EXPECT_EQ(j.at("recommendation").at("lr").get<double>(), median);
    EXPECT_EQ(j.at("recommendation").at("suggestions").at("minimum_div_10").get<double>(), median);
    EXPECT_EQ(j.at("recommendation").at("rule"), "minimum_div_10");
    const Json& interval = j.at("recommendation").at("interval");
    ASSERT_EQ(interval.size(), 2u);
    EXPECT_EQ(interval[0].get<double>(), sorted[0]);
    EXPECT_EQ(interval[1].get<double>(), sorted[2]);
    EXPECT_TRUE(j.at("recommendation").at("confidence").is_string());
  }
}

// --- check ----------------------------------------------------------------------

std::string rate_text(double lr) { return Json(lr).dump(); }

// At the recommendation, 10x above and 10x below, for every model kind.
TEST(CliCheck, VerdictsAtTheRecommendationAndTenfoldOff) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"data/diabetes.csv", "linear"}, {"data/breast_cancer.csv", "logistic"}, {"data/iris.csv", "svm"}};
  for (const auto& [file, model] : cases) {
    SCOPED_TRACE(model);
    const std::vector<std::string> base = concat({file, "--model", model, "-q"}, kQuickAuto);
    const double lr = run_ok(base).at("recommended_lr").get<double>();
    const auto check = [&](double rate) { return run_cli(concat(concat({"check"}, base), {"--lr", rate_text(rate)})); };

    const CliResult at = check(lr);
    EXPECT_EQ(at.exit_code, 0) << at.err;
    EXPECT_EQ(at.err, "");  // quiet and passing: nothing to say
    const Json j = parse_json(at.out);
    EXPECT_EQ(j.at("check").at("verdict"), "pass");
    EXPECT_EQ(j.at("check").at("passed"), true);
    EXPECT_EQ(j.at("recommended_lr").get<double>(), lr);  // checking does not change the search

    const CliResult high = check(10 * lr);
    EXPECT_EQ(high.exit_code, 1) << high.err;
    const std::string verdict = parse_json(high.out).at("check").at("verdict").get<std::string>();
    EXPECT_TRUE(verdict == "too_high" || verdict == "unstable") << verdict;
    EXPECT_EQ(count_lines(high.err), 1u);
    EXPECT_EQ(high.err.rfind("lr-find: check failed: ", 0), 0u) << high.err;

    const CliResult low = check(lr / 10);
    EXPECT_EQ(low.exit_code, 1) << low.err;
    EXPECT_EQ(parse_json(low.out).at("check").at("verdict"), "too_low");
    EXPECT_NE(low.err.find("too low"), std::string::npos) << low.err;
  }
}

// Since 1.1 --tolerance F multiplies the near-best band: a rate outside the
// interval passes when its own excess loss is at most F x band. The interval
// itself is not widened (before 1.1 it was, by F).
TEST(CliCheck, ToleranceMultipliesTheBand) {
  const std::vector<std::string> base = concat({"data/diabetes.csv", "--model", "linear", "-q"}, kQuickAuto);
  const Json plain = run_ok(base);
  const Json interval = plain.at("recommendation").at("interval");
  const std::string lr = rate_text(interval[0].get<double>() / 3);
  const CliResult strict = run_cli(concat(concat({"check"}, base), {"--lr", lr}));
  ASSERT_EQ(strict.exit_code, 1) << strict.err;
  const Json s = parse_json(strict.out).at("check");
  EXPECT_EQ(s.at("verdict"), "too_low");
  const double needed = s.at("excess_loss").get<double>() / s.at("band").get<double>();
  ASSERT_GT(needed, 1.2);  // well outside the band, so 0.95x of it is still a valid tolerance
  const auto with_tolerance = [&](double f) {
    return run_cli(concat(concat({"check"}, base), {"--lr", lr, "--tolerance", fmt::format("{:.6g}", f)}));
  };
  const CliResult loose = with_tolerance(needed * 1.05);
  EXPECT_EQ(loose.exit_code, 0) << loose.err;
  const Json l = parse_json(loose.out).at("check");
  EXPECT_EQ(l.at("verdict"), "pass");
  EXPECT_EQ(l.at("interval"), interval);  // not widened
  EXPECT_EQ(l.at("excess_loss"), s.at("excess_loss"));  // the same trainings
  EXPECT_EQ(with_tolerance(needed * 0.95).exit_code, 1);
}

TEST(CliCheck, ReadsTheRateFromAJsonConfig) {
  ScopedTempDir dir;
  const std::vector<std::string> base = concat({"data/diabetes.csv", "--model", "linear", "-q"}, kQuickAuto);
  const double lr = run_ok(base).at("recommended_lr").get<double>();
  write_file(dir.path("config.json"), "{\"train\": {\"lr\": " + rate_text(lr) + ", \"epochs\": 5}}");
  const CliResult ok = run_cli(concat(concat({"check"}, base), {"--lr-from", dir.path("config.json"), "--lr-key", "train.lr"}));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(parse_json(ok.out).at("check").at("lr").get<double>(), lr);

  const CliResult missing_key =
      run_cli(concat(concat({"check"}, base), {"--lr-from", dir.path("config.json"), "--lr-key", "train.rate"}));
  EXPECT_TRUE(fails_with(missing_key, 65, "train.rate"));
  const CliResult missing_file =
      run_cli(concat(concat({"check"}, base), {"--lr-from", dir.path("nope.json"), "--lr-key", "train.lr"}));
  EXPECT_TRUE(fails_with(missing_file, 66, "nope.json"));
}

TEST(CliCheck, NeedsARate) {
  EXPECT_TRUE(fails_with(run_cli({"check", "data/iris.csv", "--model", "svm"}), 64, "--lr"));
  EXPECT_TRUE(fails_with(run_cli({"check", "data/iris.csv", "--model", "svm", "--lr", "-1"}), 64, "--lr"));
  EXPECT_TRUE(fails_with(run_cli({"check", "data/iris.csv", "--model", "svm", "--lr", "0.1", "--tolerance", "0.5"}),
                         64, "--tolerance"));
  // --lr belongs to check only.
  EXPECT_TRUE(fails_with(run_cli({"data/iris.csv", "--model", "svm", "--lr", "0.1"}), 64, "--lr"));
}

// --- compressed input -------------------------------------------------------------

TEST(CliGzip, GzipFileAndStandardInputReadLikeThePlainFile) {
  ScopedTempDir dir;
  const std::string plain = read_file(std::string(LRFIND_SOURCE_DIR) + "/data/iris.csv");
  // A stored (uncompressed) gzip member, written by hand: header, deflate
  // stored blocks of at most 65535 bytes, CRC-32 and length trailer.
  std::string gz = std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
  for (std::size_t at = 0; at < plain.size(); at += 65535) {
    const std::size_t len = std::min<std::size_t>(65535, plain.size() - at);
    gz.push_back(at + len == plain.size() ? '\x01' : '\x00');
    gz.push_back(static_cast<char>(len & 0xff));
    gz.push_back(static_cast<char>(len >> 8));
    gz.push_back(static_cast<char>(~len & 0xff));
    gz.push_back(static_cast<char>((~len >> 8) & 0xff));
    gz += plain.substr(at, len);
  }
  std::uint32_t crc = 0xffffffffu;
  for (const unsigned char c : plain) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  crc ^= 0xffffffffu;
  for (int k = 0; k < 4; ++k) gz.push_back(static_cast<char>((crc >> (8 * k)) & 0xff));
  for (int k = 0; k < 4; ++k) gz.push_back(static_cast<char>((plain.size() >> (8 * k)) & 0xff));
  write_file(dir.path("iris.csv.gz"), gz);

  const std::vector<std::string> opts = {"--model", "svm", "--method", "range", "--repeats", "1", "-q"};
  const CliResult expected = run_cli(concat({"data/iris.csv"}, opts));
  const CliResult from_file = run_cli(concat({dir.path("iris.csv.gz")}, opts));
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_EQ(parse_json(from_file.out).at("range_test"), parse_json(expected.out).at("range_test"));
  const CliResult from_stdin = run_cli(concat({"-"}, opts), gz);
  ASSERT_EQ(from_stdin.exit_code, 0) << from_stdin.err;
  EXPECT_EQ(parse_json(from_stdin.out).at("range_test"), parse_json(expected.out).at("range_test"));

  write_file(dir.path("cut.csv.gz"), gz.substr(0, gz.size() / 2));
  EXPECT_TRUE(fails_with(run_cli(concat({dir.path("cut.csv.gz")}, opts)), 65, "gzip"));
}

// --- messy columns ----------------------------------------------------------------

TEST(CliMessy, StrayTextInANumericColumnIsNamedWithAFix) {
  ScopedTempDir dir;
  std::string csv = "x,y\n";
  for (int i = 0; i < 40; ++i) csv += std::to_string(i) + "," + std::to_string(2 * i) + "\n";
  csv += "#N/A,5\n";
  write_file(dir.path("stray.csv"), csv);
  const CliResult r = run_cli({dir.path("stray.csv"), "--model", "linear"});
  EXPECT_TRUE(fails_with(r, 65, "stray.csv:42:1: column 'x' holds numbers but also the text '#N/A'"));
  EXPECT_NE(r.err.find("--na-values '#N/A'"), std::string::npos) << r.err;
  // Following the advice works: the row is dropped as missing.
  const Json j = run_ok({dir.path("stray.csv"), "--model", "linear", "--na-values", "#N/A", "-q", "--epochs", "1",
                         "--repeats", "1"});
  EXPECT_EQ(j.at("dataset").at("rows_dropped"), 1);
  EXPECT_EQ(j.at("dataset").at("rows"), 40);
}

TEST(CliMessy, TooManyCategoriesIsAnErrorNamingTheColumn) {
  ScopedTempDir dir;
  std::string csv = "id,x,y\n";
  for (int i = 0; i < 150; ++i)
    csv += "user" + std::to_string(i) + "," + std::to_string(i % 7) + "," + (i % 7 > 3 ? "1" : "0") + "\n";
  write_file(dir.path("ids.csv"), csv);
  EXPECT_TRUE(fails_with(run_cli({dir.path("ids.csv"), "--model", "logistic"}), 65,
                         "column 'id' has more than 100 distinct text values (--max-categories 100)"));
  const Json j = run_ok({dir.path("ids.csv"), "--model", "logistic", "--drop", "id", "-q", "--epochs", "1",
                         "--repeats", "1"});
  EXPECT_EQ(j.at("dataset").at("features"), 1);
}

TEST(CliMessy, RangeTestThatBlowsUpAtOnceHasNoRate) {
  const CliResult r = run_cli({"data/diabetes.csv", "--model", "linear", "--method", "range", "--min-lr", "5",
                               "--max-lr", "10"});
  ASSERT_EQ(r.exit_code, 3) << r.err;
  const Json j = parse_json(r.out);
  EXPECT_TRUE(j.at("recommended_lr").is_null());
  EXPECT_NE(j.at("recommendation").at("reason").get<std::string>().find("smaller --min-lr"), std::string::npos);
}

TEST(CliLimits, AbsurdSizesAreUsageErrors) {
  EXPECT_TRUE(fails_with(run_cli({"data/iris.csv", "--model", "svm", "--method", "range", "--steps", "1000000000"}),
                         64, "--steps"));
  EXPECT_TRUE(fails_with(run_cli({"data/iris.csv", "--model", "svm", "--method", "grid", "--grid-points",
                                  "100000000"}), 64, "--grid-points"));
  EXPECT_TRUE(fails_with(run_cli({"data/iris.csv", "--model", "svm", "--validation", "0"}), 64, "--validation"));
}

// --- formats --------------------------------------------------------------------

TEST(CliFormat, CsvAndTableRenderTheSameRun) {
  const std::vector<std::string> base = {"data/iris.csv", "--model", "svm", "--method", "grid", "--grid-points", "3",
                                         "--epochs", "2", "-q"};
  const Json j = run_ok(base);
  const CliResult csv = run_cli(concat(base, {"--format", "csv"}));
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("source,repeat,lr,step,epoch,loss,smoothed_loss,train_loss,val_loss,diverged\r\n", 0), 0u);
  // One row per (rate, epoch) after the header.
  EXPECT_EQ(count_lines(csv.out), 1u + 3u * 2u);
  const CliResult table = run_cli(concat(base, {"--format", "table"}));
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out.rfind("recommended lr", 0), 0u) << table.out;
  EXPECT_NE(table.out.find(fmt::format("{:.4g}", j.at("recommended_lr").get<double>())), std::string::npos);
  EXPECT_TRUE(fails_with(run_cli(concat(base, {"--format", "xml"})), 64, "unknown output format 'xml'"));
}

TEST(CliPlot, SvgFileAndTextPlotOnStandardError) {
  ScopedTempDir dir;
  const std::vector<std::string> base = concat({"data/diabetes.csv", "--model", "linear", "-q"}, kQuickAuto);
  const CliResult r = run_cli(concat(base, {"--plot", dir.path("plot.svg")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const std::string svg = read_file(dir.path("plot.svg"));
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  const double lr = parse_json(r.out).at("recommended_lr").get<double>();
  EXPECT_NE(svg.find(fmt::format("recommended {:.3g}", lr)), std::string::npos);
  const CliResult text = run_cli(concat(base, {"--plot", "-"}));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out, r.out);  // the JSON is unchanged
  EXPECT_NE(text.err.find("recommended lr"), std::string::npos) << text.err;
  // Braille cells (U+2800-U+28FF) draw the curve.
  bool braille = false;
  for (const char* lead : {"\xe2\xa0", "\xe2\xa1", "\xe2\xa2", "\xe2\xa3"}) braille = braille || text.err.find(lead) != std::string::npos;
  EXPECT_TRUE(braille) << text.err;
  EXPECT_TRUE(fails_with(run_cli(concat(base, {"--plot", dir.path("missing/plot.svg")})), 73, "plot.svg"));
}

TEST(CliPlot, PlotFileUntouchedWhenTheOutputCannotBeWritten) {
  // The plot and the -o file appear together or not at all.
  ScopedTempDir dir;
  write_file(dir.path("plot.svg"), "previous plot");
  const CliResult r = run_cli({"data/iris.csv", "--model", "logistic", "--method", "range", "--steps", "20", "-q",
                               "--plot", dir.path("plot.svg"), "-o", dir.path("missing/report.json")});
  EXPECT_TRUE(fails_with(r, 73, "report.json"));
  EXPECT_EQ(read_file(dir.path("plot.svg")), "previous plot");
  write_file(dir.path("report.json"), "previous report");
  const CliResult back = run_cli({"data/iris.csv", "--model", "logistic", "--method", "range", "--steps", "20", "-q",
                                  "--plot", dir.path("missing/plot.svg"), "-o", dir.path("report.json")});
  EXPECT_TRUE(fails_with(back, 73, "plot.svg"));
  EXPECT_EQ(read_file(dir.path("report.json")), "previous report");
  EXPECT_EQ(back.out, "");
}

// --- progress -------------------------------------------------------------------

TEST(CliProgress, BarOnlyOnATerminalAndErasedAtTheEnd) {
  // Not a terminal (the test's files): no bar, no carriage returns.
  const CliResult plain = run_cli({"data/breast_cancer.csv", "--model", "logistic", "-o", "/dev/null"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.err.find('\r'), std::string::npos);
  // A pseudo-terminal from util-linux's script(1): the bar is drawn, then erased
  // before the summary line.
  ScopedTempDir dir;
  // LR_FIND_PROGRESS_AFTER=0 draws at once, so the test does not depend on how fast the run is.
  const std::string command = std::string("cd ") + LRFIND_SOURCE_DIR + " && LR_FIND_PROGRESS_AFTER=0 " + LRFIND_BINARY +
                              " data/breast_cancer.csv --model logistic --repeats 5 -o /dev/null";
  const CliResult tty = run_cli_command({"script", "-qec", command, dir.path("typescript")});
  ASSERT_EQ(tty.exit_code, 0) << tty.out << tty.err;
  const std::string screen = tty.out;
  EXPECT_NE(screen.find("\r["), std::string::npos) << screen;
  // With no delay the first report (the first stage, at 0%) is always drawn;
  // later ones are throttled to ten a second, so which appear depends on speed.
  EXPECT_NE(screen.find("[........................]   0%  reading"), std::string::npos) << screen;
  const std::size_t erase = screen.rfind("\r\033[K");
  ASSERT_NE(erase, std::string::npos);
  EXPECT_NE(screen.find("lr-find: recommended lr", erase), std::string::npos);
  // --quiet draws nothing, even on a terminal.
  const CliResult quiet = run_cli_command({"script", "-qec", command + " -q", dir.path("typescript")});
  EXPECT_EQ(quiet.out.find("\r["), std::string::npos);
}

// --- config files ---------------------------------------------------------------

TEST(CliConfig, JsonAndTomlFilesSetOptionsAndTheCommandLineWins) {
  ScopedTempDir dir;
  write_file(dir.path("ci.json"),
             R"({"model": "svm", "method": "grid", "rates": [0.01, 0.1], "epochs": 2, "batch-size": 0, "quiet": true})");
  const CliResult json = run_cli({"data/iris.csv", "--config", dir.path("ci.json")});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(json.err, "");  // quiet came from the file
  const Json j = parse_json(json.out);
  EXPECT_EQ(j.at("model").at("kind"), "svm");
  EXPECT_EQ(j.at("config").at("rates"), Json({0.01, 0.1}));
  EXPECT_EQ(j.at("config").at("batch_size"), 0);

  write_file(dir.path("ci.toml"), "model = \"linear\"\nmethod = \"range\"\nsteps = 25\nrepeats = 1\n");
  const Json t = run_ok({"data/diabetes.csv", "--config", dir.path("ci.toml"), "--steps", "30", "-q"});
  EXPECT_EQ(t.at("method"), "range");
  EXPECT_EQ(t.at("config").at("steps"), 30);  // the command line wins
  EXPECT_EQ(t.at("range_test").at("steps_run").get<int>() <= 30, true);
}

TEST(CliConfig, BadFilesAreErrors) {
  ScopedTempDir dir;
  write_file(dir.path("extra.toml"), "model = \"svm\"\nbogus = 1\n");
  EXPECT_TRUE(fails_with(run_cli({"data/iris.csv", "--config", dir.path("extra.toml")}), 64, "bogus"));
  write_file(dir.path("broken.json"), "{\"model\": ");
  EXPECT_TRUE(fails_with(run_cli({"data/iris.csv", "--config", dir.path("broken.json")}), 64, "JSON"));
  EXPECT_TRUE(fails_with(run_cli({"data/iris.csv", "--config", dir.path("missing.toml")}), 66, "missing.toml"));
}

TEST(CliDeterminism, IdenticalRunsGiveIdenticalBytes) {
  for (const auto& args : {concat({"data/breast_cancer.csv", "--model", "logistic", "-q", "--seed", "7"}, kQuickRange),
                           concat({"data/iris.csv", "--model", "svm", "-q", "--optimizer", "adam"}, kQuickGrid)}) {
    const CliResult first = run_cli(args);
    const CliResult second = run_cli(args);
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_FALSE(first.out.empty());
    EXPECT_EQ(first.out, second.out);
  }
}

TEST(CliDeterminism, DifferentSeedChangesCurve) {
  const Json a = run_ok(concat({"data/breast_cancer.csv", "--model", "logistic", "-q", "--seed", "1"}, kQuickRange));
  const Json b = run_ok(concat({"data/breast_cancer.csv", "--model", "logistic", "-q", "--seed", "2"}, kQuickRange));
  EXPECT_EQ(a.at("config").at("seed"), 1);
  EXPECT_EQ(b.at("config").at("seed"), 2);
  const Json& pa = a.at("range_test").at("points");
  const Json& pb = b.at("range_test").at("points");
  ASSERT_GE(pa.size(), 12u);  // enough points for more than 10 to differ
  ASSERT_GE(pb.size(), 12u);
  // Zero weights give log 2 on any batch; after that the batches differ.
  EXPECT_EQ(pa[0].at("loss"), pb[0].at("loss"));
  std::size_t differing = 0;
  for (std::size_t i = 1; i < std::min(pa.size(), pb.size()); ++i) differing += pa[i].at("loss") != pb[i].at("loss");
  EXPECT_GT(differing, 10u);
}

TEST(CliDeterminism, DifferentSeedChangesValidationSplit) {
  const Json a = run_ok(concat({"data/iris.csv", "--model", "logistic", "-q", "--seed", "1"}, kQuickGrid));
  const Json b = run_ok(concat({"data/iris.csv", "--model", "logistic", "-q", "--seed", "2"}, kQuickGrid));
  EXPECT_NE(a.at("grid").back().at("val_loss"), b.at("grid").back().at("val_loss"));
}

// --- input --------------------------------------------------------------------

TEST(CliInput, DashReadsStandardInputLikeTheFile) {
  const std::vector<std::string> options = concat({"--model", "logistic", "-q"}, kQuickRange);
  const Json from_file = run_ok(concat({"data/iris.csv"}, options));
  const Json from_stdin = run_ok(concat({"-"}, options), read_file(std::string(LRFIND_SOURCE_DIR) + "/data/iris.csv"));
  EXPECT_EQ(from_stdin.at("dataset").at("path"), "<stdin>");
  EXPECT_EQ(from_stdin.at("config").at("input"), "-");
  EXPECT_EQ(from_stdin.at("dataset").at("rows"), 150);
  EXPECT_EQ(from_stdin.at("range_test"), from_file.at("range_test"));
  EXPECT_EQ(from_stdin.at("recommendation"), from_file.at("recommendation"));
}

TEST(CliInput, TargetByIndexEqualsTargetByName) {
  const std::vector<std::string> options = concat({"data/iris.csv", "--model", "logistic", "-q"}, kQuickRange);
  const CliResult by_name = run_cli(concat(options, {"--target", "class"}));
  const CliResult by_index = run_cli(concat(options, {"--target", "5"}));
  ASSERT_EQ(by_name.exit_code, 0) << by_name.err;
  EXPECT_EQ(by_name.out, by_index.out);
  EXPECT_EQ(parse_json(by_index.out).at("config").at("target"), "class");
}

TEST(CliInput, TargetOtherThanLastColumnMakesLastAFeature) {
  const Json j = run_ok(concat({"data/diabetes.csv", "--model", "linear", "--target", "1", "-q"}, kQuickRange));
  EXPECT_EQ(j.at("dataset").at("target"), "age");
  EXPECT_EQ(j.at("config").at("target"), "age");
  EXPECT_EQ(j.at("dataset").at("features"), 10);
  const Json& names = j.at("dataset").at("feature_names");
  EXPECT_EQ(names.front(), "sex");
  EXPECT_EQ(names.back(), "progression");
}

TEST(CliInput, DropRemovesColumnsByNameAndIndex) {
  const Json by_name =
      run_ok(concat({"data/diabetes.csv", "--model", "linear", "--drop", "sex,age", "-q"}, kQuickRange));
  EXPECT_EQ(by_name.at("dataset").at("features"), 8);
  EXPECT_EQ(by_name.at("dataset").at("feature_names"), Json({"bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"}));
  EXPECT_EQ(by_name.at("config").at("drop"), Json({"sex", "age"}));
  const Json by_index = run_ok(concat({"data/diabetes.csv", "--model", "linear", "--drop", "1,2", "-q"}, kQuickRange));
  EXPECT_EQ(by_index.at("dataset").at("feature_names"), by_name.at("dataset").at("feature_names"));
  EXPECT_EQ(by_index.at("range_test"), by_name.at("range_test"));
}

TEST(CliInput, SemicolonDelimiterGivesSameCurveAsCommas) {
  ScopedTempDir dir;
  std::string text = read_file(std::string(LRFIND_SOURCE_DIR) + "/data/diabetes.csv");
  std::replace(text.begin(), text.end(), ',', ';');
  write_file(dir.path("semi.csv"), text);
  const std::vector<std::string> options = concat({"--model", "linear", "-q"}, kQuickRange);
  const Json commas = run_ok(concat({"data/diabetes.csv"}, options));
  const Json semicolons = run_ok(concat({dir.path("semi.csv"), "--delimiter", ";"}, options));
  EXPECT_EQ(semicolons.at("config").at("delimiter"), ";");
  EXPECT_EQ(semicolons.at("dataset").at("features"), 10);
  EXPECT_EQ(semicolons.at("range_test"), commas.at("range_test"));
  // Without the option the semicolon is detected (tests/cli/cli_text_test.cpp).
  EXPECT_EQ(run_ok(concat({dir.path("semi.csv")}, options)).at("range_test"), commas.at("range_test"));
}

TEST(CliInput, MissingValuesAreDroppedCountedAndWarned) {
  ScopedTempDir dir;
  const std::string csv = dir.path("gaps.csv");
  write_file(csv,
             "a,b,y\n"
             "1,2,3\n"
             "2,NA,5\n"
             "3,4,\n"
             "4,3,9\n"
             "5,?,11\n"
             "6,5,13\n"
             "7,7,15\n");
  const CliResult r = run_cli(concat({csv, "--model", "linear"}, kQuickRange));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Json j = parse_json(r.out);
  EXPECT_EQ(j.at("dataset").at("rows_read"), 7);
  EXPECT_EQ(j.at("dataset").at("rows_dropped"), 3);
  EXPECT_EQ(j.at("dataset").at("rows"), 4);
  EXPECT_EQ(count_lines(r.err), 2u) << r.err;  // the warning and the summary
  EXPECT_EQ(r.err.rfind("lr-find: warning: dropped 3 of 7 rows", 0), 0u) << r.err;

  const CliResult quiet = run_cli(concat({csv, "--model", "linear", "--quiet"}, kQuickRange));
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.err, "");
  EXPECT_EQ(quiet.out, r.out);
}

TEST(CliInput, SummaryLineOnStderrUnlessQuiet) {
  const std::vector<std::string> args = concat({"data/iris.csv", "--model", "logistic"}, kQuickRange);
  const CliResult loud = run_cli(args);
  ASSERT_EQ(loud.exit_code, 0) << loud.err;
  EXPECT_EQ(count_lines(loud.err), 1u) << loud.err;
  EXPECT_EQ(loud.err.rfind("lr-find: recommended lr ", 0), 0u) << loud.err;
  EXPECT_NE(loud.err.find("minimum_div_10"), std::string::npos) << loud.err;
  EXPECT_NE(loud.err.find("150 rows x 4 features"), std::string::npos) << loud.err;

  const CliResult quiet = run_cli(concat(args, {"--quiet"}));
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.err, "");
  EXPECT_EQ(quiet.out, loud.out);
  const CliResult short_quiet = run_cli(concat(args, {"-q"}));
  EXPECT_EQ(short_quiet.err, "");
}

// --- errors and exit codes ----------------------------------------------------

TEST(CliUsageErrors, ExitSixtyFourWithOneLineMessage) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"data/iris.csv", "--model", "logistic", "--bogus"}, "--bogus"},
      {{"data/iris.csv", "--model", "forest"}, "forest"},
      {{"data/iris.csv"}, "--model"},
      {{"data/iris.csv", "--model", "logistic", "--min-lr", "1", "--max-lr", "1"}, "--min-lr"},
      {{"data/iris.csv", "--model", "logistic", "--min-lr", "2", "--max-lr", "1"}, "--min-lr"},
      {{"data/iris.csv", "--model", "logistic", "--method", "grid", "--rates", "0.1,0"}, "--rates"},
      {{"data/iris.csv", "--model", "logistic", "--method", "grid", "--rates", "0.1,-1"}, "--rates"},
      {{"data/iris.csv", "--model", "logistic", "--steps", "0"}, "--steps"},
      {{"data/iris.csv", "--model", "logistic", "--target", "species"}, "species"},
      {{"data/iris.csv", "--model", "logistic", "--target", "6"}, "6"},
      {{"data/iris.csv", "--model", "logistic", "--drop", "petals"}, "petals"},
      {{"data/iris.csv", "--model", "logistic", "--optimizer", "lbfgs"}, "lbfgs"},
      {{"data/iris.csv", "--model", "logistic", "--method", "random"}, "random"},
      {{"data/iris.csv", "--model", "logistic", "--seed", "-1"}, "--seed"},
  };
  for (const auto& [args, fragment] : cases) {
    SCOPED_TRACE(::testing::PrintToString(args));
    EXPECT_TRUE(fails_with(run_cli(args), 64, fragment));
  }
}

class CliDataErrors : public ::testing::Test {
 protected:
  ScopedTempDir dir;

  CliResult run_on(const std::string& name, const std::string& text, const std::string& model) {
    write_file(dir.path(name), text);
    return run_cli(concat({dir.path(name), "--model", model}, kQuickRange));
  }
};

TEST_F(CliDataErrors, RaggedRowNamesFileAndLine) {
  const CliResult r = run_on("ragged.csv", "a,b,y\n1,2,3\n4,5,6\n7,8\n9,10,11\n", "linear");
  EXPECT_TRUE(fails_with(r, 65, dir.path("ragged.csv") + ":4:"));
}

TEST_F(CliDataErrors, RaggedRowLineCountsPhysicalLinesInsideQuotes) {
  const CliResult r = run_on("quoted.csv", "a,b,y\n1,\"x\ny\",3\n4,z,6\n7,8\n", "linear");
  EXPECT_TRUE(fails_with(r, 65, dir.path("quoted.csv") + ":5:"));
}

TEST_F(CliDataErrors, RaggedRowOnStandardInputIsNamedStdin) {
  const CliResult r = run_cli(concat({"-", "--model", "linear"}, kQuickRange), "a,b,y\n1,2,3\n1,2,3,4\n");
  EXPECT_TRUE(fails_with(r, 65, "<stdin>:3:"));
}

TEST_F(CliDataErrors, UnterminatedQuoteIsDataError) {
  const CliResult r = run_on("quote.csv", "a,b,y\n1,2,3\n\"4,5,6\n7,8,9\n", "linear");
  EXPECT_TRUE(fails_with(r, 65, dir.path("quote.csv") + ":3:"));
}

TEST_F(CliDataErrors, NonNumericRegressionTargetIsDataError) {
  const CliResult r = run_on("text.csv", "a,b,y\n1,2,3\n4,5,6\n7,8,high\n", "linear");
  EXPECT_TRUE(fails_with(r, 65, dir.path("text.csv") + ":4:"));
  EXPECT_NE(r.err.find("high"), std::string::npos) << r.err;
}

TEST_F(CliDataErrors, SingleClassForClassifierIsDataError) {
  for (const std::string model : {"logistic", "svm"}) {
    const CliResult r = run_on("one_class.csv", "a,b,y\n1,2,yes\n4,5,yes\n7,8,yes\n", model);
    EXPECT_TRUE(fails_with(r, 65, "yes")) << model;
  }
}

TEST_F(CliDataErrors, FewerThanTwoUsableRowsIsDataError) {
  EXPECT_TRUE(fails_with(run_on("one_row.csv", "a,b,y\n1,2,3\n", "linear"), 65, "one_row.csv"));
  EXPECT_TRUE(fails_with(run_on("no_rows.csv", "a,b,y\n", "linear"), 65, "no_rows.csv"));
  EXPECT_TRUE(fails_with(run_on("gaps.csv", "a,b,y\n1,2,3\n4,NA,6\n", "linear"), 65, "gaps.csv"));
}

TEST_F(CliDataErrors, NonFiniteNumberIsDataError) {
  const CliResult r = run_on("inf.csv", "a,b,y\n1,2,3\n4,5,6\n7,8,inf\n", "linear");
  EXPECT_TRUE(fails_with(r, 65, dir.path("inf.csv") + ":4:"));
}

TEST_F(CliDataErrors, MissingFileOrDirectoryIsNoInput) {
  EXPECT_TRUE(fails_with(run_cli({dir.path("absent.csv"), "--model", "linear"}), 66, dir.path("absent.csv")));
  EXPECT_TRUE(fails_with(run_cli({dir.path(""), "--model", "linear"}), 66, "directory"));
}

// --- output file --------------------------------------------------------------

class CliOutputFile : public ::testing::Test {
 protected:
  ScopedTempDir dir;
  const std::vector<std::string> args = concat({"data/iris.csv", "--model", "logistic", "-q"}, kQuickRange);

  std::set<std::string> entries() const {
    std::set<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir.path(""))) names.insert(e.path().filename().string());
    return names;
  }
};

TEST_F(CliOutputFile, WritesFileAndNothingToStdout) {
  const std::string out = dir.path("result.json");
  const CliResult r = run_cli(concat(args, {"-o", out}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(read_file(out), run_cli(args).out);
  EXPECT_EQ(parse_json(read_file(out)).at("schema_version"), 1);
  EXPECT_EQ(entries(), std::set<std::string>{"result.json"});
}

TEST_F(CliOutputFile, ReplacesExistingFileOnSuccess) {
  const std::string out = dir.path("result.json");
  write_file(out, "previous\n");
  const CliResult r = run_cli(concat(args, {"--output", out}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(out), run_cli(args).out);
  EXPECT_EQ(entries(), std::set<std::string>{"result.json"});
}

TEST_F(CliOutputFile, ExistingFileUntouchedWhenRunFails) {
  const std::string out = dir.path("result.json");
  write_file(out, "previous\n");
  write_file(dir.path("bad.csv"), "a,b,y\n1,2,3\n4,5\n");
  EXPECT_TRUE(fails_with(run_cli({dir.path("bad.csv"), "--model", "linear", "-o", out}), 65, ":3:"));
  EXPECT_EQ(read_file(out), "previous\n");
  EXPECT_EQ(entries(), (std::set<std::string>{"bad.csv", "result.json"}));
}

TEST_F(CliOutputFile, NoUsableRateStillWritesFile) {
  const std::string out = dir.path("result.json");
  write_file(dir.path("huge.csv"), "x,y\n1,1e200\n2,2e200\n3,1e200\n");
  const CliResult r = run_cli({dir.path("huge.csv"), "--model", "linear", "--steps", "5", "-q", "-o", out});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(parse_json(read_file(out)).at("recommended_lr").is_null());
  EXPECT_EQ(entries(), (std::set<std::string>{"huge.csv", "result.json"}));
}

TEST_F(CliOutputFile, MissingFolderIsCantCreate) {
  const std::string out = dir.path("no/such/folder/result.json");
  EXPECT_TRUE(fails_with(run_cli(concat(args, {"-o", out})), 73, out));
  EXPECT_TRUE(entries().empty());
}

TEST_F(CliOutputFile, DirectoryIsCantCreate) {
  std::filesystem::create_directory(dir.path("sub"));
  EXPECT_TRUE(fails_with(run_cli(concat(args, {"-o", dir.path("sub")})), 73, "directory"));
  EXPECT_TRUE(std::filesystem::is_directory(dir.path("sub")));
  EXPECT_TRUE(std::filesystem::is_empty(dir.path("sub")));
}

TEST_F(CliOutputFile, StdoutAliasIsWrittenDirectlyNotReplaced) {
  // run_cli sends stdout to a regular file, the case where stat() on the
  // alias sees a regular file. A private link to /proc/self/fd/1 first: if
  // this failed, the real /dev/stdout below would be renamed over (as root).
  const std::string alias = dir.path("stdout-alias");
  std::filesystem::create_symlink("/proc/self/fd/1", alias);
  const CliResult via_alias = run_cli(concat(args, {"-o", alias}));
  ASSERT_EQ(via_alias.exit_code, 0) << via_alias.err;
  ASSERT_EQ(via_alias.out, run_cli(args).out);
  ASSERT_TRUE(std::filesystem::is_symlink(alias));
  EXPECT_EQ(entries(), std::set<std::string>{"stdout-alias"});

  const CliResult via_dev = run_cli(concat(args, {"-o", "/dev/stdout"}));
  EXPECT_EQ(via_dev.exit_code, 0) << via_dev.err;
  EXPECT_EQ(via_dev.out, via_alias.out);
  EXPECT_TRUE(std::filesystem::is_symlink("/dev/stdout"));
}

TEST(CliOutput, JsonNeverHoldsNanOrInfinityText) {
  // Runs that produce non-finite losses: a diverging grid and a range test
  // pushed past divergence with a huge stop factor.
  for (const auto& args :
       {std::vector<std::string>{"data/diabetes.csv", "--model", "linear", "--no-standardize", "--method", "grid",
                                 "--rates", "1e6,1e7", "--batch-size", "0", "--epochs", "20", "-q"},
        std::vector<std::string>{"data/diabetes.csv", "--model", "linear", "--no-standardize", "--stop-factor", "1e300",
                                 "--max-lr", "1e10", "-q"}}) {
    const CliResult r = run_cli(args);
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 3) << r.err;
    for (const char* bad : {"NaN", "nan", "Infinity", "inf"}) EXPECT_EQ(r.out.find(bad), std::string::npos) << bad;
    EXPECT_NO_THROW(parse_json(r.out));
    EXPECT_NE(r.out.find("null"), std::string::npos);
  }
}

// --- help and version ---------------------------------------------------------

TEST(CliHelp, HelpExitsZeroAndListsEveryOption) {
  const CliResult r = run_cli({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
  for (const char* option :
       {"--model",       "--optimizer",  "--method",      "--target",         "--drop",       "--delimiter",
        "--encoding",    "--l2",         "--batch-size",  "--no-standardize", "--seed",       "--min-lr",
        "--max-lr",      "--steps",      "--sweep",       "--smoothing",      "--stop-factor", "--epochs",
        "--rates",       "--grid-points", "--validation", "--output",         "--quiet",      "--version"})
    EXPECT_NE(r.out.find(option), std::string::npos) << option;
}

TEST(CliHelp, VersionPrintsToolVersion) {
  const CliResult r = run_cli({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, std::string("lr-find ") + LRFIND_VERSION + "\n");
  EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace lrfind

namespace lrfind {
namespace {

TEST(CliFloat32, SameRecommendationAsFloat64OnRealData) {
  const Json wide = run_ok({"data/breast_cancer.csv", "--model", "logistic", "--method", "range", "-q"});
  const Json narrow = run_ok({"data/breast_cancer.csv", "--model", "logistic", "--method", "range", "-q", "--float32"});
  EXPECT_EQ(wide.at("dataset").at("precision"), "float64");
  EXPECT_EQ(narrow.at("dataset").at("precision"), "float32");
  // The data differ by float rounding only: the curves agree closely, the recommendation to a few percent.
  const double a = wide.at("recommended_lr").get<double>();
  const double b = narrow.at("recommended_lr").get<double>();
  EXPECT_NEAR(std::log(a / b), 0.0, 0.05) << a << " vs " << b;
}

}  // namespace
}  // namespace lrfind
