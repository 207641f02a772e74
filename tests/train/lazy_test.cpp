// Sparse gradients (README "svmlight / libsvm input", "Sparse training"):
// the gradient of a batch of sparse rows holds the rows its features touch,
// with the same sums as the dense gradient; a lazy optimizer's sparse step
// gives the dense step's bits; sparse_adam follows torch.optim.SparseAdam.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
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
    const Params feature_major = stacked.transpose();
    model.sparse_loss_gradient(chunk.all(), feature_major, 3, sparse_losses, sparse, ws);
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

TEST(SparseGradient, FeatureMajorLossesEqualModelMajorOnes) {
  for (const Kind& kind : kKinds) {
    SCOPED_TRACE(kind.name + std::to_string(kind.classes));
    const Model model = make(kind.name, 40, kind.classes, 0.0);
    const Chunk chunk = sparse_batch(300, 40, kind.classes, 12);
    const Chunk::Rows all = chunk.all();
    CsrF64 m;
    m.cols = 40;
    m.offsets.assign(all.sparse.offsets, all.sparse.offsets + all.count() + 1);
    m.indices.assign(all.sparse.indices, all.sparse.indices + m.offsets.back());
    m.values.assign(all.sparse.values, all.sparse.values + m.offsets.back());
    const Features X(std::move(m));
    const Vector y = all.y;
    std::vector<Index> rows;
    for (Index r = 0; r < 300; r += 2) rows.push_back(r);
    const Params stacked = random_params(41, 3 * model.outputs(), 6);
    const Params feature_major = stacked.transpose();
    Workspace ws;
    double by_model[3], by_feature[3];
    model.rows_loss_gradient(X, y, rows, stacked, 3, by_model, nullptr, ws, true);
    model.rows_loss_gradient(X, y, rows, feature_major, 3, by_feature, nullptr, ws, true, Layout::kFeatureMajor);
    for (int k = 0; k < 3; ++k) EXPECT_EQ(by_model[k], by_feature[k]);
  }
}

// Drops the middle one of three stacked models from a feature-major stack
// `a` and a model-major one `b`, their optimizers' state and the rates.
void drop_middle_model(Index outputs, Params& a, Params& b, Optimizer& lazy, Optimizer& dense,
                       Eigen::RowVectorXd& lr) {
  std::vector<Index> kept;
  for (Index k : {0, 2})
    for (Index o = 0; o < outputs; ++o) kept.push_back(k * outputs + o);
  keep_rows(a, kept);
  keep_columns(b, kept);
  lazy.keep_columns(kept);
  dense.keep_columns(kept);
  Eigen::RowVectorXd kept_lr(static_cast<Index>(kept.size()));
  for (std::size_t c = 0; c < kept.size(); ++c) kept_lr(static_cast<Index>(c)) = lr(kept[c]);
  lr = kept_lr;
}

