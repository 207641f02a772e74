// Sparse gradients (README "svmlight / libsvm input", "Sparse training"):
// the gradient of a batch of sparse rows holds the rows its features touch,
// with the same sums as the dense gradient; a lazy optimizer's sparse step
// gives the dense step's bits; sparse_adam follows torch.optim.SparseAdam.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "train/train_support.hpp"

namespace lrfind {
namespace {

using testing::make;
using testing::make_optimizer;

// A batch of `rows` sparse rows over `cols` features (about one in four
// set), in a chunk, with targets for `classes` classes (0: values).
Chunk sparse_batch(Index rows, Index cols, std::size_t classes, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  CsrF64 m;
  m.cols = cols;
  for (Index r = 0; r < rows; ++r) {
    for (Index c = 0; c < cols; ++c)
      if (unit(gen) < 0.25) {
        m.indices.push_back(static_cast<std::int32_t>(c));
        m.values.push_back(4.0 * unit(gen) - 2.0);
      }
    m.offsets.push_back(static_cast<std::int64_t>(m.indices.size()));
  }
  Vector y(rows);
  for (Index r = 0; r < rows; ++r)
    y(r) = classes == 0 ? 3.0 * unit(gen) : std::floor(unit(gen) * static_cast<double>(classes));
  std::vector<Index> all(static_cast<std::size_t>(rows));
  for (Index r = 0; r < rows; ++r) all[static_cast<std::size_t>(r)] = r;
  Chunk chunk;
  chunk.gather(Features(std::move(m)), y, all);
  return chunk;
}

Params random_params(Index rows, Index cols, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(0.0, 0.5);
  Params p(rows, cols);
  for (Index i = 0; i < p.size(); ++i) p.data()[i] = normal(gen);
  return p;
}

struct Kind {
  const char* name;
  std::size_t classes;
};
const Kind kKinds[] = {{"linear", 0}, {"logistic", 2}, {"logistic", 4}, {"svm", 2}, {"svm", 3}};

TEST(SparseGradient, HoldsTheDenseGradientsRowsBitForBit) {
  for (const Kind& kind : kKinds) {
    SCOPED_TRACE(kind.name + std::to_string(kind.classes));
    const Model model = make(kind.name, 40, kind.classes, 0.0);
    const Chunk chunk = sparse_batch(7, 40, kind.classes, 11);
    const Params stacked = random_params(41, 3 * model.outputs(), 5);
    Workspace ws;
    double dense_losses[3], sparse_losses[3];
    Params dense;
    model.loss_gradient(chunk.all(), stacked, 3, dense_losses, &dense, ws);
    SparseGradient sparse;
    model.sparse_loss_gradient(chunk.all(), stacked, 3, sparse_losses, sparse, ws);
    for (int k = 0; k < 3; ++k) EXPECT_EQ(dense_losses[k], sparse_losses[k]);
    Params scattered;
    scatter(sparse, stacked.rows(), scattered);
    EXPECT_EQ(scattered, dense);
    // Only the features the batch has are named, each once.
    std::vector<std::int32_t> sorted = sparse.rows;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_TRUE(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
    EXPECT_LT(sparse.rows.size(), 40u);
  }
}

// Steps an optimizer with sparse gradients and a copy with the same
// gradients written out densely; the two must agree to the bit.
void expect_sparse_steps_equal_dense(const std::string& name) {
  const Model model = make("logistic", 30, 3, 0.0);
  Params a = random_params(31, 6, 2), b = a;
  auto lazy = make_optimizer(name), dense = make_optimizer(name);
  lazy->reset(a.rows(), a.cols());
  dense->reset(b.rows(), b.cols());
  Eigen::RowVectorXd lr(6);
  lr << 0.1, 0.1, 0.1, 0.5, 0.5, 0.5;
  Workspace ws;
  for (unsigned step = 0; step < 25; ++step) {
    const Chunk chunk = sparse_batch(4, 30, 3, 100 + step);
    double losses[2];
    SparseGradient g;
    model.sparse_loss_gradient(chunk.all(), a, 2, losses, g, ws);
    Params full;
    scatter(g, a.rows(), full);
    lazy->step_sparse(a, g, lr);
    dense->step(b, full, lr);
  }
  EXPECT_EQ(a, b) << name;
}

TEST(LazyOptimizers, SparseStepsGiveTheDenseStepsBits) {
  for (const std::string name : {"sgd", "adagrad"}) {
    EXPECT_TRUE(make_optimizer(name)->lazy()) << name;
    expect_sparse_steps_equal_dense(name);
  }
}

TEST(LazyOptimizers, OthersStepDenselyAndExactly) {
  for (const std::string name : {"momentum", "nesterov", "rmsprop", "adam"}) {
    EXPECT_FALSE(make_optimizer(name)->lazy()) << name;
    expect_sparse_steps_equal_dense(name);
  }
}

TEST(SparseAdam, FollowsTorchSparseAdamAndLeavesAbsentWeightsAlone) {
  auto opt = make_optimizer("sparse_adam");
  EXPECT_TRUE(opt->lazy());
  // Three features and the intercept; one model of one output.
  Params p(4, 1);
  p << 1.0, 2.0, 3.0, 0.5;
  opt->reset(4, 1);
  const double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  SparseGradient g1{{0, 2}, Eigen::MatrixXd(2, 1), Eigen::MatrixXd(1, 1)};
  g1.values << 0.4, -2.0;
  g1.intercept << 1.0;
  SparseGradient g2{{2}, Eigen::MatrixXd(1, 1), Eigen::MatrixXd(1, 1)};
  g2.values << 0.5;
  g2.intercept << -1.0;
  Eigen::RowVectorXd rate(1);
  rate << lr;
  opt->step_sparse(p, g1, rate);
  opt->step_sparse(p, g2, rate);
  // By torch's formulas: feature 0 present at step 1 only, feature 1 never,
  // feature 2 and the intercept at both steps.
  const auto after = [&](double p0, std::vector<std::pair<int, double>> grads) {
    double m = 0.0, v = 0.0;
    for (const auto& [t, g] : grads) {
      m += (g - m) * (1.0 - b1);
      v += (g * g - v) * (1.0 - b2);
      const double step = lr * std::sqrt(1.0 - std::pow(b2, t)) / (1.0 - std::pow(b1, t));
      p0 -= step * (m / (std::sqrt(v) + eps));
    }
    return p0;
  };
  EXPECT_DOUBLE_EQ(p(0, 0), after(1.0, {{1, 0.4}}));
  EXPECT_EQ(p(1, 0), 2.0);
  EXPECT_DOUBLE_EQ(p(2, 0), after(3.0, {{1, -2.0}, {2, 0.5}}));
  EXPECT_DOUBLE_EQ(p(3, 0), after(0.5, {{1, 1.0}, {2, -1.0}}));
  EXPECT_EQ(opt->hyperparameters().size(), 3u);
}

}  // namespace
}  // namespace lrfind
