// torch.optim.SparseAdam (betas 0.9, 0.999, eps 1e-8): Adam whose moments and
// weights change only where the step's gradient is present, with torch's
// arithmetic: for a present entry, m <- m + (g - m)(1-β1); v <- v + (g² - v)(1-β2);
// p <- p - lr·sqrt(1-β2^t)/(1-β1^t) · m/(sqrt(v) + eps), t counting every step.
// A sparse batch's gradient has the rows of the features it touches (and the
// intercepts); a dense gradient has every entry, so on dense input it is Adam
// with eps added before the bias correction. Like PyTorch's, it takes no L2.
#include <cmath>

#include "train/optimizer.hpp"

namespace lrfind {

namespace {

class SparseAdam final : public Optimizer {
 public:
  SparseAdam(double beta1, double beta2, double eps) : beta1_(beta1), beta2_(beta2), eps_(eps) {}
  std::vector<std::pair<std::string, double>> hyperparameters() const override {
    return {{"beta1", beta1_}, {"beta2", beta2_}, {"eps", eps_}};
  }
  void reset(Index rows, Index cols) override {
    m_.setZero(rows, cols);
    v_.setZero(rows, cols);
    t_ = 0;
  }
  void step(Params& params, const Params& g, const Eigen::RowVectorXd& lr) override {
    begin_step(params);
    for (Index j = 0; j < params.cols(); ++j)
      for (Index i = 0; i < params.rows(); ++i) update(params, i, j, g(i, j), lr(j));
  }
  bool lazy(double l2, bool) const override { return l2 == 0.0; }
  void step_sparse(Params& params, const SparseGradient& g, const Eigen::RowVectorXd& lr) override {
    begin_step(params);
    const Index columns = params.rows();
    const auto update_feature = [&](Index feature, const double* gradient) {
      for (Index c = 0; c < columns; ++c) update(params, c, feature, gradient[c], lr(c));
    };
    for (std::size_t i = 0; i < g.rows.size(); ++i)
      update_feature(g.rows[i], g.values.col(static_cast<Index>(i)).data());
    update_feature(params.cols() - 1, g.intercept.data());
  }
  void keep_columns(const std::vector<Index>& columns) override {
    keep_stacked(m_, columns);
    keep_stacked(v_, columns);
  }

 private:
  void begin_step(const Params& params) {
    if (m_.rows() != params.rows() || m_.cols() != params.cols()) reset(params.rows(), params.cols());
    ++t_;
    const double bias_correction1 = 1.0 - std::pow(beta1_, static_cast<double>(t_));
    const double bias_correction2 = 1.0 - std::pow(beta2_, static_cast<double>(t_));
    step_factor_ = std::sqrt(bias_correction2) / bias_correction1;
  }
  void update(Params& params, Index i, Index j, double g, double lr) {
    double& m = m_(i, j);
    double& v = v_(i, j);
    m += (g - m) * (1.0 - beta1_);
    v += (g * g - v) * (1.0 - beta2_);
    params(i, j) -= lr * step_factor_ * (m / (std::sqrt(v) + eps_));
  }

  double beta1_;
  double beta2_;
  double eps_;
  Params m_;
  Params v_;
  long t_ = 0;
  double step_factor_ = 0.0;
};

}  // namespace

OptimizerEntry sparse_adam_optimizer() {
  return {"sparse_adam",
          "SparseAdam (torch.optim: Adam updating only the weights of the features a batch touches; no L2)",
          []() -> std::unique_ptr<Optimizer> { return std::make_unique<SparseAdam>(0.9, 0.999, 1e-8); }, false};
}

}  // namespace lrfind
