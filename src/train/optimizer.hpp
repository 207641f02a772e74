// SGD-family update rules with torch.optim's formulas and default
// hyper-parameters (ensmallen's update policies: the loop walks batches, the
// rule only updates). Settings live in the optimizer; its per-run state
// (velocity, accumulators, Adam's moments and step count) is cleared by
// reset(), so each run starts clean. Parameters arrive stacked, model beside
// model (train/model.hpp), each column with its own rate; the L2 term is
// already inside the gradient.
#pragma once

#include <Eigen/Core>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/registry.hpp"
#include "train/model.hpp"

namespace lrfind {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  // (name, value) of every hyper-parameter besides the learning rate.
  virtual std::vector<std::pair<std::string, double>> hyperparameters() const = 0;
  // Clears the state for parameters of the given shape.
  virtual void reset(Index rows, Index cols) = 0;
  // One update: column j of `params` learns at rate lr(j) with gradient g.
  virtual void step(Params& params, const Params& g, const Eigen::RowVectorXd& lr) = 0;
  // Keeps the state of the given columns only, in that order (models that
  // leave a stack).
  virtual void keep_columns(const std::vector<Index>& columns) = 0;

  // Whether the optimizer steps sparse gradients lazily (step_sparse) with
  // this L2 factor, and rates that are (`constant_rate`) or are not the same
  // at every step, touching only the features the gradient names and giving
  // what step() gives on the dense gradient (zero elsewhere, plus the L2
  // term): true where a zero gradient leaves a weight and its state as they
  // are (sgd, adagrad, sparse_adam without L2), or where what happens to an
  // untouched weight has a closed form (sgd with L2: a common decay factor;
  // rmsprop without L2: its average decays; momentum and nesterov without
  // L2 at a constant rate: the weight keeps moving by a geometric sum).
  // Training on sparse features then costs the batch's non-zeros, not the
  // feature count.
  virtual bool lazy(double /*l2*/, bool /*constant_rate*/) const { return false; }
  // Brings the weights of the given features (repeats allowed) up to date
  // before they are read: what the steps they were not touched in did to
  // them. Called before each lazy step's scores; a no-op where untouched
  // weights do not move.
  virtual void catch_up(Params& params_fm, std::span<const std::int32_t> features) {
    (void)params_fm;
    (void)features;
  }
  // Lazy optimizers only: one update of a feature-major stack (model.hpp's
  // Layout; column j of `params` is feature j) with the sparse gradient of
  // the loss without its L2 term, entry i of `lr` the rate of stacked column
  // i. The optimizer's state takes the stack's layout and the L2 factor from
  // the reset that precedes (reset_feature_major).
  virtual void step_sparse(Params& params_fm, const SparseGradient& g, const Eigen::RowVectorXd& lr);
  // Lazy optimizers whose stack is not the weights themselves (sgd with L2,
  // model.hpp's WeightScale): the factors, for the model's scores and
  // penalty; null when the stack is the weights.
  virtual const WeightScale* weight_scale() const { return nullptr; }
  // Makes the stack the weights again (folds a WeightScale into it, or
  // catches every feature up), for whoever reads it next (an evaluation, a
  // copy).
  virtual void settle(Params& params_fm) { (void)params_fm; }
  // Clears the state for a feature-major stack of the given model-major
  // shape (rows = features + 1, cols = stacked columns) trained with L2
  // factor `l2` (lazy must hold); keep_columns then keeps state rows.
  void reset_feature_major(Index rows, Index cols, double l2) {
    layout_ = Layout::kFeatureMajor;
    l2_ = l2;
    reset(cols, rows);
  }
  // Clears the state for a model-major stack (what reset() alone leaves
  // as it was: a fresh optimizer is model-major).
  void reset_model_major(Index rows, Index cols) {
    layout_ = Layout::kModelMajor;
    l2_ = 0.0;
    reset(rows, cols);
  }

  // The same rate for every column.
  void step(Params& params, const Params& g, double lr) {
    if (rates_.size() != params.cols()) rates_.resize(params.cols());
    rates_.setConstant(lr);
    step(params, g, rates_);
  }

 protected:
  // Keeps the given stacked columns of a state matrix laid out as the stack.
  void keep_stacked(Params& state, const std::vector<Index>& columns) const;
  Layout layout() const { return layout_; }
  // The L2 factor of a feature-major stack (step_sparse's gradient lacks it).
  double l2() const { return l2_; }

 private:
  Eigen::RowVectorXd rates_;  // reused from step to step
  Layout layout_ = Layout::kModelMajor;
  double l2_ = 0.0;
};

// Writes a sparse gradient out as the dense, model-major one (the other
// rows zero).
void scatter(const SparseGradient& g, Index rows, Params& dense);

// The given columns of m, in that order.
void keep_columns(Params& m, const std::vector<Index>& columns);
// The given rows of m, in that order.
void keep_rows(Params& m, const std::vector<Index>& rows);

struct OptimizerEntry {
  std::string name;
  std::string help;
  std::unique_ptr<Optimizer> (*make)() = nullptr;
  // Plain gradient steps, p <- p - lr·g: the curvature bounds of the theory
  // (recommend/theory.hpp) are about this optimizer.
  bool plain_gradient = false;
};

// sgd, momentum, nesterov, adagrad, rmsprop and adam, each in its own file
// under optimizers/.
Registry<OptimizerEntry> builtin_optimizers();

}  // namespace lrfind
