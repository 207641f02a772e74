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
#include "train/model_kind.hpp"
#include "train/train_support.hpp"

namespace lrfind {
namespace {

using testing::loss_of;
using testing::make;
using testing::rows_loss_of;

// Central finite differences of the full loss (data + penalty) in every parameter.
Params numeric_gradient(const Model& model, const Matrix& X, const Vector& y, Params params) {
  Params g(params.rows(), params.cols());
  const double h = 1e-6;
  for (Index i = 0; i < params.size(); ++i) {
    const double saved = params.data()[i];
    params.data()[i] = saved + h;
    const double up = loss_of(model, X, y, params, nullptr);
    params.data()[i] = saved - h;
    const double down = loss_of(model, X, y, params, nullptr);
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
  loss_of(model, p.X, p.y, params, &analytic);
  const Params numeric = numeric_gradient(model, p.X, p.y, params);
  ASSERT_EQ(analytic.rows(), 5);
  ASSERT_EQ(analytic.cols(), model.outputs());
  for (Index i = 0; i < analytic.size(); ++i)
    EXPECT_NEAR(analytic.data()[i], numeric.data()[i], 1e-6 * std::max(1.0, std::abs(numeric.data()[i])))
        << "parameter " << i;
}

TEST(ModelGradient, LinearMatchesFiniteDifferences) {
  expect_gradient_matches_finite_differences(make("linear", 4, 0, 0.3), 0);
}
TEST(ModelGradient, BinaryLogisticMatchesFiniteDifferences) {
  expect_gradient_matches_finite_differences(make("logistic", 4, 2, 0.3), 2);
}
TEST(ModelGradient, SoftmaxMatchesFiniteDifferences) {
  expect_gradient_matches_finite_differences(make("logistic", 4, 3, 0.3), 3);
}
// Hinge losses are piecewise linear: random data and weights keep every
// margin away from its kink, where the subgradient is not a derivative.
TEST(ModelGradient, BinaryHingeMatchesFiniteDifferences) {
  expect_gradient_matches_finite_differences(make("svm", 4, 2, 0.3), 2);
}
TEST(ModelGradient, MultiMarginMatchesFiniteDifferences) {
  expect_gradient_matches_finite_differences(make("svm", 4, 4, 0.3), 4);
}

TEST(LinearRegression, LossAndGradientMatchHandComputation) {
  // X = [1; 2], y = [1; 3], w = 0.5, b = 0: residuals -0.5 and -2.
  Matrix X(2, 1);
  X << 1, 2;
  Vector y(2);
  y << 1, 3;
  const Model model = make("linear", 1, 0, 0.0);
  Params params(2, 1);
  params << 0.5, 0.0;
  Params g;
  EXPECT_DOUBLE_EQ(loss_of(model, X, y, params, &g), (0.25 + 4.0) / 2);
  EXPECT_DOUBLE_EQ(g(0, 0), (2.0 / 2) * (1 * -0.5 + 2 * -2.0));
  EXPECT_DOUBLE_EQ(g(1, 0), (2.0 / 2) * (-0.5 - 2.0));
}

TEST(LinearRegression, PenaltyExcludesIntercept) {
  Matrix X(1, 2);
  X << 0, 0;
  Vector y(1);
  y << 0;
  const Model model = make("linear", 2, 0, 0.5);
  Params params(3, 1);
  params << 1.0, 2.0, 100.0;  // intercept 100 predicts 100 for y = 0
  Params g;
  // (100 - 0)^2 + 0.5/2 * (1 + 4)
  EXPECT_DOUBLE_EQ(loss_of(model, X, y, params, &g), 10000.0 + 1.25);
  EXPECT_DOUBLE_EQ(g(0, 0), 0.5 * 1.0);
  EXPECT_DOUBLE_EQ(g(1, 0), 0.5 * 2.0);
  EXPECT_DOUBLE_EQ(g(2, 0), 200.0);
  EXPECT_DOUBLE_EQ(model.penalty(params), 1.25);
}

TEST(BinaryLogistic, ZeroWeightsGiveLogTwo) {
  const Problem p = random_problem(10, 3, 2, 1);
  const Model model = make("logistic", 3, 2, 0.0);
  Params g;
  EXPECT_DOUBLE_EQ(loss_of(model, p.X, p.y, model.initial_params(), &g), std::log(2.0));
  // d/db = mean(sigmoid(0) - t) = 0.5 - mean(t)
  EXPECT_NEAR(g(3, 0), 0.5 - p.y.mean(), 1e-15);
}

TEST(BinaryLogistic, LargeMarginsDoNotOverflow) {
  Matrix X(2, 1);
  X << 1, -1;
  Vector y(2);
  y << 0, 0;
  const Model model = make("logistic", 1, 2, 0.0);
  Params params(2, 1);
  params << 1000.0, 0.0;  // z = 1000 (wrong side, loss 1000) and z = -1000 (right side, loss ~0)
  Params g;
  const double loss = loss_of(model, X, y, params, &g);
  EXPECT_DOUBLE_EQ(loss, 1000.0 / 2);
  EXPECT_TRUE(g.allFinite());
  EXPECT_DOUBLE_EQ(g(0, 0), (1.0 * 1 + 0.0 * -1) / 2);
}

TEST(SoftmaxRegression, ZeroWeightsGiveLogClasses) {
  const Problem p = random_problem(9, 2, 3, 2);
  const Model model = make("logistic", 2, 3, 0.0);
  EXPECT_NEAR(loss_of(model, p.X, p.y, model.initial_params(), nullptr), std::log(3.0), 1e-15);
}

TEST(SoftmaxRegression, HugeScoresStayFinite) {
  Matrix X(1, 1);
  X << 1;
  Vector y(1);
  y << 0;
  const Model model = make("logistic", 1, 3, 0.0);
  Params params = model.initial_params();
  params(0, 1) = 1e5;  // z = (0, 1e5, 0): loss = logsumexp - z_0 = 1e5
  Params g;
  EXPECT_DOUBLE_EQ(loss_of(model, X, y, params, &g), 1e5);
  EXPECT_TRUE(g.allFinite());
}

TEST(BinaryHinge, LossMatchesHandComputation) {
  // z = w·x + b with w = 1, b = 0.25: z = (2.25, 0.75, -2.75, 1.25); classes
  // (1, 1, 0, 0) -> s = (+1, +1, -1, -1).
  Matrix X(4, 1);
  X << 2, 0.5, -3, 1;
  Vector y(4);
  y << 1, 1, 0, 0;
  const Model model = make("svm", 1, 2, 0.0);
  Params params(2, 1);
  params << 1.0, 0.25;
  Params g;
  // margins 1 - s·z: -1.25 -> 0, 0.25, -1.75 -> 0, 2.25: the second and fourth rows are active.
  EXPECT_DOUBLE_EQ(loss_of(model, X, y, params, &g), (0.25 + 2.25) / 4);
  // d/dw = mean over active rows of -s·x = (-0.5 + 1)/4; d/db = (-1 + 1)/4.
  EXPECT_DOUBLE_EQ(g(0, 0), (-0.5 + 1.0) / 4);
  EXPECT_DOUBLE_EQ(g(1, 0), 0.0);
  // Moving the fourth row out of the margin leaves only the second: d/db = -1/4.
  X(3, 0) = -2;
  loss_of(model, X, y, params, &g);
  EXPECT_DOUBLE_EQ(g(0, 0), -0.5 / 4);
  EXPECT_DOUBLE_EQ(g(1, 0), -0.25);
}

TEST(MultiMarginHinge, MatchesTorchDocumentationExample) {
  // torch.nn.MultiMarginLoss docs: x = [[0.1, 0.2, 0.4, 0.8]], y = [3] -> 0.3250
  Matrix X(1, 1);
  X << 1;
  Vector y(1);
  y << 3;
  const Model model = make("svm", 1, 4, 0.0);
  Params params = model.initial_params();
  params.row(0) << 0.1, 0.2, 0.4, 0.8;
  Params g;
  EXPECT_NEAR(loss_of(model, X, y, params, &g), 0.325, 1e-15);
  // Each of the three wrong classes is inside the margin: +1/4 each, -3/4 on the true class.
  EXPECT_DOUBLE_EQ(g(0, 0), 0.25);
  EXPECT_DOUBLE_EQ(g(0, 3), -0.75);
}

TEST(MakeModel, PicksBinaryOrMulticlassByClassCount) {
  EXPECT_EQ(make("logistic", 3, 2, 0).loss_name(), "BCEWithLogitsLoss");
  EXPECT_EQ(make("logistic", 3, 5, 0).outputs(), 5);
  EXPECT_EQ(make("logistic", 3, 5, 0).loss_name(), "CrossEntropyLoss");
  EXPECT_EQ(make("svm", 3, 2, 0).loss_name(), "hinge");
  EXPECT_EQ(make("svm", 3, 3, 0).loss_name(), "MultiMarginLoss");
  EXPECT_EQ(make("linear", 3, 0, 0).outputs(), 1);
  EXPECT_EQ(make("linear", 3, 0, 0).loss_name(), "MSELoss");
  EXPECT_THROW(builtin_model_kinds().at("tree"), UsageError);
  EXPECT_EQ(builtin_model_kinds().at("svm").default_l2, 1e-4);
  EXPECT_EQ(builtin_model_kinds().at("logistic").default_l2, 0.0);
  EXPECT_EQ(builtin_model_kinds().at("linear").target, TargetKind::kRegression);
  EXPECT_EQ(builtin_model_kinds().at("svm").target, TargetKind::kClassification);
}

TEST(MeanLoss, ChunkedEqualsWholeBatch) {
  const Problem p = random_problem(10000, 3, 3, 5);
  const Model model = make("logistic", 3, 3, 0.2);
  const Params params = random_params(model, 3);
  std::vector<Index> rows(10000);
  std::iota(rows.begin(), rows.end(), 0);
  const double whole = loss_of(model, p.X, p.y, params, nullptr);
  EXPECT_NEAR(mean_loss(model, p.X, p.y, rows, params, true), whole, 1e-12);
  EXPECT_NEAR(mean_loss(model, p.X, p.y, rows, params, false), whole - model.penalty(params), 1e-12);
  EXPECT_GT(model.penalty(params), 0.0);
}

TEST(RowsLossGradient, ByChunksEqualsTheWholeBatchForEveryModel) {
  // 10,001 shuffled rows: two full chunks and a short one, each weighted by its share.
  for (const auto& [kind, classes] : std::vector<std::pair<std::string, int>>{
           {"linear", 0}, {"logistic", 2}, {"logistic", 5}, {"svm", 2}, {"svm", 4}}) {
    const Problem p = random_problem(10001, 4, classes, 9);
    const Model model = make(kind, 4, static_cast<std::size_t>(classes), 0.05);
    const Params params = random_params(model, 13);
    std::vector<Index> rows(10001);
    std::iota(rows.begin(), rows.end(), 0);
    std::shuffle(rows.begin(), rows.end(), std::mt19937(2));
    Chunk gathered;
    gathered.gather(p.X, p.y, rows);
    Params whole_gradient, chunked_gradient;
    const double whole = loss_of(model, gathered.all().x, gathered.all().y, params, &whole_gradient);
    const double chunked = rows_loss_of(model, p.X, p.y, rows, params, &chunked_gradient);
    const std::string what = kind + " " + std::to_string(classes);
    EXPECT_NEAR(chunked, whole, 1e-13 * std::abs(whole)) << what;
    ASSERT_EQ(chunked_gradient.rows(), whole_gradient.rows()) << what;
    ASSERT_EQ(chunked_gradient.cols(), whole_gradient.cols()) << what;
    EXPECT_LT((chunked_gradient - whole_gradient).norm(), 1e-13 * whole_gradient.norm()) << what;
    EXPECT_NEAR(rows_loss_of(model, p.X, p.y, rows, params, nullptr), whole, 1e-13 * std::abs(whole)) << what;
  }
}

TEST(RowsLossGradient, WideRowsAreReadInSmallerChunks) {
  EXPECT_EQ(Model::chunk_rows(20), 4096);
  EXPECT_EQ(Model::chunk_rows(1000), 524);  // 4 MiB of features
  EXPECT_EQ(Model::chunk_rows(Index{1} << 40), 1);
  // 300 columns: chunks of 1747 rows, so 5,000 rows are three of them.
  const Problem p = random_problem(5000, 300, 3, 4);
  const Model model = make("logistic", 300, 3, 0.01);
  const Params params = random_params(model, 5);
  std::vector<Index> rows(5000);
  std::iota(rows.begin(), rows.end(), 0);
  Params whole_gradient, chunked_gradient;
  const double whole = loss_of(model, p.X, p.y, params, &whole_gradient);
  const double chunked = rows_loss_of(model, p.X, p.y, rows, params, &chunked_gradient);
  EXPECT_NEAR(chunked, whole, 1e-13 * std::abs(whole));
  EXPECT_LT((chunked_gradient - whole_gradient).norm(), 1e-13 * whole_gradient.norm());
}

TEST(Chunk, GathersTheNamedRowsInOrder) {
  Matrix X(3, 2);
  X << 1, 2, 3, 4, 5, 6;
  Vector y(3);
  y << 10, 20, 30;
  Chunk chunk;
  const std::vector<Index> rows{2, 0};
  chunk.gather(X, y, rows);
  ASSERT_EQ(chunk.rows(), 2);
  EXPECT_EQ(chunk.all().x(0, 0), 5);
  EXPECT_EQ(chunk.all().x(1, 1), 2);
  EXPECT_EQ(chunk.all().y(0), 30);
  EXPECT_EQ(chunk.view(1, 1).y(0), 10);
}

TEST(StackedModels, EachColumnBlockTrainsAsTheModelAlone) {
  // Three softmax models side by side with their own weights and a penalty:
  // each model's loss and gradient equal those of the model on its own (to
  // the rounding of a matrix product's blocking, which depends on its width),
  // at batch sizes on both sides of the tiny-batch loop.
  for (const Index rows : {1, 3, 4, 5, 40}) {
    const Problem p = random_problem(rows, 4, 3, 21);
    const Model model = make("logistic", 4, 3, 0.1);
    Params stacked = model.initial_params(3);
    for (Index k = 0; k < 3; ++k) stacked.middleCols(k * 3, 3) = random_params(model, 30 + static_cast<unsigned>(k));
    Workspace ws;
    double losses[3];
    Params gradient;
    model.loss_gradient(Chunk::Rows{p.X, p.y}, stacked, 3, losses, &gradient, ws);
    for (Index k = 0; k < 3; ++k) {
      Params alone;
      const double loss = loss_of(model, p.X, p.y, stacked.middleCols(k * 3, 3), &alone);
      EXPECT_NEAR(losses[k], loss, 1e-14 * loss) << rows;
      EXPECT_LE((gradient.middleCols(k * 3, 3) - alone).norm(), 1e-14 * alone.norm()) << rows;
      EXPECT_GT(alone.norm(), 0.0);
    }
  }
}

TEST(ProductBlocking, EveryModelPinsTheCacheSizesWhateverTheMachineReports) {
  // As if on a machine with small caches: Eigen would cut long products into
  // other partial sums there, and their last bits would differ.
  Eigen::setCpuCacheSizes(8192, 65536, 262144);
  const Model model = make("linear", 3, 0, 0.0);
  EXPECT_EQ(Eigen::l1CacheSize(), 49152);
  EXPECT_EQ(Eigen::l2CacheSize(), 2097152);
  EXPECT_EQ(Eigen::l3CacheSize(), 314572800);
}

}  // namespace
}  // namespace lrfind
