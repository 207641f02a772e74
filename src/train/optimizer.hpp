// SGD-family update rules with torch.optim's formulas and default
// hyper-parameters. Settings live in the optimizer; the per-run state (velocity,
// accumulators, Adam's moments and step count) is cleared by reset(), so each
// run starts clean. The L2 term arrives already inside the gradient.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "train/model.hpp"

namespace lrfind {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual std::string_view name() const = 0;
  // (name, value) of every hyper-parameter besides the learning rate.
  virtual std::vector<std::pair<std::string, double>> hyperparameters() const = 0;
  // Clears the state for parameters of the given shape.
  virtual void reset(Index rows, Index cols) = 0;
  // One update of `params` with gradient `g` and learning rate `lr`.
  virtual void step(Params& params, const Params& g, double lr) = 0;
  // The same for models stacked side by side: column j of `params` learns at
  // rate lr(j); each element is updated exactly as step() would.
  virtual void step_columns(Params& params, const Params& g, const Eigen::RowVectorXd& lr) = 0;
  // Keeps the state of the given columns only, in that order (models that
  // leave a stack).
  virtual void keep_columns(const std::vector<Index>& columns) = 0;
};

// The given columns of m, in that order.
void keep_columns(Params& m, const std::vector<Index>& columns);

// "sgd", "momentum", "nesterov", "adagrad", "rmsprop" or "adam"; throws UsageError.
std::unique_ptr<Optimizer> make_optimizer(std::string_view name);
const std::vector<std::string>& optimizer_names();

// p <- p - lr·g
class Sgd final : public Optimizer {
 public:
  std::string_view name() const override { return "sgd"; }
  std::vector<std::pair<std::string, double>> hyperparameters() const override { return {}; }
  void reset(Index, Index) override {}
  void step(Params& params, const Params& g, double lr) override;
  void step_columns(Params& params, const Params& g, const Eigen::RowVectorXd& lr) override;
  void keep_columns(const std::vector<Index>&) override {}
};

// torch.optim.SGD with momentum μ, dampening 0: b <- g on the first step, then
// b <- μ·b + g; plain: p <- p - lr·b; Nesterov: p <- p - lr·(g + μ·b).
// Sutskever et al., "On the importance of initialization and momentum", 2013.
class Momentum final : public Optimizer {
 public:
  Momentum(double momentum, bool nesterov) : momentum_(momentum), nesterov_(nesterov) {}
  std::string_view name() const override { return nesterov_ ? "nesterov" : "momentum"; }
  std::vector<std::pair<std::string, double>> hyperparameters() const override;
  void reset(Index rows, Index cols) override;
  void step(Params& params, const Params& g, double lr) override;
  void step_columns(Params& params, const Params& g, const Eigen::RowVectorXd& lr) override;
  void keep_columns(const std::vector<Index>& columns) override;

 private:
  double momentum_;
  bool nesterov_;
  Params buffer_;
  bool first_ = true;
};

// torch.optim.Adagrad (lr_decay 0, initial accumulator 0):
// s <- s + g²; p <- p - lr·g/(sqrt(s) + eps). Duchi et al., JMLR 2011.
class Adagrad final : public Optimizer {
 public:
  explicit Adagrad(double eps) : eps_(eps) {}
  std::string_view name() const override { return "adagrad"; }
  std::vector<std::pair<std::string, double>> hyperparameters() const override;
  void reset(Index rows, Index cols) override;
  void step(Params& params, const Params& g, double lr) override;
  void step_columns(Params& params, const Params& g, const Eigen::RowVectorXd& lr) override;
  void keep_columns(const std::vector<Index>& columns) override;

 private:
  double eps_;
  Params sum_;
};

// torch.optim.RMSprop (not centred, no momentum):
// v <- α·v + (1-α)·g²; p <- p - lr·g/(sqrt(v) + eps). Tieleman & Hinton 2012.
class RmsProp final : public Optimizer {
 public:
  RmsProp(double alpha, double eps) : alpha_(alpha), eps_(eps) {}
  std::string_view name() const override { return "rmsprop"; }
  std::vector<std::pair<std::string, double>> hyperparameters() const override;
  void reset(Index rows, Index cols) override;
  void step(Params& params, const Params& g, double lr) override;
  void step_columns(Params& params, const Params& g, const Eigen::RowVectorXd& lr) override;
  void keep_columns(const std::vector<Index>& columns) override;

 private:
  double alpha_;
  double eps_;
  Params square_avg_;
};

// torch.optim.Adam: m <- β1·m + (1-β1)·g; v <- β2·v + (1-β2)·g²;
// p <- p - (lr/(1-β1^t))·m/(sqrt(v)/sqrt(1-β2^t) + eps). Kingma & Ba, ICLR 2015.
class Adam final : public Optimizer {
 public:
  Adam(double beta1, double beta2, double eps) : beta1_(beta1), beta2_(beta2), eps_(eps) {}
  std::string_view name() const override { return "adam"; }
  std::vector<std::pair<std::string, double>> hyperparameters() const override;
  void reset(Index rows, Index cols) override;
  void step(Params& params, const Params& g, double lr) override;
  void step_columns(Params& params, const Params& g, const Eigen::RowVectorXd& lr) override;
  void keep_columns(const std::vector<Index>& columns) override;

 private:
  double beta1_;
  double beta2_;
  double eps_;
  Params m_;
  Params v_;
  long t_ = 0;
};

}  // namespace lrfind
