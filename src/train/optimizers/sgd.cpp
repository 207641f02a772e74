// Plain SGD: p <- p - lr·g.
//
// Lazily, on a feature-major stack with L2 factor l2 (Bottou, "Stochastic
// Gradient Descent Tricks", 2012): the dense step with the L2 term,
// w <- (1 - lr·l2)·w - lr·g, is kept as w = s·v with one factor s per
// stacked column: s <- s·(1 - lr·l2), then v <- v - lr·g/s on the touched
// features only. The intercept takes no L2 and is not scaled. A factor that
// leaves [1e-9, 1e9] is folded into its column (an O(features) step, rare:
// with lr·l2 = 1e-5 it takes two million steps to reach 1e-9).
#include <cmath>

#include "train/optimizer.hpp"

namespace lrfind {

namespace {

constexpr double kSmallestScale = 1e-9;
constexpr double kLargestScale = 1e9;

class Sgd final : public Optimizer {
 public:
  std::vector<std::pair<std::string, double>> hyperparameters() const override { return {}; }
  void reset(Index rows, Index) override {
    // Feature-major (rows = stacked columns): every factor 1, every norm 0.
    scaled_ = layout() == Layout::kFeatureMajor && l2() != 0.0;
    if (!scaled_) return;
    weights_.scale.setOnes(rows);
    weights_.sq_norm.setZero(rows);
  }
  void step(Params& params, const Params& g, const Eigen::RowVectorXd& lr) override {
    const Index rows = params.rows();
    for (Index j = 0; j < params.cols(); ++j) {
      double* p = params.col(j).data();
      const double* gj = g.col(j).data();
      const double rate = lr(j);
      for (Index i = 0; i < rows; ++i) p[i] -= rate * gj[i];
    }
  }
  void keep_columns(const std::vector<Index>& columns) override {
    if (!scaled_) return;
    WeightScale kept;
    kept.scale.resize(static_cast<Index>(columns.size()));
    kept.sq_norm.resize(static_cast<Index>(columns.size()));
    for (std::size_t c = 0; c < columns.size(); ++c) {
      kept.scale(static_cast<Index>(c)) = weights_.scale(columns[c]);
      kept.sq_norm(static_cast<Index>(c)) = weights_.sq_norm(columns[c]);
    }
    weights_ = std::move(kept);
  }
  bool lazy(double, bool) const override { return true; }
  void step_sparse(Params& params, const SparseGradient& g, const Eigen::RowVectorXd& lr) override {
    const Index columns = params.rows();
    const Index intercept = params.cols() - 1;
    if (!scaled_) {
      const auto update = [&](double* p, const double* gradient) {
        for (Index c = 0; c < columns; ++c) p[c] -= lr(c) * gradient[c];
      };
      for (std::size_t i = 0; i < g.rows.size(); ++i)
        update(params.col(g.rows[i]).data(), g.values.col(static_cast<Index>(i)).data());
      update(params.col(intercept).data(), g.intercept.data());
      return;
    }
    // The decay first: w <- (1 - lr·l2)·w for every weight, in the factors.
    Eigen::VectorXd& scale = weights_.scale;
    for (Index c = 0; c < columns; ++c) {
      scale(c) *= 1.0 - lr(c) * l2();
      const double size = std::abs(scale(c));
      if (!(size >= kSmallestScale && size <= kLargestScale)) fold(params, c);
    }
    // Then the loss's gradient on the touched weights: s·v <- s·v - lr·g.
    step_.resize(columns);
    for (Index c = 0; c < columns; ++c) step_(c) = lr(c) / scale(c);
    double* sq_norm = weights_.sq_norm.data();
    for (std::size_t i = 0; i < g.rows.size(); ++i) {
      double* v = params.col(g.rows[i]).data();
      const double* gradient = g.values.col(static_cast<Index>(i)).data();
      for (Index c = 0; c < columns; ++c) {
        const double before = v[c];
        v[c] -= step_(c) * gradient[c];
        sq_norm[c] += (v[c] - before) * (v[c] + before);
      }
    }
    double* b = params.col(intercept).data();
    for (Index c = 0; c < columns; ++c) b[c] -= lr(c) * g.intercept(c);
  }
  const WeightScale* weight_scale() const override { return scaled_ ? &weights_ : nullptr; }
  void settle(Params& params) override {
    if (!scaled_) return;
    for (Index c = 0; c < params.rows(); ++c) fold(params, c);
  }

 private:
  // Folds column c's factor into the stack: s·v, s = 1, and its norm afresh.
  void fold(Params& params, Index c) {
    auto weights = params.row(c).head(params.cols() - 1);
    weights *= weights_.scale(c);
    weights_.scale(c) = 1.0;
    weights_.sq_norm(c) = weights.squaredNorm();
  }

  bool scaled_ = false;  // feature-major with L2: the stack is scale·weights
  WeightScale weights_;
  Eigen::VectorXd step_;  // lr/s per column, reused
};

}  // namespace

OptimizerEntry sgd_optimizer() {
  return {"sgd", "plain SGD: p <- p - lr·g", []() -> std::unique_ptr<Optimizer> { return std::make_unique<Sgd>(); },
          true};
}

}  // namespace lrfind
