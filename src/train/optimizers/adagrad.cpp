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
  void keep_columns(const std::vector<Index>& columns) override { lrfind::keep_columns(sum_, columns); }
  bool lazy() const override { return true; }
  void step_sparse(Params& params, const SparseGradient& g, const Eigen::RowVectorXd& lr) override {
    if (sum_.rows() != params.rows() || sum_.cols() != params.cols()) reset(params.rows(), params.cols());
    const Index intercept = params.rows() - 1;
    const auto update = [&](Index row, Index j, double gradient) {
      double& s = sum_(row, j);
      s += gradient * gradient;
      params(row, j) -= lr(j) * gradient / (std::sqrt(s) + eps_);
    };
    for (Index j = 0; j < params.cols(); ++j) {
      for (std::size_t i = 0; i < g.rows.size(); ++i) update(g.rows[i], j, g.values(static_cast<Index>(i), j));
      update(intercept, j, g.intercept(0, j));
    }
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
