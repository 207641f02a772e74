#include "train/model.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <mutex>

#include "lrfind/error.hpp"

namespace lrfind {

ModelKind parse_model_kind(std::string_view name) {
  if (name == "linear") return ModelKind::kLinear;
  if (name == "logistic") return ModelKind::kLogistic;
  if (name == "svm") return ModelKind::kSvm;
  throw UsageError(fmt::format("unknown model '{}' (choose linear, logistic or svm)", name));
}

std::string_view to_string(ModelKind kind) {
  switch (kind) {
    case ModelKind::kLinear: return "linear";
    case ModelKind::kLogistic: return "logistic";
    case ModelKind::kSvm: return "svm";
  }
  return "linear";
}

double default_l2(ModelKind kind) { return kind == ModelKind::kSvm ? 1e-4 : 0.0; }

std::unique_ptr<Model> make_model(ModelKind kind, Index features, std::size_t classes, double l2) {
  const Index k = static_cast<Index>(classes);
  switch (kind) {
    case ModelKind::kLinear: return std::make_unique<LinearRegression>(features, l2);
    case ModelKind::kLogistic:
      if (k <= 2) return std::make_unique<BinaryLogistic>(features, l2);
      return std::make_unique<SoftmaxRegression>(features, k, l2);
    case ModelKind::kSvm:
      if (k <= 2) return std::make_unique<BinaryHinge>(features, l2);
      return std::make_unique<MultiMarginHinge>(features, k, l2);
  }
  throw UsageError("unknown model kind");
}

void pin_product_blocking() {
  // The sizes Eigen 3.4 detects on the machine the golden outputs were made on
  // (L1 48 KiB, L2 2 MiB, L3 300 MiB): any fixed values give the same bytes
  // everywhere; these also keep the outputs of earlier versions.
  // Set again whenever something else changed them.
  constexpr std::ptrdiff_t kL1 = 49152, kL2 = 2097152, kL3 = 314572800;
  static std::mutex mutex;
  const std::lock_guard lock(mutex);
  if (Eigen::l1CacheSize() != kL1 || Eigen::l2CacheSize() != kL2 || Eigen::l3CacheSize() != kL3)
    Eigen::setCpuCacheSizes(kL1, kL2, kL3);
}

Model::Model(Index features, Index outputs, double l2) : features_(features), outputs_(outputs), l2_(l2) {
  pin_product_blocking();
}

double Model::penalty(const Params& params) const {
  if (l2_ == 0.0) return 0.0;
  return 0.5 * l2_ * params.topRows(features_).squaredNorm();
}

void Model::scores_into(const Eigen::Ref<const Matrix>& X, const Params& params, Eigen::MatrixXd& z) const {
  z.resize(X.rows(), params.cols());
  if (X.rows() == 1) {
    // One row (batch size 1): a dot product per column, without a general product's set-up.
    const Eigen::Map<const Eigen::VectorXd> x(X.row(0).data(), features_);
    for (Index c = 0; c < params.cols(); ++c) z(0, c) = x.dot(params.col(c).head(features_)) + params(features_, c);
    return;
  }
  z.noalias() = X * params.topRows(features_);
  z.rowwise() += params.row(features_);
}

void Model::stacked_losses(const Eigen::Ref<const Matrix>& X, const Eigen::Ref<const Vector>& y,
                           const Params& stacked, Index models, Eigen::MatrixXd& z, double* losses,
                           Eigen::MatrixXd* dz) const {
  scores_into(X, stacked, z);
  if (dz) dz->resize(z.rows(), z.cols());
  score_losses(z, y, models, losses, dz);
}

void Model::stacked_rows_losses(const Features& X, const Vector& y, std::span<const Index> rows,
                                const Params& stacked, Index models, double* losses, Params* gradient) const {
  if (gradient) gradient->setZero(stacked.rows(), stacked.cols());
  std::fill(losses, losses + models, 0.0);
  if (rows.empty()) return;
  // Reused from call to call (a step of a large batch calls this every step).
  thread_local Matrix Xc;
  thread_local Vector yc;
  thread_local Eigen::MatrixXd z, dz;
  std::vector<double> chunk_losses(static_cast<std::size_t>(models));
  const double n = static_cast<double>(rows.size());
  const std::size_t size = static_cast<std::size_t>(chunk_rows(X.cols()));
  for (std::size_t start = 0; start < rows.size(); start += size) {
    const std::span<const Index> chunk = rows.subspan(start, std::min(size, rows.size() - start));
    gather_rows(X, y, chunk, Xc, yc);
    stacked_losses(Xc, yc, stacked, models, z, chunk_losses.data(), gradient ? &dz : nullptr);
    for (Index k = 0; k < models; ++k)
      losses[k] += chunk_losses[static_cast<std::size_t>(k)] * static_cast<double>(chunk.size());
    if (!gradient) continue;
    dz *= static_cast<double>(chunk.size()) / n;  // the chunk's share of the mean
    gradient->topRows(features_).noalias() += Xc.transpose() * dz;
    gradient->row(features_) += dz.colwise().sum();
  }
  for (Index k = 0; k < models; ++k) losses[k] /= n;
}

double Model::rows_loss_gradient(const Features& X, const Vector& y, std::span<const Index> rows,
                                 const Params& params, Params* gradient) const {
  double loss = 0.0;
  stacked_rows_losses(X, y, rows, params, 1, &loss, gradient);
  if (gradient && l2_ != 0.0) gradient->topRows(features_) += l2_ * params.topRows(features_);
  return loss + penalty(params);
}

double Model::data_loss(const Eigen::Ref<const Matrix>& X, const Eigen::Ref<const Vector>& y,
                        const Params& params) const {
  Eigen::MatrixXd z;
  double loss = 0.0;
  stacked_losses(X, y, params, 1, z, &loss, nullptr);
  return loss;
}

double Model::loss_gradient(const Eigen::Ref<const Matrix>& X, const Eigen::Ref<const Vector>& y,
                            const Params& params, Params* gradient) const {
  thread_local Eigen::MatrixXd z;
  thread_local Eigen::MatrixXd dz;
  double loss = 0.0;
  stacked_losses(X, y, params, 1, z, &loss, gradient ? &dz : nullptr);
  if (gradient == nullptr) return loss + penalty(params);
  gradient->resize(params.rows(), params.cols());
  gradient->topRows(features_).noalias() = X.transpose() * dz;
  gradient->row(features_) = dz.colwise().sum();
  if (l2_ != 0.0) gradient->topRows(features_) += l2_ * params.topRows(features_);
  return loss + penalty(params);
}

void LinearRegression::score_losses(const Eigen::MatrixXd& z, const Eigen::Ref<const Vector>& y, Index models,
                                    double* losses, Eigen::MatrixXd* dz) const {
  const Index m = z.rows();
  const double scale = 2.0 / static_cast<double>(m);
  for (Index k = 0; k < models; ++k) {
    double total = 0.0;
    const double* zk = z.col(k).data();
    double* dk = dz ? dz->col(k).data() : nullptr;
    for (Index i = 0; i < m; ++i) {
      const double residual = zk[i] - y(i);
      total += residual * residual;
      if (dk) dk[i] = scale * residual;
    }
    losses[k] = total / static_cast<double>(m);
  }
}

void BinaryLogistic::score_losses(const Eigen::MatrixXd& z, const Eigen::Ref<const Vector>& y, Index models,
                                  double* losses, Eigen::MatrixXd* dz) const {
  const Index m = z.rows();
  for (Index k = 0; k < models; ++k) {
    double total = 0.0;
    const double* zk = z.col(k).data();
    double* dk = dz ? dz->col(k).data() : nullptr;
    for (Index i = 0; i < m; ++i) {
      const double s = zk[i];
      const double t = y(i);
      // softplus(s) - t·s, with softplus(s) = max(s,0) + log1p(exp(-|s|)).
      const double e = std::exp(-std::abs(s));
      total += std::max(s, 0.0) + std::log1p(e) - t * s;
      if (dk) {
        // sigmoid without overflow on either side.
        const double sigmoid = s >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
        dk[i] = (sigmoid - t) / static_cast<double>(m);
      }
    }
    losses[k] = total / static_cast<double>(m);
  }
}

void SoftmaxRegression::score_losses(const Eigen::MatrixXd& z, const Eigen::Ref<const Vector>& y, Index models,
                                     double* losses, Eigen::MatrixXd* dz) const {
  const Index m = z.rows();
  const Index c = outputs();
  Eigen::VectorXd shifted(c);
  for (Index k = 0; k < models; ++k) {
    const auto zk = z.middleCols(k * c, c);
    double total = 0.0;
    for (Index i = 0; i < m; ++i) {
      const double top = zk.row(i).maxCoeff();
      shifted = (zk.row(i).array() - top).exp().transpose();
      const double sum = shifted.sum();
      const Index label = static_cast<Index>(y(i));
      total += std::log(sum) + top - zk(i, label);
      if (dz) {
        auto dk = dz->middleCols(k * c, c);
        dk.row(i) = (shifted / (sum * static_cast<double>(m))).transpose();
        dk(i, label) -= 1.0 / static_cast<double>(m);
      }
    }
    losses[k] = total / static_cast<double>(m);
  }
}

void BinaryHinge::score_losses(const Eigen::MatrixXd& z, const Eigen::Ref<const Vector>& y, Index models,
                               double* losses, Eigen::MatrixXd* dz) const {
  const Index m = z.rows();
  for (Index k = 0; k < models; ++k) {
    double total = 0.0;
    const double* zk = z.col(k).data();
    double* dk = dz ? dz->col(k).data() : nullptr;
    for (Index i = 0; i < m; ++i) {
      const double sign = y(i) > 0.5 ? 1.0 : -1.0;
      const double margin = 1.0 - sign * zk[i];
      const bool active = margin > 0.0;
      if (active) total += margin;
      if (dk) dk[i] = active ? -sign / static_cast<double>(m) : 0.0;
    }
    losses[k] = total / static_cast<double>(m);
  }
}

void MultiMarginHinge::score_losses(const Eigen::MatrixXd& z, const Eigen::Ref<const Vector>& y, Index models,
                                    double* losses, Eigen::MatrixXd* dz) const {
  const Index m = z.rows();
  const Index c = outputs();
  const double scale = 1.0 / (static_cast<double>(c) * static_cast<double>(m));
  if (dz) dz->setZero();
  for (Index k = 0; k < models; ++k) {
    const auto zk = z.middleCols(k * c, c);
    double total = 0.0;
    for (Index i = 0; i < m; ++i) {
      const Index label = static_cast<Index>(y(i));
      for (Index j = 0; j < c; ++j) {
        if (j == label) continue;
        const double margin = 1.0 - zk(i, label) + zk(i, j);
        if (margin > 0.0) {
          total += margin;
          if (dz) {
            (*dz)(i, k * c + j) += scale;
            (*dz)(i, k * c + label) -= scale;
          }
        }
      }
    }
    losses[k] = total / (static_cast<double>(c) * static_cast<double>(m));
  }
}

void gather_rows(const Features& X, const Vector& y, std::span<const Index> rows, Matrix& Xb, Vector& yb) {
  const Index m = static_cast<Index>(rows.size());
  X.gather(rows, Xb);
  if (yb.size() != m) yb.resize(m);
  for (Index i = 0; i < m; ++i) yb(i) = y(rows[static_cast<std::size_t>(i)]);
}

double mean_loss(const Model& model, const Features& X, const Vector& y, std::span<const Index> rows,
                 const Params& params, bool with_penalty) {
  double data_loss = 0.0;
  model.stacked_rows_losses(X, y, rows, params, 1, &data_loss, nullptr);
  return with_penalty ? data_loss + model.penalty(params) : data_loss;
}

}  // namespace lrfind