// Steps an optimizer with sparse gradients on a feature-major stack and a
// copy with the same gradients written out densely on the model-major one;
// the two must agree to the bit, also after the stack drops a model (the
// state's columns follow).
void expect_sparse_steps_equal_dense(const std::string& name, const Kind& kind = {"logistic", 3},
                                     double tolerance = 0.0) {
  SCOPED_TRACE(name + " " + kind.name + std::to_string(kind.classes));
  const Model model = make(kind.name, 30, kind.classes, 0.0);
  const Index outputs = model.outputs();
  Params b = random_params(31, 3 * outputs, 2);
  Params a = b.transpose();
  auto lazy = make_optimizer(name), dense = make_optimizer(name);
  ASSERT_TRUE(lazy->lazy(0.0, true));
  lazy->reset_feature_major(b.rows(), b.cols(), 0.0);
  dense->reset_model_major(b.rows(), b.cols());
  Eigen::RowVectorXd lr(3 * outputs);
  const double rates[] = {0.1, 0.5, 0.02};
  for (Index k = 0; k < 3; ++k) lr.segment(k * outputs, outputs).setConstant(rates[k]);
  Workspace ws;
  for (unsigned step = 0; step < 40; ++step) {
    if (step == 10) {  // the middle model leaves the stack
      drop_middle_model(outputs, a, b, *lazy, *dense, lr);
    }
    // Mostly one-row batches (a quarter of the features each): features
    // stay untouched for several steps.
    const Chunk chunk = step % 3 == 0 ? sparse_batch(4, 30, kind.classes, 100 + step)
                                      : sparse_batch(1, 30, kind.classes, 100 + step);
    double losses[3], dense_losses[3];
    SparseGradient g;
    const SparseRows& x = chunk.all().sparse;
    lazy->catch_up(a, {x.indices, x.indices + x.offsets[chunk.all().count()]});
    model.sparse_loss_gradient(chunk.all(), a, a.rows() / outputs, losses, g, ws);
    Params full;
    model.loss_gradient(chunk.all(), b, b.cols() / outputs, dense_losses, &full, ws);
    for (Index k = 0; k < b.cols() / outputs; ++k)
      EXPECT_NEAR(losses[k], dense_losses[k], tolerance * std::abs(dense_losses[k])) << "step " << step;
    lazy->step_sparse(a, g, lr);
    dense->step(b, full, lr);
  }
  lazy->settle(a);
  if (tolerance == 0.0) {
    EXPECT_EQ(Params(a.transpose()), b);
    return;
  }
  for (Index c = 0; c < b.cols(); ++c) {
    const double scale = b.col(c).cwiseAbs().maxCoeff();
    EXPECT_LE((a.row(c).transpose() - b.col(c)).cwiseAbs().maxCoeff(), tolerance * scale) << "column " << c;
  }
}

TEST(LazyOptimizers, SparseStepsGiveTheDenseStepsBits) {
  for (const std::string name : {"sgd", "adagrad"}) {
    EXPECT_TRUE(make_optimizer(name)->lazy(0.0, false)) << name;
    for (const Kind& kind : kKinds) expect_sparse_steps_equal_dense(name, kind);
  }
}

// RMSprop's square averages of untouched features decay by α^k in one
// multiplication when they are next touched: within 1e-9 of the dense steps.
TEST(LazyOptimizers, RmspropWithoutL2DecaysSkippedStepsInClosedForm) {
  EXPECT_TRUE(make_optimizer("rmsprop")->lazy(0.0, false));
  EXPECT_FALSE(make_optimizer("rmsprop")->lazy(1e-4, true));
  for (const Kind& kind : kKinds) expect_sparse_steps_equal_dense("rmsprop", kind, 1e-9);
}

// Momentum and Nesterov at a constant rate: a feature untouched for k steps
// is caught up by the geometric sum of its buffer before it is read, and
// every feature by settle(): within 1e-9 of the dense steps.
TEST(LazyOptimizers, MomentumAtAConstantRateCatchesUpSkippedSteps) {
  for (const std::string name : {"momentum", "nesterov"}) {
    EXPECT_TRUE(make_optimizer(name)->lazy(0.0, true)) << name;
    EXPECT_FALSE(make_optimizer(name)->lazy(0.0, false)) << name;
    EXPECT_FALSE(make_optimizer(name)->lazy(1e-4, true)) << name;
    for (const Kind& kind : kKinds) expect_sparse_steps_equal_dense(name, kind, 1e-9);
  }
}

