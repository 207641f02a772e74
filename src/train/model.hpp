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

// How a stack of models is laid out. Model-major: (features + 1) x stacked
// columns, a column per model output (what dense training uses, and Eigen's
// products). Feature-major: the transpose, stacked columns x (features + 1),
// so that the weights one feature has in every stacked model sit side by
// side: a sparse row's non-zero then reads one short run of memory instead of
// one cache line per model. Lazy training on sparse rows keeps its stack
// feature-major (search/grid.cpp, search/range.cpp); with one model the two
// layouts hold the same numbers in the same order.
enum class Layout { kModelMajor, kFeatureMajor };

// The gradient of a batch of sparse rows without an L2 term, feature-major:
// only the features the batch touches, in order of first appearance, and the
// intercepts; every other feature's gradient is zero. What lazy optimizers
// step with (Optimizer::step_sparse), at a cost that follows the batch's
// non-zeros rather than the feature count.
struct SparseGradient {
  std::vector<std::int32_t> rows;  // touched features
  Eigen::MatrixXd values;          // stacked columns x rows.size(): column i is feature rows[i]
  Eigen::VectorXd intercept;       // stacked columns
  bool allFinite() const { return values.allFinite() && intercept.allFinite(); }
};

// Bottou's trick for lazy SGD with L2 ("Stochastic Gradient Descent Tricks",
// 2012): the decay (1 - lr·l2) that every weight takes at every step is kept
// as one running factor per stacked column, so that a step touches only the
// batch's features. The weights of stacked column c are scale(c) times the
// feature-major stack's row c, the intercept excepted (not scaled);
// sq_norm(c) is ‖row c‖² without the intercept, for the L2 penalty.
struct WeightScale {
  Eigen::VectorXd scale;
  Eigen::VectorXd sq_norm;
};

// Scratch one caller reuses from batch to batch (one per thread).
struct Workspace {
  Eigen::MatrixXd z;
  Eigen::MatrixXd dz;
  Eigen::MatrixXd t;  // z or dz transposed, for feature-major stacks
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
  // (l2/2)·‖W_k‖² of stacked model k, the intercept excluded.
  double penalty(const Params& stacked, Index k = 0, Layout layout = Layout::kModelMajor) const;

  // losses[k] = model k's mean loss on the batch (plus its penalty when
  // `with_penalty`); when `gradient` is not null it receives every model's
  // gradient of mean loss plus penalty, in the layout of `stacked`.
  void loss_gradient(const Chunk::Rows& batch, const Params& stacked, Index models, double* losses, Params* gradient,
                     Workspace& ws, bool with_penalty = true) const;

  // The same for a batch of sparse rows and a feature-major stack: the
  // gradient of the mean loss without the L2 term, as the touched features
  // only (the other rows are zero); without L2 and `scale`, with the same
  // sums, term for term, as loss_gradient's on the model-major stack. With
  // `scale` (lazy SGD with L2) the weights are scale·stack and the losses
  // take the penalty from its norms; without it, the penalty is the stack's.
  void sparse_loss_gradient(const Chunk::Rows& batch, const Params& stacked_fm, Index models, double* losses,
                            SparseGradient& gradient, Workspace& ws, const WeightScale* scale = nullptr) const;

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
  // A feature-major stack (sparse X only) gives the same losses; its
  // gradient is not computed (`gradient` must be null).
  void rows_loss_gradient(const Features& X, const Vector& y, std::span<const Index> rows, const Params& stacked,
                          Index models, double* losses, Params* gradient, Workspace& ws, bool with_penalty,
                          Layout layout = Layout::kModelMajor) const;

 private:
  // z = X·W + b for every stacked model.
  void scores(const Eigen::Ref<const Matrix>& X, const Params& stacked, Eigen::MatrixXd& z) const;
  // ws.z = the scores of the rows; a feature-major stack only for sparse rows.
  void scores(const Chunk::Rows& rows, const Params& stacked, Workspace& ws, Layout layout = Layout::kModelMajor) const;
  void add_penalties(const Params& stacked, Index models, double* losses, Params* gradient, bool with_penalty,
                     Layout layout = Layout::kModelMajor) const;

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
