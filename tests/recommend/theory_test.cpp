#include "recommend/theory.hpp"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <numeric>
#include <random>

#include "search/grid.hpp"

#include "train/train_support.hpp"

namespace lrfind {
namespace {

using testing::loss_of;
using testing::make;
using testing::make_optimizer;
using testing::optimizer;
using testing::rows_loss_of;

std::optional<double> curvature(std::string_view kind, std::size_t classes) {
  return builtin_model_kinds().at(kind).curvature(classes);
}

Matrix random_features(Index rows, Index cols, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  Matrix X(rows, cols);
  for (Index i = 0; i < X.size(); ++i) X.data()[i] = normal(gen) * (1.0 + static_cast<double>(i % cols));
  return X;
}

std::vector<Index> all_rows(Index n) {
  std::vector<Index> rows(static_cast<std::size_t>(n));
  std::iota(rows.begin(), rows.end(), Index{0});
  return rows;
}

TEST(Theory, OuterProductsAreSummedInRowOrderBitForBit) {
  // The kernel's clones (vectorised or not) must all give the plain loop's bits.
  for (const Index d : {1, 3, 20, 37})
    for (const Index count : {0, 1, 4, 7, 130}) {
      const Index stride = d + 2;  // rows need not be packed
      const Matrix X = random_features(count + 1, stride, static_cast<unsigned>(d * 1000 + count));
      Matrix g = Matrix::Constant(d, d, 0.5);
      Matrix want = g;
      detail::add_outer_products(X.data(), count, stride, d, g.data());
      for (Index r = 0; r < count; ++r)
        for (Index i = 0; i < d; ++i)
          for (Index j = 0; j <= i; ++j) want(i, j) += X(r, i) * X(r, j);
      bool same = true;
      for (Index i = 0; i < d; ++i)
        for (Index j = 0; j < d; ++j) same = same && g(i, j) == want(i, j);  // the upper triangle untouched
      EXPECT_TRUE(same) << "d " << d << " count " << count;
    }
}

TEST(Theory, PowerIterationMatchesExactEigenvalue) {
  const Matrix X = random_features(300, 6, 1);
  Eigen::MatrixXd Xt(300, 7);
  Xt << X, Eigen::VectorXd::Ones(300);
  const Eigen::MatrixXd gram = Xt.transpose() * Xt / 300.0;
  const double exact = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(gram).eigenvalues().maxCoeff();
  EXPECT_NEAR(largest_gram_eigenvalue(X, all_rows(300)), exact, 1e-8 * exact);
}

TEST(Theory, WideDataUsesMatrixFreeIterationWithTheSameAnswer) {
  const Matrix X = random_features(700, 600, 9);  // 601 columns with the intercept: no Gram matrix
  Eigen::MatrixXd Xt(700, 601);
  Xt << X, Eigen::VectorXd::Ones(700);
  const Eigen::MatrixXd gram = Xt.transpose() * Xt / 700.0;
  const double exact = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(gram).eigenvalues().maxCoeff();
  EXPECT_NEAR(largest_gram_eigenvalue(X, all_rows(700)), exact, 1e-6 * exact);
}

TEST(Theory, ConstantsPerLoss) {
  EXPECT_EQ(*curvature("linear", 0), 2.0);
  EXPECT_EQ(*curvature("logistic", 2), 0.25);
  EXPECT_EQ(*curvature("logistic", 3), 0.5);
  EXPECT_FALSE(curvature("svm", 2));
}

TEST(Theory, ExpectedSmoothnessRunsFromLmaxToL) {
  const Matrix X = random_features(50, 3, 2);
  const auto full = estimate_theory(curvature("linear", 0), 0.0, X, all_rows(50), 0);
  const auto single = estimate_theory(curvature("linear", 0), 0.0, X, all_rows(50), 1);
  ASSERT_TRUE(full && single);
  EXPECT_NEAR(full->expected_smoothness, full->smoothness, 1e-12 * full->smoothness);
  EXPECT_NEAR(single->expected_smoothness, single->max_example_smoothness, 1e-12 * single->smoothness);
  EXPECT_DOUBLE_EQ(full->max_stable_lr_full_batch, 2.0 / full->smoothness);
  EXPECT_DOUBLE_EQ(single->minibatch_lr_bound, 1.0 / (2.0 * single->max_example_smoothness));
  EXPECT_GT(single->max_example_smoothness, single->smoothness);
}

TEST(Theory, L2AddsToTheSmoothness) {
  const Matrix X = random_features(40, 3, 3);
  const auto plain = estimate_theory(curvature("logistic", 2), 0.0, X, all_rows(40), 8);
  const auto ridge = estimate_theory(curvature("logistic", 2), 0.5, X, all_rows(40), 8);
  EXPECT_NEAR(ridge->smoothness - plain->smoothness, 0.5, 1e-12);
}

// Full-batch gradient descent on least squares is stable exactly below 2/L:
// 3% under it the loss falls, 3% over it the loss grows without bound.
TEST(Theory, FullBatchLeastSquaresDivergesJustAboveTwoOverL) {
  const Index n = 200;
  const Matrix X = random_features(n, 4, 4);
  std::mt19937 gen(5);
  std::normal_distribution<double> normal(0.0, 1.0);
  Vector y(n);
  for (Index i = 0; i < n; ++i) y(i) = X(i, 0) - 2 * X(i, 3) + 3 + normal(gen);
  const std::vector<Index> rows = all_rows(n);
  const auto theory = estimate_theory(curvature("linear", 0), 0.0, X, rows, 0);
  ASSERT_TRUE(theory);
  const double critical = theory->max_stable_lr_full_batch;
  const Model model = make("linear", 4, 0, 0.0);
  GridConfig config;
  config.rates = {0.97 * critical, 1.03 * critical};
  config.epochs = 2000;
  config.batch_size = 0;
  Rng rng(0);
  const auto results = run_grid(model, optimizer("sgd"), X, y, rows, {}, config, rng, StopToken{});
  const double start = y.squaredNorm() / static_cast<double>(n);
  ASSERT_FALSE(results[0].diverged);
  EXPECT_LT(results[0].train_loss.back(), 0.05 * start);
  const double last_unstable = results[1].diverged ? std::numeric_limits<double>::infinity()
                                                   : results[1].train_loss.back();
  EXPECT_GT(last_unstable, 1e6 * start);
}

TEST(Theory, NoBoundForHingeLosses) {
  const Matrix X = random_features(10, 2, 6);
  EXPECT_FALSE(estimate_theory(curvature("svm", 2), 1e-4, X, all_rows(10), 4));
}

}  // namespace
}  // namespace lrfind
