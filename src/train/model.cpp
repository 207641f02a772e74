#include "train/model.hpp"

#include <cassert>
#include <mutex>

#include "train/model_kind.hpp"

namespace lrfind {

void pin_product_blocking() {
  // The sizes Eigen 3.4 detects on the machine the golden outputs were made on
  // (L1 48 KiB, L2 2 MiB, L3 300 MiB): any fixed values give the same bytes
  // everywhere; these also keep the outputs of earlier versions. Set again
  // whenever something else changed them.
  constexpr std::ptrdiff_t kL1 = 49152, kL2 = 2097152, kL3 = 314572800;
  static std::mutex mutex;
  const std::lock_guard lock(mutex);
  if (Eigen::l1CacheSize() != kL1 || Eigen::l2CacheSize() != kL2 || Eigen::l3CacheSize() != kL3)
    Eigen::setCpuCacheSizes(kL1, kL2, kL3);
}

Model::Model(std::unique_ptr<Loss> loss, Index features, double l2)
    : loss_(std::move(loss)), features_(features), l2_(l2) {
  pin_product_blocking();
}

namespace {

// z = X·W + b over sparse rows: per stacked column, a pass over the rows'
// non-zeros, so the cost follows the non-zeros, not the feature count.
void sparse_scores(const SparseRows& x, Index rows, const Params& stacked, Index features, Eigen::MatrixXd& z) {
  z.resize(rows, stacked.cols());
  for (Index c = 0; c < stacked.cols(); ++c) {
    const double* w = stacked.col(c).data();
    double* out = z.col(c).data();
    for (Index i = 0; i < rows; ++i) {
      double sum = 0.0;
      for (std::int64_t k = x.offsets[i]; k < x.offsets[i + 1]; ++k) sum += x.values[k] * w[x.indices[k]];
      out[i] = sum + w[features];
    }
  }
}

// The same on a feature-major stack: per row and non-zero, one pass over the
// stacked columns, reading one feature's weights side by side. Each score is
// the same sum in the same order as sparse_scores's.
void sparse_scores_fm(const SparseRows& x, Index rows, const Params& stacked_fm, Index features, Eigen::MatrixXd& zt,
                      Eigen::MatrixXd& z, const Eigen::VectorXd* scale) {
  const Index columns = stacked_fm.rows();
  zt.setZero(columns, rows);
  const double* intercept = stacked_fm.col(features).data();
  for (Index i = 0; i < rows; ++i) {
    double* out = zt.col(i).data();
    for (std::int64_t k = x.offsets[i]; k < x.offsets[i + 1]; ++k) {
      const double v = x.values[k];
      const double* w = stacked_fm.col(x.indices[k]).data();
      for (Index c = 0; c < columns; ++c) out[c] += v * w[c];
    }
    if (scale)
      for (Index c = 0; c < columns; ++c) out[c] = (*scale)(c) * out[c] + intercept[c];
    else
      for (Index c = 0; c < columns; ++c) out[c] += intercept[c];
  }
  z = zt.transpose();
}

// gradient.topRows(features) += Xᵀ·dz over sparse rows.
void add_sparse_gradient(const SparseRows& x, Index rows, const Eigen::MatrixXd& dz, Params& gradient) {
  for (Index c = 0; c < dz.cols(); ++c) {
    double* g = gradient.col(c).data();
    const double* d = dz.col(c).data();
    for (Index i = 0; i < rows; ++i) {
      if (d[i] == 0.0) continue;  // a row that adds nothing (a hinge outside its margin)
      for (std::int64_t k = x.offsets[i]; k < x.offsets[i + 1]; ++k) g[x.indices[k]] += x.values[k] * d[i];
    }
  }
}

}  // namespace

Model make_model(const ModelKindEntry& kind, Index features, std::size_t classes, double l2) {
  return Model(kind.loss(classes), features, l2);
}

void Model::sparse_loss_gradient(const Chunk::Rows& batch, const Params& stacked_fm, Index models, double* losses,
                                 SparseGradient& gradient, Workspace& ws, const WeightScale* scale) const {
  const SparseRows& x = batch.sparse;
  const Index rows = batch.count();
  const Index columns = stacked_fm.rows();
  sparse_scores_fm(x, rows, stacked_fm, features_, ws.t, ws.z, scale ? &scale->scale : nullptr);
  loss_->mean_losses(ws.z, batch.y, models, losses, &ws.dz);
  if (l2_ != 0.0) {
    for (Index k = 0; k < models; ++k) {
      if (!scale) {
        losses[k] += penalty(stacked_fm, k, Layout::kFeatureMajor);
        continue;
      }
      double sum = 0.0;
      for (Index c = k * outputs(); c < (k + 1) * outputs(); ++c)
        sum += scale->scale(c) * scale->scale(c) * scale->sq_norm(c);
      losses[k] += 0.5 * l2_ * sum;
    }
  }
  if (ws.slot.size() != static_cast<std::size_t>(features_)) ws.slot.assign(static_cast<std::size_t>(features_), -1);
  gradient.rows.clear();
  for (std::int64_t k = x.offsets[0]; k < x.offsets[rows]; ++k) {
    std::int32_t& slot = ws.slot[static_cast<std::size_t>(x.indices[k])];
    if (slot >= 0) continue;
    slot = static_cast<std::int32_t>(gradient.rows.size());
    gradient.rows.push_back(x.indices[k]);
  }
  gradient.values.setZero(columns, static_cast<Index>(gradient.rows.size()));
  // Rows in order, then their non-zeros: per entry, the sums of
  // add_sparse_gradient, term for term. That one skips a zero dz; here the
  // term v·0 is added instead, which leaves the sum's bits as they are (v is
  // finite, and a sum of products started at +0 is never -0), except that a
  // row whose dz is zero in every column is skipped (a hinge outside its
  // margin for every model).
  ws.t = ws.dz.transpose();
  for (Index i = 0; i < rows; ++i) {
    const double* d = ws.t.col(i).data();
    if (ws.t.col(i).cwiseAbs().maxCoeff() == 0.0) continue;
    for (std::int64_t k = x.offsets[i]; k < x.offsets[i + 1]; ++k) {
      const double v = x.values[k];
      double* g = gradient.values.col(ws.slot[x.indices[k]]).data();
      for (Index c = 0; c < columns; ++c) g[c] += v * d[c];
    }
  }
  gradient.intercept = ws.dz.colwise().sum().transpose();
  for (const std::int32_t r : gradient.rows) ws.slot[static_cast<std::size_t>(r)] = -1;
}

double Model::penalty(const Params& stacked, Index k, Layout layout) const {
  if (l2_ == 0.0) return 0.0;
  if (layout == Layout::kFeatureMajor)
    return 0.5 * l2_ * stacked.block(k * outputs(), 0, outputs(), features_).squaredNorm();
  return 0.5 * l2_ * stacked.block(0, k * outputs(), features_, outputs()).squaredNorm();
}

void Model::scores(const Eigen::Ref<const Matrix>& X, const Params& stacked, Eigen::MatrixXd& z) const {
  z.resize(X.rows(), stacked.cols());
  if (X.rows() == 1) {
    // One row (batch size 1): a dot product per column, without a general product's set-up.
    const Eigen::Map<const Eigen::VectorXd> x(X.row(0).data(), features_);
    for (Index c = 0; c < stacked.cols(); ++c)
      z(0, c) = x.dot(stacked.col(c).head(features_)) + stacked(features_, c);
    return;
  }
  z.noalias() = X * stacked.topRows(features_);
  z.rowwise() += stacked.row(features_);
}

void Model::add_penalties(const Params& stacked, Index models, double* losses, Params* gradient, bool with_penalty,
                          Layout layout) const {
  if (gradient && l2_ != 0.0) gradient->topRows(features_) += l2_ * stacked.topRows(features_);
  if (with_penalty)
    for (Index k = 0; k < models; ++k) losses[k] += penalty(stacked, k, layout);
}

void Model::scores(const Chunk::Rows& rows, const Params& stacked, Workspace& ws, Layout layout) const {
  if (layout == Layout::kFeatureMajor) {
    assert(rows.is_sparse());
    sparse_scores_fm(rows.sparse, rows.count(), stacked, features_, ws.t, ws.z, nullptr);
  } else if (rows.is_sparse()) {
    sparse_scores(rows.sparse, rows.count(), stacked, features_, ws.z);
  } else {
    scores(rows.x, stacked, ws.z);
  }
}

void Model::loss_gradient(const Chunk::Rows& batch, const Params& stacked, Index models, double* losses,
                          Params* gradient, Workspace& ws, bool with_penalty) const {
  const Eigen::Ref<const Matrix>& X = batch.x;
  scores(batch, stacked, ws);
  loss_->mean_losses(ws.z, batch.y, models, losses, gradient ? &ws.dz : nullptr);
  if (gradient && batch.is_sparse()) {
    gradient->resize(stacked.rows(), stacked.cols());
    gradient->topRows(features_).setZero();
    add_sparse_gradient(batch.sparse, batch.count(), ws.dz, *gradient);
    gradient->row(features_) = ws.dz.colwise().sum();
  } else if (gradient) {
    const Eigen::MatrixXd& dz = ws.dz;
    gradient->resize(stacked.rows(), stacked.cols());
    if (X.rows() <= 4) {
      // Tiny batches: a plain loop beats the set-up of a general matrix product.
      for (Index c = 0; c < gradient->cols(); ++c) {
        double* g = gradient->col(c).data();
        const double* x = X.row(0).data();
        const double d0 = dz(0, c);
        for (Index j = 0; j < features_; ++j) g[j] = x[j] * d0;
        for (Index i = 1; i < X.rows(); ++i) {
          const double d = dz(i, c);
          x = X.row(i).data();
          for (Index j = 0; j < features_; ++j) g[j] += x[j] * d;
        }
      }
    } else {
      gradient->topRows(features_).noalias() = X.transpose() * dz;
    }
    gradient->row(features_) = dz.colwise().sum();
  }
  add_penalties(stacked, models, losses, gradient, with_penalty);
}

void Model::rows_loss_gradient(const Features& X, const Vector& y, std::span<const Index> rows, const Params& stacked,
                               Index models, double* losses, Params* gradient, Workspace& ws, bool with_penalty,
                               Layout layout) const {
  assert(layout == Layout::kModelMajor || (!gradient && X.sparse()));
  if (gradient) gradient->setZero(stacked.rows(), stacked.cols());
  std::fill(losses, losses + models, 0.0);
  if (!rows.empty()) {
    ws.chunk_losses.resize(static_cast<std::size_t>(models));
    const double n = static_cast<double>(rows.size());
    const std::size_t size = static_cast<std::size_t>(chunk_rows(X.row_width()));
    for (std::size_t start = 0; start < rows.size(); start += size) {
      const std::span<const Index> part = rows.subspan(start, std::min(size, rows.size() - start));
      ws.chunk.gather(X, y, part);
      const Chunk::Rows chunk = ws.chunk.all();
      scores(chunk, stacked, ws, layout);
      loss_->mean_losses(ws.z, chunk.y, models, ws.chunk_losses.data(), gradient ? &ws.dz : nullptr);
      for (Index k = 0; k < models; ++k)
        losses[k] += ws.chunk_losses[static_cast<std::size_t>(k)] * static_cast<double>(part.size());
      if (!gradient) continue;
      ws.dz *= static_cast<double>(part.size()) / n;  // the chunk's share of the mean
      if (chunk.is_sparse())
        add_sparse_gradient(chunk.sparse, chunk.count(), ws.dz, *gradient);
      else
        gradient->topRows(features_).noalias() += chunk.x.transpose() * ws.dz;
      gradient->row(features_) += ws.dz.colwise().sum();
    }
    for (Index k = 0; k < models; ++k) losses[k] /= n;
  }
  add_penalties(stacked, models, losses, gradient, with_penalty, layout);
}

double mean_loss(const Model& model, const Features& X, const Vector& y, std::span<const Index> rows,
                 const Params& params, bool with_penalty) {
  Workspace ws;
  double loss = 0.0;
  model.rows_loss_gradient(X, y, rows, params, 1, &loss, nullptr, ws, with_penalty);
  return loss;
}

}  // namespace lrfind
