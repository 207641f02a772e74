// Linear models: scores z = x·W + b over `outputs` columns, and a loss on the
// scores. Each loss is the mean over the rows of a batch and equals PyTorch's
// definition; the L2 term (l2/2)·||W||² never touches the intercept.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <memory>
#include <span>
#include <string_view>

#include "load/dataset.hpp"

namespace lrfind {

// Parameters: a (features + 1) x outputs matrix whose last row is the intercept.
using Params = Eigen::MatrixXd;

enum class ModelKind { kLinear, kLogistic, kSvm };
ModelKind parse_model_kind(std::string_view name);  // throws UsageError
std::string_view to_string(ModelKind kind);

class Model {
 public:
  Model(Index features, Index outputs, double l2);
  virtual ~Model() = default;

  Index features() const { return features_; }
  Index outputs() const { return outputs_; }
  double l2() const { return l2_; }
  virtual std::string_view loss_name() const = 0;  // PyTorch's name for the loss
  Params initial_params() const { return Params::Zero(features_ + 1, outputs_); }

  // Mean loss of the batch (X, y) plus the L2 penalty. When `gradient` is not
  // null it receives d(loss)/d(params), shaped like `params`.
  double loss_gradient(const Eigen::Ref<const Matrix>& X, const Eigen::Ref<const Vector>& y, const Params& params,
                       Params* gradient) const;
  // Mean loss of the batch without the penalty.
  double data_loss(const Eigen::Ref<const Matrix>& X, const Eigen::Ref<const Vector>& y, const Params& params) const;
  // (l2/2)·||W||², the intercept row excluded.
  double penalty(const Params& params) const;

  // Many models at once: `stacked` holds `models` parameter matrices side by
  // side ((features + 1) x models·outputs), so that a batch costs one matrix
  // product for all of them. Fills z with the scores, losses[k] with model k's
  // mean data loss on (X, y) and, when dz is not null, dz with d(loss_k)/dz
  // in the layout of z. The arithmetic per model is that of loss_gradient.
  void stacked_losses(const Eigen::Ref<const Matrix>& X, const Eigen::Ref<const Vector>& y, const Params& stacked,
                      Index models, Eigen::MatrixXd& z, double* losses, Eigen::MatrixXd* dz) const;

  // Rows read at a time where many rows are: at most 4096, and at most 4 MiB
  // of features (wide files read fewer). Batches of more rows than this are
  // not gathered whole: the functions below read them a chunk at a time.
  static Index chunk_rows(Index columns) {
    constexpr Index kRows = 4096;
    constexpr Index kBytes = Index{4} << 20;
    return std::clamp<Index>(kBytes / (std::max<Index>(columns, 1) * Index{sizeof(double)}), 1, kRows);
  }
  // The mean data loss of every stacked model over the rows `rows` of X and,
  // when `gradient` is not null, its data gradient (Xᵀ·dz with the intercept
  // row; no penalty), chunk_rows at a time, each chunk weighted by its share
  // of the rows: memory in proportion to a chunk, however many rows.
  void stacked_rows_losses(const Features& X, const Vector& y, std::span<const Index> rows, const Params& stacked,
                           Index models, double* losses, Params* gradient) const;
  // loss_gradient over the rows `rows` of X, by chunks as above.
  double rows_loss_gradient(const Features& X, const Vector& y, std::span<const Index> rows, const Params& params,
                            Params* gradient) const;

 protected:
  // Mean losses of `models` models whose scores are the column blocks of z
  // (rows x models·outputs) against y; when dz is not null it receives
  // d(mean loss)/dz in the same layout (sized by the caller), the 1/rows included.
  virtual void score_losses(const Eigen::MatrixXd& z, const Eigen::Ref<const Vector>& y, Index models,
                            double* losses, Eigen::MatrixXd* dz) const = 0;

 private:
  void scores_into(const Eigen::Ref<const Matrix>& X, const Params& params, Eigen::MatrixXd& z) const;

