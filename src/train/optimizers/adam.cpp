// torch.optim.Adam (betas 0.9, 0.999, eps 1e-8): m <- β1·m + (1-β1)·g;
// v <- β2·v + (1-β2)·g²; p <- p - (lr/(1-β1^t))·m/(sqrt(v)/sqrt(1-β2^t) + eps).
// Kingma & Ba, ICLR 2015.
#include <cmath>

#include "train/optimizer.hpp"

namespace lrfind {

namespace {

class Adam final : public Optimizer {
 public:
  Adam(double beta1, double beta2, double eps) : beta1_(beta1), beta2_(beta2), eps_(eps) {}
  std::vector<std::pair<std::string, double>> hyperparameters() const override {
    return {{"beta1", beta1_}, {"beta2", beta2_}, {"eps", eps_}};
  }
  void reset(Index rows, Index cols) override {
    m_.setZero(rows, cols);
    v_.setZero(rows, cols);
    t_ = 0;
  }
  void step(Params& params, const Params& g, const Eigen::RowVectorXd& lr) override {
    if (m_.size() != g.size()) reset(g.rows(), g.cols());
    ++t_;
    m_.array() = beta1_ * m_.array() + (1.0 - beta1_) * g.array();
    v_.array() = beta2_ * v_.array() + (1.0 - beta2_) * g.array().square();
    const double bias_correction1 = 1.0 - std::pow(beta1_, static_cast<double>(t_));
    const double bias_correction2 = 1.0 - std::pow(beta2_, static_cast<double>(t_));
    for (Index j = 0; j < params.cols(); ++j) {
      const double step_size = lr(j) / bias_correction1;
      params.col(j).array() -=
          step_size * m_.col(j).array() / (v_.col(j).array().sqrt() / std::sqrt(bias_correction2) + eps_);
    }
  }
  void keep_columns(const std::vector<Index>& columns) override {
    lrfind::keep_columns(m_, columns);
    lrfind::keep_columns(v_, columns);
  }

 private:
  double beta1_;
  double beta2_;
  double eps_;
  Params m_;
  Params v_;
  long t_ = 0;
};

}  // namespace

OptimizerEntry adam_optimizer() {
  return {"adam", "Adam (torch.optim defaults: betas 0.9, 0.999, eps 1e-8)",
          []() -> std::unique_ptr<Optimizer> { return std::make_unique<Adam>(0.9, 0.999, 1e-8); }, false};
}

}  // namespace lrfind
