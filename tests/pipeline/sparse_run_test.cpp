// Sparse features train to the same numbers as the same features held
// densely (README "svmlight / libsvm input"): for every model kind, optimizer
// and method, a run on compressed sparse rows gives the report of the run on
// the dense matrix, within 1e-9 relative, with the same scaling.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "lrfind/error.hpp"
#include "pipeline/registries.hpp"
#include "pipeline/run.hpp"
#include "report/report.hpp"

namespace lrfind {
namespace {

using Json = nlohmann::ordered_json;

// A data set of `rows` x `cols` features, about a quarter of them non-zero,
// with a target of the model kind (classes: 0..classes-1; 0: regression).
Dataset make_dense(int rows, int cols, int classes, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  Dataset d;
  Matrix X = Matrix::Zero(rows, cols);
  Eigen::VectorXd w(cols);
  for (int c = 0; c < cols; ++c) w(c) = normal(gen);
  d.targets.resize(rows);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c)
      if (unit(gen) < 0.25) X(r, c) = normal(gen) * (1.0 + c);  // columns of different scales
    const double z = X.row(r).dot(w) / (1.0 + cols) + 0.3 * normal(gen);
    if (classes == 0)
      d.targets(r) = 3.0 * z + 1.0;
    else
      d.targets(r) = std::min<double>(classes - 1, std::floor(classes * (std::tanh(z) + 1.0) / 2.0));
  }
  for (int k = 0; k < classes; ++k) d.classes.push_back(fmt::format("c{}", k));
  for (int c = 0; c < cols; ++c) d.feature_names.push_back(fmt::format("x{}", c + 1));
  d.target_name = "y";
  d.features = Features(std::move(X));
  d.rows_read = d.rows_sampled = static_cast<std::size_t>(rows);
  return d;
}

// The same data with its features as compressed sparse rows.
Dataset to_sparse(const Dataset& dense, Precision precision) {
  Dataset d = dense;
  const Matrix& X = dense.features.f64();
  CsrF64 m64;
  CsrF32 m32;
  m64.cols = m32.cols = X.cols();
  for (Index r = 0; r < X.rows(); ++r) {
    for (Index c = 0; c < X.cols(); ++c) {
      if (X(r, c) == 0.0) continue;
      m64.indices.push_back(static_cast<std::int32_t>(c));
      m64.values.push_back(X(r, c));
      m32.indices.push_back(static_cast<std::int32_t>(c));
      m32.values.push_back(static_cast<float>(X(r, c)));
    }
    m64.offsets.push_back(static_cast<std::int64_t>(m64.indices.size()));
    m32.offsets.push_back(static_cast<std::int64_t>(m32.indices.size()));
  }
  d.features = precision == Precision::kFloat32 ? Features(std::move(m32)) : Features(std::move(m64));
  d.feature_names.clear();
  return d;
}

// Fields that differ by design between the two: the names and the count of
// stored values, and the clock.
Json comparable(Json report) {
  Json& data = report["dataset"];
  data.erase("feature_names");
  data.erase("nonzeros");
  return report;
}

// Every number within `tolerance` relative (absolute near zero), every other value equal.
void expect_near(const Json& a, const Json& b, const std::string& where, double tolerance, int& failures) {
  if (failures > 5) return;
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>(), y = b.get<double>();
    if (!(std::abs(x - y) <= tolerance * std::max({std::abs(x), std::abs(y), 1e-6})) && !(std::isnan(x) && std::isnan(y))) {
      ADD_FAILURE() << where << ": " << x << " vs " << y;
      ++failures;
    }
    return;
  }
  if (a.type() != b.type() || a.size() != b.size()) {
    ADD_FAILURE() << where << ": " << a.dump().substr(0, 200) << " vs " << b.dump().substr(0, 200);
    ++failures;
    return;
  }
  if (a.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key())) {
        ADD_FAILURE() << where << "." << it.key() << " missing";
        ++failures;
        continue;
      }
      expect_near(it.value(), b[it.key()], where + "." + it.key(), tolerance, failures);
    }
  } else if (a.is_array()) {
    for (std::size_t i = 0; i < a.size(); ++i)
      expect_near(a[i], b[i], fmt::format("{}[{}]", where, i), tolerance, failures);
  } else if (a != b) {
    ADD_FAILURE() << where << ": " << a.dump() << " vs " << b.dump();
    ++failures;
  }
}

struct Case {
  std::string model;
  int classes;
  std::optional<double> l2 = std::nullopt;  // the model's default
};

RunConfig config_for(const Case& c, const std::string& optimizer, const std::string& method) {
  RunConfig config;
  config.training.model = c.model;
  config.training.optimizer = optimizer;
  config.method = method;
  config.data.scaling = "scale";
  config.training.l2 = c.l2;
  config.repeats = 1;
  config.folds = 3;
  config.training.epochs = 2;
  config.training.batch_size = 16;
  config.grid.points = 5;
  config.range.steps = 40;
  if (method == "check") {
    config.method = "auto";
    config.check = CheckSettings{};
    config.check->lr = 0.05;
  }
  return config;
}

Json report_of(const RunConfig& config, Dataset data) {
  return comparable(make_report(run_on_dataset(config, std::move(data), "data", RunContext{}, builtin_registries())));
}

class SparseEqualsDense : public ::testing::TestWithParam<std::string> {};

