#include "train/model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "lrfind/error.hpp"

namespace lrfind {
namespace {

// Central finite differences of the full loss (data + penalty) in every parameter.
Params numeric_gradient(const Model& model, const Matrix& X, const Vector& y, Params params) {
  Params g(params.rows(), params.cols());
  const double h = 1e-6;
  for (Index i = 0; i < params.size(); ++i) {
    const double saved = params.data()[i];
    params.data()[i] = saved + h;
    const double up = model.loss_gradient(X, y, params, nullptr);
    params.data()[i] = saved - h;
    const double down = model.loss_gradient(X, y, params, nullptr);
    params.data()[i] = saved;
    g.data()[i] = (up - down) / (2 * h);
  }
  return g;
}

struct Problem {
  Matrix X;
  Vector y;
};

Problem random_problem(Index rows, Index features, int classes, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  Problem p{Matrix(rows, features), Vector(rows)};
  for (Index i = 0; i < p.X.size(); ++i) p.X.data()[i] = normal(gen);
  for (Index i = 0; i < rows; ++i)
    p.y(i) = classes == 0 ? 3.0 * normal(gen) : static_cast<double>(i % classes);
  return p;
}

Params random_params(const Model& model, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal(0.0, 0.7);
  Params p = model.initial_params();
  for (Index i = 0; i < p.size(); ++i) p.data()[i] = normal(gen);
  return p;
}

void expect_gradient_matches_finite_differences(const Model& model, int classes) {
  const Problem p = random_problem(13, 4, classes, 7);
  const Params params = random_params(model, 11);
  Params analytic;
  model.loss_gradient(p.X, p.y, params, &analytic);
  const Params numeric = numeric_gradient(model, p.X, p.y, params);
  ASSERT_EQ(analytic.rows(), 5);
  ASSERT_EQ(analytic.cols(), model.outputs());
  for (Index i = 0; i < analytic.size(); ++i)
    EXPECT_NEAR(analytic.data()[i], numeric.data()[i], 1e-6 * std::max(1.0, std::abs(numeric.data()[i])))
        << "parameter " << i;
}

TEST(ModelGradient, LinearMatchesFiniteDifferences) {
  expect_gradient_matches_finite_differences(LinearRegression(4, 0.3), 0);
}
TEST(ModelGradient, BinaryLogisticMatchesFiniteDifferences) {
  expect_gradient_matches_finite_differences(BinaryLogistic(4, 0.3), 2);
}
TEST(ModelGradient, SoftmaxMatchesFiniteDifferences) {
  expect_gradient_matches_finite_differences(SoftmaxRegression(4, 3, 0.3), 3);
}
// Hinge losses are piecewise linear: random data and weights keep every
// margin away from its kink, where the subgradient is not a derivative.
TEST(ModelGradient, BinaryHingeMatchesFiniteDifferences) {
  expect_gradient_matches_finite_differences(BinaryHinge(4, 0.3), 2);
}
TEST(ModelGradient, MultiMarginMatchesFiniteDifferences) {
  expect_gradient_matches_finite_differences(MultiMarginHinge(4, 4, 0.3), 4);
}

TEST(LinearRegression, LossAndGradientMatchHandComputation) {
  // X = [1; 2], y = [1; 3], w = 0.5, b = 0: residuals -0.5 and -2.
  Matrix X(2, 1);
  X << 1, 2;
  Vector y(2);
  y << 1, 3;
  const LinearRegression model(1, 0.0);
  Params params(2, 1);
  params << 0.5, 0.0;
  Params g;
  EXPECT_DOUBLE_EQ(model.loss_gradient(X, y, params, &g), (0.25 + 4.0) / 2);
  EXPECT_DOUBLE_EQ(g(0, 0), (2.0 / 2) * (1 * -0.5 + 2 * -2.0));
  EXPECT_DOUBLE_EQ(g(1, 0), (2.0 / 2) * (-0.5 - 2.0));
}

TEST(LinearRegression, PenaltyExcludesIntercept) {
  Matrix X(1, 2);
  X << 0, 0;
  Vector y(1);
  y << 0;
  const LinearRegression model(2, 0.5);
  Params params(3, 1);
  params << 1.0, 2.0, 100.0;  // intercept 100 predicts 100 for y = 0
  Params g;
  // (100 - 0)^2 + 0.5/2 * (1 + 4)
  EXPECT_DOUBLE_EQ(model.loss_gradient(X, y, params, &g), 10000.0 + 1.25);
  EXPECT_DOUBLE_EQ(g(0, 0), 0.5 * 1.0);
  EXPECT_DOUBLE_EQ(g(1, 0), 0.5 * 2.0);
  EXPECT_DOUBLE_EQ(g(2, 0), 200.0);
  EXPECT_DOUBLE_EQ(model.penalty(params), 1.25);
}

TEST(BinaryLogistic, ZeroWeightsGiveLogTwo) {
  const Problem p = random_problem(10, 3, 2, 1);
  const BinaryLogistic model(3, 0.0);
  Params g;
  EXPECT_DOUBLE_EQ(model.loss_gradient(p.X, p.y, model.initial_params(), &g), std::log(2.0));
  // d/db = mean(sigmoid(0) - t) = 0.5 - mean(t)
  EXPECT_NEAR(g(3, 0), 0.5 - p.y.mean(), 1e-15);
}

TEST(BinaryLogistic, LargeMarginsDoNotOverflow) {
  Matrix X(2, 1);
  X << 1, -1;
  Vector y(2);
  y << 0, 0;
  const BinaryLogistic model(1, 0.0);
  Params params(2, 1);
  params << 1000.0, 0.0;  // z = 1000 (wrong side, loss 1000) and z = -1000 (right side, loss ~0)
  Params g;
  const double loss = model.loss_gradient(X, y, params, &g);
  EXPECT_DOUBLE_EQ(loss, 1000.0 / 2);
  EXPECT_TRUE(g.allFinite());
  EXPECT_DOUBLE_EQ(g(0, 0), (1.0 * 1 + 0.0 * -1) / 2);
}

TEST(SoftmaxRegression, ZeroWeightsGiveLogClasses) {
  const Problem p = random_problem(9, 2, 3, 2);
  const SoftmaxRegression model(2, 3, 0.0);
  EXPECT_NEAR(model.loss_gradient(p.X, p.y, model.initial_params(), nullptr), std::log(3.0), 1e-15);
}

TEST(SoftmaxRegression, HugeScoresStayFinite) {
  Matrix X(1, 1);
  X << 1;
  Vector y(1);
  y << 0;
  const SoftmaxRegression model(1, 2 + 1, 0.0);
  Params params = model.initial_params();
  params(0, 1) = 1e5;  // z = (0, 1e5, 0): loss = logsumexp - z_0 = 1e5
  Params g;
  EXPECT_DOUBLE_EQ(model.loss_gradient(X, y, params, &g), 1e5);
  EXPECT_TRUE(g.allFinite());
}

TEST(BinaryHinge, LossMatchesHandComputation) {
  // z = w·x with w = 1: z = (2, 0.5, -3, 0.5); classes (1, 1, 0, 0) -> s = (+1, +1, -1, -1)
  Matrix X(4, 1);
  X << 2, 0.5, -3, 0.5;
  Vector y(4);
  y << 1, 1, 0, 0;
  const BinaryHinge model(1, 0.0);
  Params params(2, 1);
  params << 1.0, 0.0;
  Params g;
  // margins: 1-2 -> 0, 1-0.5 = 0.5, 1-3 -> 0, 1+0.5 = 1.5
  EXPECT_DOUBLE_EQ(model.loss_gradient(X, y, params, &g), (0.5 + 1.5) / 4);
  // dw = (-1·0.5 + 1·0.5)/4 = 0; db = (-1 + 1)/4 = 0
  EXPECT_DOUBLE_EQ(g(0, 0), (-0.5 + 0.5) / 4);
  EXPECT_DOUBLE_EQ(g(1, 0), 0.0);
}

TEST(MultiMarginHinge, MatchesTorchDocumentationExample) {
  // torch.nn.MultiMarginLoss docs: x = [[0.1, 0.2, 0.4, 0.8]], y = [3] -> 0.3250
  Matrix X(1, 1);
  X << 1;
  Vector y(1);
  y << 3;
  const MultiMarginHinge model(1, 4, 0.0);
  Params params = model.initial_params();
  params.row(0) << 0.1, 0.2, 0.4, 0.8;
  Params g;
  EXPECT_NEAR(model.loss_gradient(X, y, params, &g), 0.325, 1e-15);
  // Each of the three wrong classes is inside the margin: +1/4 each, -3/4 on the true class.
  EXPECT_DOUBLE_EQ(g(0, 0), 0.25);
  EXPECT_DOUBLE_EQ(g(0, 3), -0.75);
}

TEST(MakeModel, PicksBinaryOrMulticlassByClassCount) {
  EXPECT_EQ(make_model(ModelKind::kLogistic, 3, 2, 0)->loss_name(), "BCEWithLogitsLoss");
  EXPECT_EQ(make_model(ModelKind::kLogistic, 3, 5, 0)->outputs(), 5);
  EXPECT_EQ(make_model(ModelKind::kSvm, 3, 2, 0)->loss_name(), "hinge");
  EXPECT_EQ(make_model(ModelKind::kSvm, 3, 3, 0)->loss_name(), "MultiMarginLoss");
  EXPECT_EQ(make_model(ModelKind::kLinear, 3, 0, 0)->outputs(), 1);
  EXPECT_THROW(parse_model_kind("tree"), UsageError);
  EXPECT_EQ(default_l2(ModelKind::kSvm), 1e-4);
  EXPECT_EQ(default_l2(ModelKind::kLogistic), 0.0);
}

TEST(MeanLoss, ChunkedEqualsWholeBatch) {
  const Problem p = random_problem(10000, 3, 3, 5);
  const SoftmaxRegression model(3, 3, 0.2);
  const Params params = random_params(model, 3);
  std::vector<Index> rows(10000);
  std::iota(rows.begin(), rows.end(), 0);
  const double whole = model.loss_gradient(p.X, p.y, params, nullptr);
  EXPECT_NEAR(mean_loss(model, p.X, p.y, rows, params, true), whole, 1e-12);
  EXPECT_NEAR(mean_loss(model, p.X, p.y, rows, params, false), whole - model.penalty(params), 1e-12);
}

TEST(RowsLossGradient, ByChunksEqualsTheWholeBatchForEveryModel) {
  // 10,001 shuffled rows: two full chunks and a short one, each weighted by its share.
  for (const auto& [kind, classes] : std::vector<std::pair<ModelKind, int>>{
           {ModelKind::kLinear, 0}, {ModelKind::kLogistic, 2}, {ModelKind::kLogistic, 5}, {ModelKind::kSvm, 2},
           {ModelKind::kSvm, 4}}) {
    const Problem p = random_problem(10001, 4, classes, 9);
    const auto model = make_model(kind, 4, static_cast<std::size_t>(classes), 0.05);
    const Params params = random_params(*model, 13);
    std::vector<Index> rows(10001);
    std::iota(rows.begin(), rows.end(), 0);
    std::shuffle(rows.begin(), rows.end(), std::mt19937(2));
    Matrix Xb;
    Vector yb;
    gather_rows(p.X, p.y, rows, Xb, yb);
    Params whole_gradient, chunked_gradient;
    const double whole = model->loss_gradient(Xb, yb, params, &whole_gradient);
    const double chunked = model->rows_loss_gradient(p.X, p.y, rows, params, &chunked_gradient);
    const std::string what = std::string(to_string(kind)) + " " + std::to_string(classes);
    EXPECT_NEAR(chunked, whole, 1e-13 * std::abs(whole)) << what;
    ASSERT_EQ(chunked_gradient.rows(), whole_gradient.rows()) << what;
    ASSERT_EQ(chunked_gradient.cols(), whole_gradient.cols()) << what;
    EXPECT_LT((chunked_gradient - whole_gradient).norm(), 1e-13 * whole_gradient.norm()) << what;
    EXPECT_NEAR(model->rows_loss_gradient(p.X, p.y, rows, params, nullptr), whole, 1e-13 * std::abs(whole)) << what;
  }
}

TEST(RowsLossGradient, WideRowsAreReadInSmallerChunks) {
  EXPECT_EQ(Model::chunk_rows(20), 4096);
  EXPECT_EQ(Model::chunk_rows(1000), 524);  // 4 MiB of features
  EXPECT_EQ(Model::chunk_rows(Index{1} << 40), 1);
  // 300 columns: chunks of 1747 rows, so 5,000 rows are three of them.
  const Problem p = random_problem(5000, 300, 3, 4);
  const auto model = make_model(ModelKind::kLogistic, 300, 3, 0.01);
  const Params params = random_params(*model, 5);
  std::vector<Index> rows(5000);
  std::iota(rows.begin(), rows.end(), 0);
  Params whole_gradient, chunked_gradient;
  const double whole = model->loss_gradient(p.X, p.y, params, &whole_gradient);
  const double chunked = model->rows_loss_gradient(p.X, p.y, rows, params, &chunked_gradient);
  EXPECT_NEAR(chunked, whole, 1e-13 * std::abs(whole));
  EXPECT_LT((chunked_gradient - whole_gradient).norm(), 1e-13 * whole_gradient.norm());
}

TEST(GatherRows, CopiesTheNamedRowsInOrder) {
  Matrix X(3, 2);
  X << 1, 2, 3, 4, 5, 6;
  Vector y(3);
  y << 10, 20, 30;
  Matrix Xb;
  Vector yb;
  const std::vector<Index> rows{2, 0};
  gather_rows(X, y, rows, Xb, yb);
  ASSERT_EQ(Xb.rows(), 2);
  EXPECT_EQ(Xb(0, 0), 5);
  EXPECT_EQ(Xb(1, 1), 2);
  EXPECT_EQ(yb(0), 30);
  EXPECT_EQ(yb(1), 10);
}

TEST(ProductBlocking, EveryModelPinsTheCacheSizesWhateverTheMachineReports) {
  // As if on a machine with small caches: Eigen would cut long products into
  // other partial sums there, and their last bits would differ.
  Eigen::setCpuCacheSizes(8192, 65536, 262144);
  const LinearRegression model(3, 0.0);
  EXPECT_EQ(Eigen::l1CacheSize(), 49152);
  EXPECT_EQ(Eigen::l2CacheSize(), 2097152);
  EXPECT_EQ(Eigen::l3CacheSize(), 314572800);
}

}  // namespace
}  // namespace lrfind