  Index features_;
  Index outputs_;
  double l2_;
};

// Mean squared error, as torch.nn.MSELoss.
class LinearRegression final : public Model {
 public:
  LinearRegression(Index features, double l2) : Model(features, 1, l2) {}
  std::string_view loss_name() const override { return "MSELoss"; }

 protected:
  void score_losses(const Eigen::MatrixXd& z, const Eigen::Ref<const Vector>& y, Index models, double* losses,
                    Eigen::MatrixXd* dz) const override;
};

// Two classes: BCEWithLogitsLoss with the second class as 1; softplus(z) - t·z
// computed as max(z,0) + log1p(exp(-|z|)) so that large margins cannot overflow.
class BinaryLogistic final : public Model {
 public:
  BinaryLogistic(Index features, double l2) : Model(features, 1, l2) {}
  std::string_view loss_name() const override { return "BCEWithLogitsLoss"; }

 protected:
  void score_losses(const Eigen::MatrixXd& z, const Eigen::Ref<const Vector>& y, Index models, double* losses,
                    Eigen::MatrixXd* dz) const override;
};

// More than two classes: CrossEntropyLoss, logsumexp(z) - z_y with the row
// maximum subtracted first.
class SoftmaxRegression final : public Model {
 public:
  SoftmaxRegression(Index features, Index classes, double l2) : Model(features, classes, l2) {}
  std::string_view loss_name() const override { return "CrossEntropyLoss"; }

 protected:
  void score_losses(const Eigen::MatrixXd& z, const Eigen::Ref<const Vector>& y, Index models, double* losses,
                    Eigen::MatrixXd* dz) const override;
};

// Two classes: hinge max(0, 1 - s·z) with s = -1 for the first class, +1 for
// the second. Subgradient 0 at the kink, as torch's clamp.
class BinaryHinge final : public Model {
 public:
  BinaryHinge(Index features, double l2) : Model(features, 1, l2) {}
  std::string_view loss_name() const override { return "hinge"; }

 protected:
  void score_losses(const Eigen::MatrixXd& z, const Eigen::Ref<const Vector>& y, Index models, double* losses,
                    Eigen::MatrixXd* dz) const override;
};

// More than two classes: torch.nn.MultiMarginLoss(p=1, margin=1):
// sum over j != y of max(0, 1 - z_y + z_j), divided by the number of classes.
class MultiMarginHinge final : public Model {
 public:
  MultiMarginHinge(Index features, Index classes, double l2) : Model(features, classes, l2) {}
  std::string_view loss_name() const override { return "MultiMarginLoss"; }

 protected:
  void score_losses(const Eigen::MatrixXd& z, const Eigen::Ref<const Vector>& y, Index models, double* losses,
                    Eigen::MatrixXd* dz) const override;
};

// Fixes the cache sizes from which Eigen chooses its matrix-product blocking.
// Eigen reads them from the processor, and the blocking decides how a long sum
// is cut into partial sums, so the last bits of a product would otherwise
// depend on the machine's caches. Called by every model's constructor.
void pin_product_blocking();

// The model for a kind and a number of classes (0 for regression).
std::unique_ptr<Model> make_model(ModelKind kind, Index features, std::size_t classes, double l2);

// Default L2 strength per model kind: 1e-4 for the SVM (as scikit-learn's
// SGDClassifier alpha), 0 otherwise.
double default_l2(ModelKind kind);

// Copies the rows `rows` of (X, y) into (Xb, yb), resizing them if needed.
void gather_rows(const Features& X, const Vector& y, std::span<const Index> rows, Matrix& Xb, Vector& yb);

// Loss over the rows `rows` of (X, y), computed in chunks so that no copy of
// the whole data is made: the mean data loss, plus the penalty when asked.
double mean_loss(const Model& model, const Features& X, const Vector& y, std::span<const Index> rows,
                 const Params& params, bool with_penalty);

}  // namespace lrfind