TEST_P(SparseEqualsDense, EveryModelKindAndMethod) {
  const std::string optimizer = GetParam();
  for (const Case& c : {Case{"linear", 0}, Case{"logistic", 2}, Case{"logistic", 3}, Case{"svm", 2}, Case{"svm", 3},
                       Case{"svm", 2, 0.0}}) {
    const Dataset dense = make_dense(120, 9, c.classes, 7);
    const Dataset sparse = to_sparse(dense, Precision::kFloat64);
    for (const std::string method : {"range", "grid", "auto", "check"}) {
      SCOPED_TRACE(fmt::format("{} {} classes, {}, {}", c.model, c.classes, optimizer, method));
      const RunConfig config = config_for(c, optimizer, method);
      int failures = 0;
      expect_near(report_of(config, dense), report_of(config, sparse), "report", 1e-9, failures);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllOptimizers, SparseEqualsDense,
                         ::testing::Values("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"));

TEST(SparseFeatures, DefaultToScalingWithoutCentringAndRefuseZscore) {
  const Dataset dense = make_dense(60, 5, 2, 3);
  RunConfig config = config_for({"logistic", 2}, "sgd", "range");
  config.data.scaling.clear();
  const Json report = make_report(run_on_dataset(config, to_sparse(dense, Precision::kFloat64), "data", RunContext{},
                                                 builtin_registries()));
  EXPECT_EQ(report["dataset"]["scaling"], "scale");
  EXPECT_EQ(report["dataset"]["nonzeros"], to_sparse(dense, Precision::kFloat64).features.nonzeros());
  EXPECT_EQ(report["dataset"]["features"], 5);
  config.data.scaling = "zscore";
  EXPECT_THROW(run_on_dataset(config, to_sparse(dense, Precision::kFloat64), "data", RunContext{}, builtin_registries()),
               UsageError);
  // Dense data keeps z-scores by default.
  config.data.scaling.clear();
  EXPECT_EQ(make_report(run_on_dataset(config, dense, "data", RunContext{}, builtin_registries()))["dataset"]["scaling"],
            "zscore");
}

// The same non-zeros with every column c moved to 10c + 3 of 10 times the
// columns (five more empty ones at the end): nine columns in use of 95.
Dataset spread_columns(Dataset d) {
  CsrF64& m = d.features.csr64();
  for (std::int32_t& c : m.indices) c = 10 * c + 3;
  m.cols = 10 * m.cols + 5;
  return d;
}

// Columns no row uses are left out of training (Features::drop_empty_columns):
// the report is the very same, bit for bit, but for the feature count, for
// optimizers that step lazily and densely, with and without L2.
TEST(SparseFeatures, EmptyColumnsChangeNothingButTheFeatureCount) {
  for (const Case& c : {Case{"linear", 0}, Case{"logistic", 3}, Case{"svm", 2}}) {
    const Dataset sparse = to_sparse(make_dense(120, 9, c.classes, 11), Precision::kFloat64);
    for (const std::string optimizer : {"sgd", "momentum", "adam", "rmsprop", "sparse_adam"}) {
      if (optimizer == "sparse_adam" && c.model == "svm") continue;  // takes no L2
      for (const std::string method : {"range", "grid", "auto"}) {
        SCOPED_TRACE(fmt::format("{} {} classes, {}, {}", c.model, c.classes, optimizer, method));
        const RunConfig config = config_for(c, optimizer, method);
        const Json narrow = report_of(config, sparse);
        Json wide = report_of(config, spread_columns(sparse));
        EXPECT_EQ(wide["dataset"]["features"], 95);
        wide["dataset"]["features"] = 9;
        EXPECT_EQ(narrow.dump(), wide.dump());
      }
    }
  }
}

TEST(SparseFeatures, DropEmptyColumnsRenumbersTheUsedOnesInOrder) {
  CsrF32 m;
  m.cols = 10;
  m.indices = {2, 9, 5, 9};
  m.values = {1.0f, 2.0f, 3.0f, 4.0f};
  m.offsets = {0, 2, 2, 4};
  Features X(std::move(m));
  EXPECT_EQ(X.drop_empty_columns(), 7);
  EXPECT_EQ(X.cols(), 3);
  EXPECT_EQ(X.csr32().indices, (std::vector<std::int32_t>{0, 2, 1, 2}));
  EXPECT_EQ(X(2, 1), 3.0);
  EXPECT_EQ(X.drop_empty_columns(), 0);  // none left to drop
  // Two billion columns, four in use: the distinct indices are searched
  // instead (no table of every column), to the same numbers.
  CsrF64 huge;
  huge.cols = 2147483647;
  huge.indices = {2, 2147483646, 5, 2147483646};
  huge.values = {1.0, 2.0, 3.0, 4.0};
  huge.offsets = {0, 2, 2, 4};
  Features stray(std::move(huge));
  EXPECT_EQ(stray.drop_empty_columns(), 2147483647 - 3);
  EXPECT_EQ(stray.cols(), 3);
  EXPECT_EQ(stray.csr64().indices, (std::vector<std::int32_t>{0, 2, 1, 2}));
  // No value at all (label-only rows with --features 5): one empty column stays.
  CsrF64 none;
  none.cols = 5;
  none.offsets = {0, 0, 0};
  Features empty(std::move(none));
  EXPECT_EQ(empty.drop_empty_columns(), 4);
  EXPECT_EQ(empty.cols(), 1);
  Features dense(Matrix(Matrix::Zero(2, 3)));
  EXPECT_EQ(dense.drop_empty_columns(), 0);
  EXPECT_EQ(dense.cols(), 3);
}

TEST(SparseFeatures, Float32StorageStaysWithinSinglePrecisionOfFloat64) {
  const Dataset dense = make_dense(120, 9, 2, 5);
  const RunConfig config = config_for({"logistic", 2}, "sgd", "grid");
  int failures = 0;
  expect_near(report_of(config, to_sparse(dense, Precision::kFloat64)),
              [&] {
                Json r = report_of(config, to_sparse(dense, Precision::kFloat32));
                r["dataset"]["precision"] = "float64";
                return r;
              }(),
              "report", 1e-4, failures);
}

}  // namespace
}  // namespace lrfind
