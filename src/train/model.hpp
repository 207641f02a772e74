// The one training path: linear models z = x·W + b with a loss, evaluated for
// many models side by side. `models` parameter matrices are stacked in one
// (features + 1) x models·outputs matrix (the last row is each model's
// intercept), so that a batch costs one product X_b·W for all of them and one
// X_bᵀ·dZ for all their gradients; a single model is a stack of one. The
// L2 term (l2/2)·‖W_k‖² never touches the intercept.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "load/features.hpp"
#include "train/loss.hpp"

namespace lrfind {

struct ModelKindEntry;

using Params = Eigen::MatrixXd;

// The gradient of a batch of sparse rows without an L2 term: only the rows of
// the features the batch touches, in order of first appearance, and the
// intercepts; every other row of the gradient is zero. What lazy optimizers
// step with (Optimizer::step_sparse), at a cost that follows the batch's
// non-zeros rather than the feature count.
struct SparseGradient {
  std::vector<std::int32_t> rows;  // touched features
  Eigen::MatrixXd values;          // rows.size() x stacked columns
  Eigen::MatrixXd intercept;       // 1 x stacked columns
  bool allFinite() const { return values.allFinite() && intercept.allFinite(); }
};

// Scratch one caller reuses from batch to batch (one per thread).
struct Workspace {
  Eigen::MatrixXd z;
  Eigen::MatrixXd dz;
  Chunk chunk;
  std::vector<double> chunk_losses;
  std::vector<std::int32_t> slot;  // per feature: its row in a SparseGradient, or -1
};

class Model {
 public:
  Model(std::unique_ptr<Loss> loss, Index features, double l2);

  Index features() const { return features_; }
  Index outputs() const { return loss_->outputs(); }
  double l2() const { return l2_; }
  std::string_view loss_name() const { return loss_->torch_name(); }
  // `models` models side by side, all zero.
  Params initial_params(Index models = 1) const { return Params::Zero(features_ + 1, models * outputs()); }
  // (l2/2)·‖W_k‖² of stacked model k, the intercept row excluded.
  double penalty(const Params& stacked, Index k = 0) const;

  // losses[k] = model k's mean loss on the batch (plus its penalty when
  // `with_penalty`); when `gradient` is not null it receives every model's
  // gradient of mean loss plus penalty, in the layout of `stacked`.
  void loss_gradient(const Chunk::Rows& batch, const Params& stacked, Index models, double* losses, Params* gradient,
                     Workspace& ws, bool with_penalty = true) const;

  // The same for a batch of sparse rows, when the model has no L2 term: the
  // gradient comes as the touched rows only (the dense gradient's other rows
  // are zero), in the same sums as loss_gradient's.
  void sparse_loss_gradient(const Chunk::Rows& batch, const Params& stacked, Index models, double* losses,
                            SparseGradient& gradient, Workspace& ws) const;

  // Rows read at a time where many rows are: at most 4096, and at most 4 MiB
  // of features (wide files read fewer; sparse features count as one column
  // per non-zero, see Features::row_width). Batches of more rows than this are
  // not gathered whole: rows_loss_gradient reads them a chunk at a time.
  static Index chunk_rows(Index columns) {
    constexpr Index kRows = 4096;
    constexpr Index kBytes = Index{4} << 20;
    return std::clamp<Index>(kBytes / (std::max<Index>(columns, 1) * Index{sizeof(double)}), 1, kRows);
  }
  // loss_gradient over the rows `rows` of (X, y), chunk_rows at a time, each
  // chunk weighted by its share of the rows: memory in proportion to a chunk,
  // however many rows.
  void rows_loss_gradient(const Features& X, const Vector& y, std::span<const Index> rows, const Params& stacked,
                          Index models, double* losses, Params* gradient, Workspace& ws, bool with_penalty) const;

 private:
  // z = X·W + b for every stacked model.
  void scores(const Eigen::Ref<const Matrix>& X, const Params& stacked, Eigen::MatrixXd& z) const;
  void scores(const Chunk::Rows& rows, const Params& stacked, Eigen::MatrixXd& z) const;
  void add_penalties(const Params& stacked, Index models, double* losses, Params* gradient, bool with_penalty) const;

  std::unique_ptr<Loss> loss_;
  Index features_;
  double l2_;
};

// The model of a kind for `classes` classes (0 for regression).
Model make_model(const ModelKindEntry& kind, Index features, std::size_t classes, double l2);

// The mean loss of one model over the rows `rows` of (X, y), read in chunks
// so that no copy of the whole data is made; plus the penalty when asked.
double mean_loss(const Model& model, const Features& X, const Vector& y, std::span<const Index> rows,
                 const Params& params, bool with_penalty);

// Fixes the cache sizes from which Eigen chooses its matrix-product blocking.
// Eigen reads them from the processor, and the blocking decides how a long sum
// is cut into partial sums, so the last bits of a product would otherwise
// depend on the machine's caches. Called by every model's constructor.
void pin_product_blocking();

}  // namespace lrfind
