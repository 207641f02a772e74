// torch.optim.RMSprop (not centred, no momentum; alpha 0.99, eps 1e-8):
// v <- α·v + (1-α)·g²; p <- p - lr·g/(sqrt(v) + eps). Tieleman & Hinton 2012.
//
// Lazily, without L2: a zero gradient leaves the weight where it is and
// only decays v by α, so a feature untouched for k steps takes α^k in one
// multiplication when it is next touched (the weights are exact at every
// step; the square averages of untouched features lag until then).
#include <cmath>

#include "train/optimizer.hpp"

namespace lrfind {

namespace {

class RmsProp final : public Optimizer {
 public:
  RmsProp(double alpha, double eps) : alpha_(alpha), eps_(eps) {}
  std::vector<std::pair<std::string, double>> hyperparameters() const override {
    return {{"alpha", alpha_}, {"eps", eps_}};
  }
  void reset(Index rows, Index cols) override {
    square_avg_.setZero(rows, cols);
    // Feature-major: the step at which each feature's column of square_avg_
    // was last brought up to date.
    last_step_.assign(layout() == Layout::kFeatureMajor ? static_cast<std::size_t>(cols) : 0, 0);
    steps_ = 0;
  }
  void step(Params& params, const Params& g, const Eigen::RowVectorXd& lr) override {
    if (square_avg_.size() != g.size()) reset(g.rows(), g.cols());
    square_avg_.array() = alpha_ * square_avg_.array() + (1.0 - alpha_) * g.array().square();
    for (Index j = 0; j < params.cols(); ++j)
      params.col(j).array() -= lr(j) * g.col(j).array() / (square_avg_.col(j).array().sqrt() + eps_);
  }
  void keep_columns(const std::vector<Index>& columns) override { keep_stacked(square_avg_, columns); }
  bool lazy(double l2, bool) const override { return l2 == 0.0; }
  void step_sparse(Params& params, const SparseGradient& g, const Eigen::RowVectorXd& lr) override {
    ++steps_;
    const Index columns = params.rows();
    const auto update = [&](Index feature, const double* gradient) {
      std::int64_t& last = last_step_[static_cast<std::size_t>(feature)];
      const double decay = decay_over(steps_ - 1 - last);  // the steps it missed
      last = steps_;
      double* p = params.col(feature).data();
      double* v = square_avg_.col(feature).data();
      for (Index c = 0; c < columns; ++c) {
        v[c] = alpha_ * (v[c] * decay) + (1.0 - alpha_) * (gradient[c] * gradient[c]);
        p[c] -= lr(c) * gradient[c] / (std::sqrt(v[c]) + eps_);
      }
    };
    for (std::size_t i = 0; i < g.rows.size(); ++i) update(g.rows[i], g.values.col(static_cast<Index>(i)).data());
    update(params.cols() - 1, g.intercept.data());
  }

 private:
  // α^k, remembered: features come back after the same gaps again and again.
  double decay_over(std::int64_t k) {
    if (k == 0) return 1.0;
    const auto i = static_cast<std::size_t>(k);
    if (i >= powers_.size()) {
      const std::size_t from = powers_.size();
      powers_.resize(std::max(i + 1, 2 * from));
      for (std::size_t j = from; j < powers_.size(); ++j) powers_[j] = std::pow(alpha_, static_cast<double>(j));
    }
    return powers_[i];
  }

  double alpha_;
  double eps_;
  Params square_avg_;
  std::vector<std::int64_t> last_step_;
  std::int64_t steps_ = 0;
  std::vector<double> powers_;
};

}  // namespace

OptimizerEntry rmsprop_optimizer() {
  return {"rmsprop", "RMSprop (torch.optim defaults: alpha 0.99, eps 1e-8)",
          []() -> std::unique_ptr<Optimizer> { return std::make_unique<RmsProp>(0.99, 1e-8); }, false};
}

}  // namespace lrfind
