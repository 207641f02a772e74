#include "train/optimizer.hpp"

namespace lrfind {

void keep_columns(Params& m, const std::vector<Index>& columns) {
  if (m.size() == 0) return;
  Params kept(m.rows(), static_cast<Index>(columns.size()));
  for (std::size_t j = 0; j < columns.size(); ++j) kept.col(static_cast<Index>(j)) = m.col(columns[j]);
  m.swap(kept);
}

// One entry per optimizer, each in its own file under optimizers/.
OptimizerEntry sgd_optimizer();
OptimizerEntry momentum_optimizer();
OptimizerEntry nesterov_optimizer();
OptimizerEntry adagrad_optimizer();
OptimizerEntry rmsprop_optimizer();
OptimizerEntry adam_optimizer();

Registry<OptimizerEntry> builtin_optimizers() {
  Registry<OptimizerEntry> optimizers("optimizer", "--optimizer");
  optimizers.add(sgd_optimizer());
  optimizers.add(momentum_optimizer());
  optimizers.add(nesterov_optimizer());
  optimizers.add(adagrad_optimizer());
  optimizers.add(rmsprop_optimizer());
  optimizers.add(adam_optimizer());
  return optimizers;
}

}  // namespace lrfind
