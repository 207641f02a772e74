#include "train/optimizer.hpp"

#include <stdexcept>

namespace lrfind {

void keep_columns(Params& m, const std::vector<Index>& columns) {
  if (m.size() == 0) return;
  Params kept(m.rows(), static_cast<Index>(columns.size()));
  for (std::size_t j = 0; j < columns.size(); ++j) kept.col(static_cast<Index>(j)) = m.col(columns[j]);
  m.swap(kept);
}

void keep_rows(Params& m, const std::vector<Index>& rows) {
  if (m.size() == 0) return;
  Params kept(static_cast<Index>(rows.size()), m.cols());
  for (std::size_t i = 0; i < rows.size(); ++i) kept.row(static_cast<Index>(i)) = m.row(rows[i]);
  m.swap(kept);
}

void scatter(const SparseGradient& g, Index rows, Params& dense) {
  dense.setZero(rows, g.intercept.size());
  for (std::size_t i = 0; i < g.rows.size(); ++i) dense.row(g.rows[i]) = g.values.col(static_cast<Index>(i)).transpose();
  dense.row(rows - 1) = g.intercept.transpose();
}

void Optimizer::step_sparse(Params&, const SparseGradient&, const Eigen::RowVectorXd&) {
  throw std::logic_error("step_sparse on an optimizer that is not lazy");
}

void Optimizer::keep_stacked(Params& state, const std::vector<Index>& columns) const {
  if (layout_ == Layout::kFeatureMajor)
    lrfind::keep_rows(state, columns);
  else
    lrfind::keep_columns(state, columns);
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
