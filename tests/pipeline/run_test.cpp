// The library's public entry points: a run from a file and from data in
// memory give the same report; each run stops on its own token and reports
// its progress.
#include "lrfind/run.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <limits>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "load/from_memory.hpp"
#include "load/loader.hpp"
#include "pipeline/run.hpp"

namespace lrfind {
namespace {

using Json = nlohmann::ordered_json;

// The diabetes data as a caller would hold it in memory.
InMemoryData diabetes_in_memory() {
  LoadOptions options;
  const Dataset d = load_dataset("data/diabetes.csv", options);
  InMemoryData data;
  data.name = "diabetes";
  data.features = d.features.f64();
  data.feature_names = d.feature_names;
  data.targets = std::vector<double>(d.targets.data(), d.targets.data() + d.targets.size());
  data.target_name = d.target_name;
  return data;
}

RunConfig quick(const std::string& method) {
  RunConfig config;
  config.training.model = "linear";
  config.method = method;
  config.repeats = 1;
  config.training.epochs = 2;
  config.grid.points = 5;
  config.range.steps = 40;
  return config;
}

// The report without the fields that name the input and its format.
// Without the fields that say where the rows came from and how a file was
// read (svmlight's index settings).
Json without_input(Json report) {
  report["dataset"].erase("path");
  for (const char* key : {"input", "input_format", "zero_based", "features", "delimiter"}) report["config"].erase(key);
  return report;
}

TEST(RunInMemory, GivesTheReportOfTheSameDataReadFromAFile) {
  for (const std::string method : {"auto", "range", "grid"}) {
    RunConfig config = quick(method);
    config.data.input = "data/diabetes.csv";
    const lrfind::Run from_file = run(config);
    const lrfind::Run in_memory = run(config, diabetes_in_memory());
    EXPECT_EQ(without_input(in_memory.report), without_input(from_file.report)) << method;
    EXPECT_EQ(in_memory.report["dataset"]["path"], "diabetes");
    EXPECT_EQ(in_memory.report["config"]["input_format"], "memory");
    EXPECT_EQ(from_file.report["config"]["input_format"], "csv");
    EXPECT_EQ(in_memory.recommended_lr, from_file.recommended_lr) << method;
    EXPECT_TRUE(in_memory.recommended_lr) << method;
    EXPECT_EQ(in_memory.summary.substr(0, 16), "recommended lr 0");
  }
}

TEST(RunInMemory, TheDatasetSaysItsRowsCameFromMemory) {
  EXPECT_EQ(dataset_from_memory(diabetes_in_memory(), TargetKind::kRegression, false).format, "memory");
}

TEST(RunInMemory, NaNDropsTheRowAndInfinityIsAnError) {
  InMemoryData data = diabetes_in_memory();
  data.features(3, 2) = std::numeric_limits<double>::quiet_NaN();
  std::get<std::vector<double>>(data.targets)[7] = std::numeric_limits<double>::quiet_NaN();
  const lrfind::Run r = run(quick("range"), data);
  EXPECT_EQ(r.report["dataset"]["rows"], 440);
  EXPECT_EQ(r.report["dataset"]["rows_read"], 442);
  EXPECT_EQ(r.report["dataset"]["rows_dropped"], 2);
  data.features(5, 1) = std::numeric_limits<double>::infinity();
  EXPECT_THROW(run(quick("range"), data), DataError);
}

TEST(RunInMemory, ClassNamesAndNumbersAreSortedAsInAFile) {
  InMemoryData data;
  data.features.resize(8, 1);
  data.features << 0, 1, 2, 3, 4, 5, 6, 7;
  data.targets = std::vector<std::string>{"b", "a", "b", "a", "c", "c", "a", "b"};
  RunConfig config = quick("range");
  config.training.model = "logistic";
  const lrfind::Run named = run(config, data);
  EXPECT_EQ(named.report["dataset"]["classes"], Json({"a", "b", "c"}));
  EXPECT_EQ(named.report["dataset"]["feature_names"], Json({"x1"}));
  data.targets = std::vector<double>{10, 2, 10, 2, 2, 10, 2, 10};
  EXPECT_EQ(run(config, data).report["dataset"]["classes"], Json({"2", "10"}));
  config.training.model = "linear";
  data.targets = std::vector<std::string>{"b", "a", "b", "a", "c", "c", "a", "b"};
  EXPECT_THROW(run(config, data), DataError);  // a regression target must be numbers
}

// tests/fixtures/iris.svm as a caller would hold it in memory: compressed
// sparse rows and class names.
InMemoryData iris_sparse_in_memory() {
  LoadOptions options;
  options.kind = TargetKind::kClassification;
  const Dataset d = load_dataset("tests/fixtures/iris.svm", options);
  const CsrF64& m = d.features.csr64();
  InMemoryData data;
  data.sparse_features = SparseFeatures{m.cols, m.offsets, m.indices, m.values};
  std::vector<std::string> names;
  for (Index r = 0; r < d.targets.size(); ++r) names.push_back(d.classes[static_cast<std::size_t>(d.targets(r))]);
  data.targets = names;
  data.target_name = d.target_name;
  return data;
}

TEST(RunInMemory, SparseFeaturesGiveTheReportOfTheSameSvmlightFile) {
  for (const std::string method : {"auto", "grid"}) {
    RunConfig config = quick(method);
    config.training.model = "logistic";
    config.data.input = "tests/fixtures/iris.svm";
    const lrfind::Run from_file = run(config);
    const lrfind::Run in_memory = run(config, iris_sparse_in_memory());
    EXPECT_EQ(without_input(in_memory.report), without_input(from_file.report)) << method;
    EXPECT_EQ(in_memory.report["dataset"]["scaling"], "scale");
    EXPECT_EQ(in_memory.report["dataset"]["nonzeros"], 600);
    EXPECT_EQ(in_memory.report["dataset"]["feature_names"], Json::array());  // none, as for svmlight
  }
}

TEST(RunInMemory, SparseNaNDropsTheRowAndMisorderedIndicesAreAUsageError) {
  RunConfig config = quick("range");
  config.training.model = "logistic";
  InMemoryData data = iris_sparse_in_memory();
  data.sparse_features->values[5] = std::numeric_limits<double>::quiet_NaN();  // row 2
  EXPECT_EQ(run(config, data).report["dataset"]["rows_dropped"], 1);
  data.sparse_features->values[5] = std::numeric_limits<double>::infinity();
  EXPECT_THROW(run(config, data), DataError);
  data = iris_sparse_in_memory();
  std::swap(data.sparse_features->indices[0], data.sparse_features->indices[1]);
  EXPECT_THROW(run(config, data), UsageError);
  data = iris_sparse_in_memory();
  data.sparse_features->cols = 3;  // index 3 (the fourth column) is out of range
  EXPECT_THROW(run(config, data), UsageError);
}

TEST(RunStop, TwoRunsInOneProcessStopSeparately) {
  // Two grids on two threads; one is stopped once it has trained an epoch,
  // the other runs to the end.
  RunConfig config = quick("grid");
  config.data.input = "data/diabetes.csv";
  config.training.epochs = 20;
  RunContext stopped;
  stopped.progress = [stop = stopped.stop](double fraction, std::string_view stage) {
    if (stage == "grid: training" && fraction > 0.5) stop.request(SIGTERM);  // epochs in
  };
  RunContext finishing;
  lrfind::Run a, b;
  std::thread first([&] { a = run(config, stopped); });
  std::thread second([&] { b = run(config, finishing); });
  first.join();
  second.join();
  EXPECT_TRUE(stopped.stop.requested());
  EXPECT_TRUE(a.interrupted);
  EXPECT_FALSE(a.recommended_lr);  // a cut grid recommends nothing
  EXPECT_FALSE(finishing.stop.requested());
  EXPECT_FALSE(b.interrupted);
  EXPECT_TRUE(b.recommended_lr);
}

TEST(RunStop, AStopBeforeAnyResultThrowsInterrupted) {
  RunConfig config = quick("auto");
  config.data.input = "data/diabetes.csv";
  RunContext context;
  context.stop.request(SIGINT);
  try {
    run(config, context);
    ADD_FAILURE() << "no Interrupted";
  } catch (const Interrupted& e) {
    EXPECT_EQ(e.exit_code(), 130);
  }
}

TEST(RunProgress, EveryMethodGoesFromReadingThroughItsStagesInSmallSteps) {
  // Reading and preparing the data come first, each with its own stage; then
  // the method, every step of it counted. The data are small and cheap to
  // read next to the training, so the method holds nearly all of the bar.
  // Only the last step, to the end, may be larger: what was left for steps of
  // a range test that blew up sooner than the one before, or for refinement
  // evaluations that did not come.
  for (const std::string method : {"auto", "range", "grid"}) {
    RunConfig config = quick(method);
    config.data.input = "data/diabetes.csv";
    config.training.epochs = method == "grid" ? 200 : 20;
    config.range.steps = 1000;
    config.repeats = 3;
    std::vector<std::pair<double, std::string>> reports;
    RunContext context;
    context.progress = [&](double fraction, std::string_view stage) { reports.emplace_back(fraction, stage); };
    run(config, context);
    ASSERT_GT(reports.size(), 100u) << method;
    EXPECT_EQ(reports.front(), std::make_pair(0.0, std::string("reading"))) << method;
    const auto preparing = std::find_if(reports.begin(), reports.end(),
                                        [](const auto& r) { return r.second == "preparing the data"; });
    ASSERT_NE(preparing, reports.end()) << method;
    const auto training =
        std::find_if(preparing, reports.end(), [](const auto& r) { return r.second != "preparing the data"; });
    ASSERT_NE(training, reports.end()) << method;
    EXPECT_LT(training->first, 0.05) << method << ": " << training->second;
    double largest = 0.0, last_step = 0.0;
    for (std::size_t i = 1; i < reports.size(); ++i) {
      const double step = reports[i].first - reports[i - 1].first;
      EXPECT_GE(step, 0.0) << method << ": " << reports[i].second;
      double& record = reports[i].first < 1.0 ? largest : last_step;
      record = std::max(record, step);
    }
    EXPECT_LE(largest, 0.02) << method;
    EXPECT_LE(last_step, 0.2) << method;
    EXPECT_EQ(reports.back(), std::make_pair(1.0, std::string("done"))) << method;
  }
}

TEST(RunProgress, ACheckTrainsInAPartOfTheBarOfItsOwn) {
  // lr-find check's own trainings come after the method's (after auto's
  // refinement, the grid, or the range tests and their suggestions' trainings):
  // they hold a part of the bar in proportion to their estimated time, named,
  // counted in small steps, rather than leaving the bar at the method's end.
  const std::map<std::string, std::string> stage = {{"auto", "auto: checking the rate"},
                                                    {"range", "check: training the rate under check"},
                                                    {"grid", "check: training the rate under check"}};
  for (const auto& [method, check_stage] : stage) {
    RunConfig config = quick(method);
    config.data.input = "data/diabetes.csv";
    config.training.epochs = method == "grid" ? 200 : 20;
    config.range.steps = 1000;
    config.repeats = 3;
    config.check = CheckSettings{0.003, 1.0};
    std::vector<std::pair<double, std::string>> reports;
    RunContext context;
    context.progress = [&](double fraction, std::string_view s) { reports.emplace_back(fraction, s); };
    run(config, context);
    const auto in_check = [&](const auto& r) { return r.second == check_stage; };
    const auto first = std::find_if(reports.begin(), reports.end(), in_check);
    ASSERT_NE(first, reports.end()) << method << ": no report of " << check_stage;
    EXPECT_LT(first->first, 0.97) << method;
    EXPECT_GE(std::count_if(first, reports.end(), in_check), 5) << method;
    if (method == "range") {
      EXPECT_TRUE(std::any_of(reports.begin(), first, [](const auto& r) {
        return r.second == "check: training the suggested rates" && r.first < 0.9;
      }));
    }
    double largest = 0.0, last_step = 0.0;
    for (std::size_t i = 1; i < reports.size(); ++i) {
      const double step = reports[i].first - reports[i - 1].first;
      EXPECT_GE(step, 0.0) << method << ": " << reports[i].second;
      double& record = reports[i].first < 1.0 ? largest : last_step;
      record = std::max(record, step);
    }
    EXPECT_LE(largest, 0.02) << method;
    EXPECT_LE(last_step, 0.2) << method;
    EXPECT_EQ(reports.back(), std::make_pair(1.0, std::string("done"))) << method;
  }
}

}  // namespace
}  // namespace lrfind
