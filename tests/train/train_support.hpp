// Shorthands for tests of the training path and the searches built on it.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "train/model.hpp"
#include "train/model_kind.hpp"
#include "train/optimizer.hpp"

namespace lrfind::testing {

// The model of a built-in kind.
inline Model make(std::string_view kind, Index features, std::size_t classes, double l2) {
  static const Registry<ModelKindEntry> kinds = builtin_model_kinds();
  return make_model(kinds.at(kind), features, classes, l2);
}

// A built-in optimizer's entry, and a fresh instance of it.
inline const OptimizerEntry& optimizer(std::string_view name) {
  static const Registry<OptimizerEntry> optimizers = builtin_optimizers();
  return optimizers.at(name);
}
inline std::unique_ptr<Optimizer> make_optimizer(std::string_view name) { return optimizer(name).make(); }

// One model's mean loss plus its penalty on the batch (X, y), and its gradient.
inline double loss_of(const Model& model, const Eigen::Ref<const Matrix>& X, const Eigen::Ref<const Vector>& y,
                      const Params& params, Params* gradient) {
  Workspace ws;
  double loss = 0.0;
  model.loss_gradient(Chunk::Rows{X, y}, params, 1, &loss, gradient, ws);
  return loss;
}

// The same over the rows `rows` of (X, y), read in chunks.
inline double rows_loss_of(const Model& model, const Features& X, const Vector& y, std::span<const Index> rows,
                           const Params& params, Params* gradient) {
  Workspace ws;
  double loss = 0.0;
  model.rows_loss_gradient(X, y, rows, params, 1, &loss, gradient, ws, true);
  return loss;
}

}  // namespace lrfind::testing
