// torch.optim.RMSprop (not centred, no momentum; alpha 0.99, eps 1e-8):
// v <- α·v + (1-α)·g²; p <- p - lr·g/(sqrt(v) + eps). Tieleman & Hinton 2012.
#include "train/optimizer.hpp"

namespace lrfind {

namespace {

class RmsProp final : public Optimizer {
 public:
  RmsProp(double alpha, double eps) : alpha_(alpha), eps_(eps) {}
  std::vector<std::pair<std::string, double>> hyperparameters() const override {
    return {{"alpha", alpha_}, {"eps", eps_}};
  }
  void reset(Index rows, Index cols) override { square_avg_.setZero(rows, cols); }
  void step(Params& params, const Params& g, const Eigen::RowVectorXd& lr) override {
    if (square_avg_.size() != g.size()) reset(g.rows(), g.cols());
    square_avg_.array() = alpha_ * square_avg_.array() + (1.0 - alpha_) * g.array().square();
    for (Index j = 0; j < params.cols(); ++j)
      params.col(j).array() -= lr(j) * g.col(j).array() / (square_avg_.col(j).array().sqrt() + eps_);
  }
  void keep_columns(const std::vector<Index>& columns) override { lrfind::keep_columns(square_avg_, columns); }

 private:
  double alpha_;
  double eps_;
  Params square_avg_;
};

}  // namespace

OptimizerEntry rmsprop_optimizer() {
  return {"rmsprop", "RMSprop (torch.optim defaults: alpha 0.99, eps 1e-8)",
          []() -> std::unique_ptr<Optimizer> { return std::make_unique<RmsProp>(0.99, 1e-8); }, false};
}

}  // namespace lrfind
