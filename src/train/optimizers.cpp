#include "train/optimizer.hpp"

namespace lrfind {

void keep_columns(Params& m, const std::vector<Index>& columns) {
  if (m.size() == 0) return;
  Params kept(m.rows(), static_cast<Index>(columns.size()));
  for (std::size_t j = 0; j < columns.size(); ++j) kept.col(static_cast<Index>(j)) = m.col(columns[j]);
  m.swap(kept);
}

void scatter(const SparseGradient& g, Index rows, Params& dense) {
  dense.setZero(rows, g.intercept.cols());
  for (std::size_t i = 0; i < g.rows.size(); ++i) dense.row(g.rows[i]) = g.values.row(static_cast<Index>(i));
  dense.row(rows - 1) = g.intercept;
}

void Optimizer::step_sparse(Params& params, const SparseGradient& g, const Eigen::RowVectorXd& lr) {
  scatter(g, params.rows(), dense_);
  step(params, dense_, lr);
}

// One entry per optimizer, each in its own file under optimizers/.
OptimizerEntry sgd_optimizer();
OptimizerEntry momentum_optimizer();
OptimizerEntry nesterov_optimizer();
OptimizerEntry adagrad_optimizer();
OptimizerEntry rmsprop_optimizer();
OptimizerEntry adam_optimizer();
OptimizerEntry sparse_adam_optimizer();

Registry<OptimizerEntry> builtin_optimizers() {
  Registry<OptimizerEntry> optimizers("optimizer", "--optimizer");
  optimizers.add(sgd_optimizer());
  optimizers.add(momentum_optimizer());
  optimizers.add(nesterov_optimizer());
  optimizers.add(adagrad_optimizer());
  optimizers.add(rmsprop_optimizer());
  optimizers.add(adam_optimizer());
  optimizers.add(sparse_adam_optimizer());
  return optimizers;
}

}  // namespace lrfind
