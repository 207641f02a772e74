// torch.optim.SGD with momentum μ = 0.9 and dampening 0: b <- g on the first
// step, then b <- μ·b + g; plain: p <- p - lr·b; Nesterov: p <- p - lr·(g + μ·b).
// Sutskever et al., "On the importance of initialization and momentum", 2013.
#include "train/optimizer.hpp"

namespace lrfind {

namespace {

class Momentum final : public Optimizer {
 public:
  Momentum(double momentum, bool nesterov) : momentum_(momentum), nesterov_(nesterov) {}
  std::vector<std::pair<std::string, double>> hyperparameters() const override {
    return {{"momentum", momentum_}, {"dampening", 0.0}};
  }
  void reset(Index rows, Index cols) override {
    buffer_.setZero(rows, cols);
    first_ = true;
  }
  void step(Params& params, const Params& g, const Eigen::RowVectorXd& lr) override {
    if (first_) {
      buffer_ = g;
      first_ = false;
    } else {
      buffer_ = momentum_ * buffer_ + g;
    }
    for (Index j = 0; j < params.cols(); ++j) {
      if (nesterov_)
        params.col(j).noalias() -= lr(j) * (g.col(j) + momentum_ * buffer_.col(j));
      else
        params.col(j).noalias() -= lr(j) * buffer_.col(j);
    }
  }
  void keep_columns(const std::vector<Index>& columns) override { lrfind::keep_columns(buffer_, columns); }

 private:
  double momentum_;
  bool nesterov_;
  Params buffer_;
  bool first_ = true;
};

}  // namespace

OptimizerEntry momentum_optimizer() {
  return {"momentum", "SGD with momentum 0.9 (torch.optim.SGD, dampening 0)",
          []() -> std::unique_ptr<Optimizer> { return std::make_unique<Momentum>(0.9, false); }, false};
}

OptimizerEntry nesterov_optimizer() {
  return {"nesterov", "SGD with Nesterov momentum 0.9",
          []() -> std::unique_ptr<Optimizer> { return std::make_unique<Momentum>(0.9, true); }, false};
}

}  // namespace lrfind
