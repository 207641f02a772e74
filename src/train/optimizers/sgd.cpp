// Plain SGD: p <- p - lr·g.
#include "train/optimizer.hpp"

namespace lrfind {

namespace {

class Sgd final : public Optimizer {
 public:
  std::vector<std::pair<std::string, double>> hyperparameters() const override { return {}; }
  void reset(Index, Index) override {}
  void step(Params& params, const Params& g, const Eigen::RowVectorXd& lr) override {
    const Index rows = params.rows();
    for (Index j = 0; j < params.cols(); ++j) {
      double* p = params.col(j).data();
      const double* gj = g.col(j).data();
      const double rate = lr(j);
      for (Index i = 0; i < rows; ++i) p[i] -= rate * gj[i];
    }
  }
  void keep_columns(const std::vector<Index>&) override {}
  bool lazy() const override { return true; }
  void step_sparse(Params& params, const SparseGradient& g, const Eigen::RowVectorXd& lr) override {
    const Index columns = params.rows();
    const auto update = [&](double* p, const double* gradient) {
      for (Index c = 0; c < columns; ++c) p[c] -= lr(c) * gradient[c];
    };
    for (std::size_t i = 0; i < g.rows.size(); ++i)
      update(params.col(g.rows[i]).data(), g.values.col(static_cast<Index>(i)).data());
    update(params.col(params.cols() - 1).data(), g.intercept.data());
  }
};

}  // namespace

OptimizerEntry sgd_optimizer() {
  return {"sgd", "plain SGD: p <- p - lr·g", []() -> std::unique_ptr<Optimizer> { return std::make_unique<Sgd>(); },
          true};
}

}  // namespace lrfind