// Lazy SGD with L2 (Bottou's running factor) against dense SGD with the L2
// term in its gradient, for every model kind: the batch losses (penalty
// included) and the weights agree within 1e-9 relative, through rates whose
// factor is folded into the stack (lr·l2 = 0.5 halves it at every step),
// a model leaving the stack, and settle().
void expect_scaled_sgd_equals_dense(const Kind& kind) {
  SCOPED_TRACE(kind.name + std::to_string(kind.classes));
  const double l2 = 0.05;
  const Model model = make(kind.name, 30, kind.classes, l2);
  const Index outputs = model.outputs();
  const Index models = 3;
  Params b = random_params(31, models * outputs, 2);
  Params a = b.transpose();
  auto lazy = make_optimizer("sgd"), dense = make_optimizer("sgd");
  ASSERT_TRUE(lazy->lazy(l2, false));
  lazy->reset_feature_major(b.rows(), b.cols(), l2);
  lazy->settle(a);  // the stack was written from outside: its norms afresh
  dense->reset_model_major(b.rows(), b.cols());
  Eigen::RowVectorXd lr(b.cols());
  const double rates[] = {0.2, 10.0, 0.001};  // 10·0.05 = 0.5: folded every 30 steps or so
  for (Index k = 0; k < models; ++k) lr.segment(k * outputs, outputs).setConstant(rates[k]);
  const auto relative = [](const Eigen::MatrixXd& x, const Eigen::MatrixXd& y) {
    return (x - y).cwiseAbs().maxCoeff() / std::max(y.cwiseAbs().maxCoeff(), 1e-300);
  };
  Workspace ws;
  Index live = models;
  for (unsigned step = 0; step < 80; ++step) {
    if (step == 40) {  // the middle model leaves the stack
      drop_middle_model(outputs, a, b, *lazy, *dense, lr);
      live = 2;
    }
    const Chunk chunk = sparse_batch(4, 30, kind.classes, 300 + step);
    double lazy_losses[3], dense_losses[3];
    SparseGradient g;
    model.sparse_loss_gradient(chunk.all(), a, live, lazy_losses, g, ws, lazy->weight_scale());
    Params full;
    model.loss_gradient(chunk.all(), b, live, dense_losses, &full, ws);
    for (Index k = 0; k < live; ++k)
      EXPECT_NEAR(lazy_losses[k], dense_losses[k], 1e-9 * std::abs(dense_losses[k])) << "step " << step << " model " << k;
    lazy->step_sparse(a, g, lr);
    dense->step(b, full, lr);
  }
  lazy->settle(a);
  EXPECT_EQ(lazy->weight_scale()->scale, Eigen::VectorXd::Ones(a.rows()));
  for (Index c = 0; c < b.cols(); ++c)
    EXPECT_LE(relative(a.row(c).transpose(), b.col(c)), 1e-9) << "column " << c;
}

TEST(LazyOptimizers, SgdWithL2KeepsARunningFactorAndEqualsTheDenseSteps) {
  for (const Kind& kind : kKinds) expect_scaled_sgd_equals_dense(kind);
}

TEST(LazyOptimizers, OthersStepOnlyDensely) {
  for (const std::string name : {"adam"}) {
    auto optimizer = make_optimizer(name);
    EXPECT_FALSE(optimizer->lazy(0.0, true)) << name;
    Params p = Params::Zero(1, 4);
    const SparseGradient g{{0}, Eigen::MatrixXd::Ones(1, 1), Eigen::VectorXd::Ones(1)};
    EXPECT_THROW(optimizer->step_sparse(p, g, Eigen::RowVectorXd::Ones(1)), std::logic_error) << name;
  }
}

TEST(SparseAdam, FollowsTorchSparseAdamAndLeavesAbsentWeightsAlone) {
  auto opt = make_optimizer("sparse_adam");
  EXPECT_TRUE(opt->lazy(0.0, false));
  EXPECT_FALSE(opt->lazy(1e-4, false));
  // Three features and the intercept; one model of one output.
  Params p(1, 4);  // feature-major: one model's weights side by side
  p << 1.0, 2.0, 3.0, 0.5;
  opt->reset_feature_major(4, 1, 0.0);
  const double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
  SparseGradient g1{{0, 2}, Eigen::MatrixXd(1, 2), Eigen::VectorXd(1)};
  g1.values << 0.4, -2.0;
  g1.intercept << 1.0;
  SparseGradient g2{{2}, Eigen::MatrixXd(1, 1), Eigen::VectorXd(1)};
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
  EXPECT_EQ(p(0, 1), 2.0);
  EXPECT_DOUBLE_EQ(p(0, 2), after(3.0, {{1, -2.0}, {2, 0.5}}));
  EXPECT_DOUBLE_EQ(p(0, 3), after(0.5, {{1, 1.0}, {2, -1.0}}));
  EXPECT_EQ(opt->hyperparameters().size(), 3u);
}

}  // namespace
}  // namespace lrfind
