#include "train/optimizer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string_view>
#include <vector>

#include "lrfind/error.hpp"
#include "train/train_support.hpp"

namespace lrfind {
namespace {

using testing::make_optimizer;

// Two steps on one parameter p0 = 1 with gradients 0.5 then -0.2 at lr 0.1;
// the expected values are torch.optim's update formulas written out by hand.
constexpr double kLr = 0.1;
constexpr double kG1 = 0.5;
constexpr double kG2 = -0.2;

std::pair<double, double> two_steps(Optimizer& optimizer) {
  Params p(1, 1);
  p << 1.0;
  Params g(1, 1);
  optimizer.reset(1, 1);
  g << kG1;
  optimizer.step(p, g, kLr);
  const double first = p(0, 0);
  g << kG2;
  optimizer.step(p, g, kLr);
  return {first, p(0, 0)};
}

TEST(Optimizer, SgdFollowsPlainGradientStep) {
  const auto sgd = make_optimizer("sgd");
  const auto [p1, p2] = two_steps(*sgd);
  EXPECT_DOUBLE_EQ(p1, 0.95);
  EXPECT_DOUBLE_EQ(p2, 0.97);
}

TEST(Optimizer, MomentumStartsBufferWithGradient) {
  auto opt = make_optimizer("momentum");
  const auto [p1, p2] = two_steps(*opt);
  // buf1 = 0.5; buf2 = 0.9·0.5 - 0.2 = 0.25
  EXPECT_DOUBLE_EQ(p1, 1.0 - 0.1 * 0.5);
  EXPECT_DOUBLE_EQ(p2, 0.95 - 0.1 * 0.25);
}

TEST(Optimizer, NesterovLooksAhead) {
  auto opt = make_optimizer("nesterov");
  const auto [p1, p2] = two_steps(*opt);
  EXPECT_DOUBLE_EQ(p1, 1.0 - 0.1 * (0.5 + 0.9 * 0.5));
  EXPECT_DOUBLE_EQ(p2, 0.905 - 0.1 * (-0.2 + 0.9 * 0.25));
}

TEST(Optimizer, AdagradDividesByRootOfSummedSquares) {
  auto opt = make_optimizer("adagrad");
  const auto [p1, p2] = two_steps(*opt);
  const double e1 = 1.0 - 0.1 * 0.5 / (std::sqrt(0.25) + 1e-10);
  EXPECT_DOUBLE_EQ(p1, e1);
  EXPECT_DOUBLE_EQ(p2, e1 - 0.1 * -0.2 / (std::sqrt(0.25 + 0.04) + 1e-10));
}

TEST(Optimizer, RmsPropUsesDecayingSquareAverage) {
  auto opt = make_optimizer("rmsprop");
  const auto [p1, p2] = two_steps(*opt);
  // The first step is lr·g/sqrt((1-α)·g²) = 10·lr: p1 is near 0, so compare absolutely.
  const double v1 = (1 - 0.99) * 0.25;
  const double e1 = 1.0 - 0.1 * 0.5 / (std::sqrt(v1) + 1e-8);
  const double v2 = 0.99 * v1 + (1 - 0.99) * 0.04;
  EXPECT_NEAR(p1, e1, 1e-15);
  EXPECT_NEAR(p2, e1 - 0.1 * -0.2 / (std::sqrt(v2) + 1e-8), 1e-15);
}

TEST(Optimizer, AdamCorrectsMomentBias) {
  auto opt = make_optimizer("adam");
  const auto [p1, p2] = two_steps(*opt);
  const double m1 = 0.1 * 0.5, v1 = 0.001 * 0.25;
  const double e1 = 1.0 - (0.1 / (1 - 0.9)) * m1 / (std::sqrt(v1) / std::sqrt(1 - 0.999) + 1e-8);
  const double m2 = 0.9 * m1 + 0.1 * -0.2, v2 = 0.999 * v1 + 0.001 * 0.04;
  const double e2 = e1 - (0.1 / (1 - 0.81)) * m2 / (std::sqrt(v2) / std::sqrt(1 - 0.999 * 0.999) + 1e-8);
  EXPECT_DOUBLE_EQ(p1, e1);
  EXPECT_DOUBLE_EQ(p2, e2);
  // Adam's first step moves by about lr whatever the gradient's scale.
  EXPECT_NEAR(p1, 0.9, 1e-7);
}

TEST(Optimizer, ResetStartsEveryRunClean) {
  for (const std::string& name : builtin_optimizers().names()) {
    auto opt = make_optimizer(name);
    const auto first = two_steps(*opt);
    const auto again = two_steps(*opt);  // two_steps resets first
    EXPECT_EQ(first, again) << name;
  }
}

TEST(Optimizer, WorksElementwiseOnMatrices) {
  auto opt = make_optimizer("adam");
  Params p = Params::Ones(3, 2);
  const Params g = Params::Constant(3, 2, 0.5);
  opt->reset(3, 2);
  opt->step(p, g, kLr);
  for (Index i = 0; i < p.size(); ++i) EXPECT_NEAR(p.data()[i], 0.9, 1e-7);
}

TEST(Optimizer, HyperparametersAreTorchDefaults) {
  const auto adam = make_optimizer("adam")->hyperparameters();
  ASSERT_EQ(adam.size(), 3u);
  EXPECT_EQ(adam[0], (std::pair<std::string, double>{"beta1", 0.9}));
  EXPECT_EQ(adam[1], (std::pair<std::string, double>{"beta2", 0.999}));
  EXPECT_EQ(adam[2], (std::pair<std::string, double>{"eps", 1e-8}));
  EXPECT_EQ(make_optimizer("rmsprop")->hyperparameters()[0].second, 0.99);
  EXPECT_EQ(make_optimizer("adagrad")->hyperparameters()[0].second, 1e-10);
  EXPECT_EQ(make_optimizer("momentum")->hyperparameters()[0].second, 0.9);
  EXPECT_TRUE(make_optimizer("sgd")->hyperparameters().empty());
}

TEST(Optimizer, UnknownNameIsUsageError) { EXPECT_THROW(make_optimizer("lbfgs"), UsageError); }

TEST(Optimizer, OnlyPlainSgdTakesPlainGradientSteps) {
  for (const OptimizerEntry& entry : builtin_optimizers()) EXPECT_EQ(entry.plain_gradient, entry.name == "sgd");
}

TEST(Optimizer, StackedColumnsStepAsEachColumnAlone) {
  // Three models side by side at their own rates, over several steps: every
  // element moves exactly as it does for the model alone.
  for (const std::string& name : builtin_optimizers().names()) {
    const auto stacked = make_optimizer(name);
    Params p = Params::Constant(4, 3, 0.3);
    stacked->reset(4, 3);
    std::vector<Params> alone(3, Params::Constant(4, 1, 0.3));
    std::vector<std::unique_ptr<Optimizer>> singles;
    for (int k = 0; k < 3; ++k) {
      singles.push_back(make_optimizer(name));
      singles.back()->reset(4, 1);
    }
    const Eigen::RowVectorXd rates{{0.01, 0.1, 1.0}};
    for (int step = 0; step < 4; ++step) {
      const Params g = Params::NullaryExpr(4, 3, [&](Index i, Index j) {
        return std::sin(1.0 + static_cast<double>(i + 3 * j + 7 * step));
      });
      stacked->step(p, g, rates);
      for (Index k = 0; k < 3; ++k) singles[static_cast<std::size_t>(k)]->step(alone[static_cast<std::size_t>(k)], g.col(k), rates(k));
    }
    for (Index k = 0; k < 3; ++k) EXPECT_EQ(p.col(k), alone[static_cast<std::size_t>(k)].col(0)) << name << " column " << k;
  }
}

}  // namespace
}  // namespace lrfind
