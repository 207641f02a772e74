// torch.optim.Adagrad (lr_decay 0, initial accumulator 0, eps 1e-10):
// s <- s + g²; p <- p - lr·g/(sqrt(s) + eps). Duchi et al., JMLR 2011.
#include <cmath>

#include "train/optimizer.hpp"

namespace lrfind {

namespace {

class Adagrad final : public Optimizer {
 public:
  explicit Adagrad(double eps) : eps_(eps) {}
  std::vector<std::pair<std::string, double>> hyperparameters() const override {
    return {{"eps", eps_}, {"lr_decay", 0.0}, {"initial_accumulator_value", 0.0}};
  }
  void reset(Index rows, Index cols) override { sum_.setZero(rows, cols); }
  void step(Params& params, const Params& g, const Eigen::RowVectorXd& lr) override {
    if (sum_.size() != g.size()) reset(g.rows(), g.cols());
    sum_.array() += g.array().square();
    for (Index j = 0; j < params.cols(); ++j)
      params.col(j).array() -= lr(j) * g.col(j).array() / (sum_.col(j).array().sqrt() + eps_);
  }
  void keep_columns(const std::vector<Index>& columns) override { keep_stacked(sum_, columns); }
  bool lazy(double l2, bool) const override { return l2 == 0.0; }
  void step_sparse(Params& params, const SparseGradient& g, const Eigen::RowVectorXd& lr) override {
    if (sum_.rows() != params.rows() || sum_.cols() != params.cols()) reset(params.rows(), params.cols());
    const Index columns = params.rows();
    const auto update = [&](Index feature, const double* gradient) {
      double* p = params.col(feature).data();
      double* sum = sum_.col(feature).data();
      for (Index c = 0; c < columns; ++c) {
        sum[c] += gradient[c] * gradient[c];
        p[c] -= lr(c) * gradient[c] / (std::sqrt(sum[c]) + eps_);
      }
    };
    for (std::size_t i = 0; i < g.rows.size(); ++i) update(g.rows[i], g.values.col(static_cast<Index>(i)).data());
    update(params.cols() - 1, g.intercept.data());
  }

 private:
  double eps_;
  Params sum_;
};

}  // namespace

OptimizerEntry adagrad_optimizer() {
  return {"adagrad", "Adagrad (torch.optim defaults: eps 1e-10, no lr decay)",
          []() -> std::unique_ptr<Optimizer> { return std::make_unique<Adagrad>(1e-10); }, false};
}

}  // namespace lrfind
