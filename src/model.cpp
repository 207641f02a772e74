#include "lrfind/model.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

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

double Model::penalty(const Params& params) const {
  if (l2_ == 0.0) return 0.0;
  return 0.5 * l2_ * params.topRows(features_).squaredNorm();
}

Eigen::MatrixXd Model::scores(const Eigen::Ref<const Matrix>& X, const Params& params) const {
  Eigen::MatrixXd z(X.rows(), outputs_);
  z.noalias() = X * params.topRows(features_);
  z.rowwise() += params.row(features_);
  return z;
}

double Model::data_loss(const Eigen::Ref<const Matrix>& X, const Eigen::Ref<const Vector>& y,
                        const Params& params) const {
  return score_loss(scores(X, params), y, nullptr);
}

double Model::loss_gradient(const Eigen::Ref<const Matrix>& X, const Eigen::Ref<const Vector>& y,
                            const Params& params, Params* gradient) const {
  const Eigen::MatrixXd z = scores(X, params);
  if (gradient == nullptr) return score_loss(z, y, nullptr) + penalty(params);

  Eigen::MatrixXd dz;
  const double loss = score_loss(z, y, &dz);
  gradient->resize(params.rows(), params.cols());
  gradient->topRows(features_).noalias() = X.transpose() * dz;
  gradient->row(features_) = dz.colwise().sum();
  if (l2_ != 0.0) gradient->topRows(features_) += l2_ * params.topRows(features_);
  return loss + penalty(params);
}

double LinearRegression::score_loss(const Eigen::MatrixXd& z, const Eigen::Ref<const Vector>& y,
                                    Eigen::MatrixXd* dz) const {
  const double m = static_cast<double>(z.rows());
  const Vector residual = z.col(0) - y;
  if (dz) *dz = (2.0 / m) * residual;
  return residual.squaredNorm() / m;
}

double BinaryLogistic::score_loss(const Eigen::MatrixXd& z, const Eigen::Ref<const Vector>& y,
                                  Eigen::MatrixXd* dz) const {
  const Index m = z.rows();
  if (dz) dz->resize(m, 1);
  double total = 0.0;
  for (Index i = 0; i < m; ++i) {
    const double s = z(i, 0);
    const double t = y(i);
    // softplus(s) - t·s, with softplus(s) = max(s,0) + log1p(exp(-|s|)).
    total += std::max(s, 0.0) + std::log1p(std::exp(-std::abs(s))) - t * s;
    if (dz) {
      // sigmoid without overflow on either side.
      const double e = std::exp(-std::abs(s));
      const double sigmoid = s >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
      (*dz)(i, 0) = (sigmoid - t) / static_cast<double>(m);
    }
  }
  return total / static_cast<double>(m);
}

double SoftmaxRegression::score_loss(const Eigen::MatrixXd& z, const Eigen::Ref<const Vector>& y,
                                     Eigen::MatrixXd* dz) const {
  const Index m = z.rows();
  const Index k = z.cols();
  if (dz) dz->resize(m, k);
  double total = 0.0;
  Eigen::VectorXd shifted(k);
  for (Index i = 0; i < m; ++i) {
    const double top = z.row(i).maxCoeff();
    shifted = (z.row(i).array() - top).exp().transpose();
    const double sum = shifted.sum();
    const Index label = static_cast<Index>(y(i));
    total += std::log(sum) + top - z(i, label);
    if (dz) {
      dz->row(i) = (shifted / (sum * static_cast<double>(m))).transpose();
      (*dz)(i, label) -= 1.0 / static_cast<double>(m);
    }
  }
  return total / static_cast<double>(m);
}

double BinaryHinge::score_loss(const Eigen::MatrixXd& z, const Eigen::Ref<const Vector>& y,
                               Eigen::MatrixXd* dz) const {
  const Index m = z.rows();
  if (dz) dz->setZero(m, 1);
  double total = 0.0;
  for (Index i = 0; i < m; ++i) {
    const double sign = y(i) > 0.5 ? 1.0 : -1.0;
    const double margin = 1.0 - sign * z(i, 0);
    if (margin > 0.0) {
      total += margin;
      if (dz) (*dz)(i, 0) = -sign / static_cast<double>(m);
    }
  }
  return total / static_cast<double>(m);
}

double MultiMarginHinge::score_loss(const Eigen::MatrixXd& z, const Eigen::Ref<const Vector>& y,
                                    Eigen::MatrixXd* dz) const {
  const Index m = z.rows();
  const Index k = z.cols();
  if (dz) dz->setZero(m, k);
  const double scale = 1.0 / (static_cast<double>(k) * static_cast<double>(m));
  double total = 0.0;
  for (Index i = 0; i < m; ++i) {
    const Index label = static_cast<Index>(y(i));
    for (Index j = 0; j < k; ++j) {
      if (j == label) continue;
      const double margin = 1.0 - z(i, label) + z(i, j);
      if (margin > 0.0) {
        total += margin;
        if (dz) {
          (*dz)(i, j) += scale;
          (*dz)(i, label) -= scale;
        }
      }
    }
  }
  return total / (static_cast<double>(k) * static_cast<double>(m));
}

void gather_rows(const Matrix& X, const Vector& y, std::span<const Index> rows, Matrix& Xb, Vector& yb) {
  const Index m = static_cast<Index>(rows.size());
  if (Xb.rows() != m || Xb.cols() != X.cols()) Xb.resize(m, X.cols());
  if (yb.size() != m) yb.resize(m);
  for (Index i = 0; i < m; ++i) {
    Xb.row(i) = X.row(rows[static_cast<std::size_t>(i)]);
    yb(i) = y(rows[static_cast<std::size_t>(i)]);
  }
}

double mean_loss(const Model& model, const Matrix& X, const Vector& y, std::span<const Index> rows,
                 const Params& params, bool with_penalty) {
  constexpr std::size_t kChunk = 4096;
  if (rows.empty()) return 0.0;
  Matrix Xb;
  Vector yb;
  double total = 0.0;
  for (std::size_t start = 0; start < rows.size(); start += kChunk) {
    const std::span<const Index> chunk = rows.subspan(start, std::min(kChunk, rows.size() - start));
    gather_rows(X, y, chunk, Xb, yb);
    total += model.data_loss(Xb, yb, params) * static_cast<double>(chunk.size());
  }
  const double data_loss = total / static_cast<double>(rows.size());
  return with_penalty ? data_loss + model.penalty(params) : data_loss;
}

}  // namespace lrfind
