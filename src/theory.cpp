#include "lrfind/theory.hpp"

#include <algorithm>
#include <cmath>

namespace lrfind {

std::optional<double> curvature_constant(ModelKind kind, std::size_t classes) {
  switch (kind) {
    case ModelKind::kLinear: return 2.0;
    case ModelKind::kLogistic: return classes <= 2 ? 0.25 : 0.5;
    case ModelKind::kSvm: return std::nullopt;
  }
  return std::nullopt;
}

double largest_gram_eigenvalue(const Matrix& X, std::span<const Index> rows) {
  const Index d = X.cols() + 1;
  const double n = static_cast<double>(rows.size());
  if (rows.empty()) return 0.0;
  // The Gram matrix G = X̃ᵀX̃/n, accumulated over row chunks: one pass over the
  // data, then power iteration costs d² per step whatever the row count.
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(d, d);
  constexpr std::size_t kChunk = 4096;
  Eigen::MatrixXd block;
  for (std::size_t start = 0; start < rows.size(); start += kChunk) {
    const std::size_t count = std::min(kChunk, rows.size() - start);
    block.resize(static_cast<Index>(count), d);
    for (std::size_t i = 0; i < count; ++i) {
      block.row(static_cast<Index>(i)).head(d - 1) = X.row(rows[start + i]);
      block(static_cast<Index>(i), d - 1) = 1.0;
    }
    gram.selfadjointView<Eigen::Lower>().rankUpdate(block.transpose());
  }
  gram = gram.selfadjointView<Eigen::Lower>();
  gram /= n;
  // A fixed start (ones plus a ramp) keeps the result deterministic; it is
  // orthogonal to the leading eigenvector only by a measure-zero accident.
  Eigen::VectorXd v(d);
  for (Index i = 0; i < d; ++i) v(i) = 1.0 + 0.01 * static_cast<double>(i);
  v.normalize();
  double lambda = 0.0;
  Eigen::VectorXd w(d);
  for (int iteration = 0; iteration < 1000; ++iteration) {
    w.noalias() = gram * v;
    const double next = v.dot(w);  // Rayleigh quotient
    const double norm = w.norm();
    if (norm == 0.0) return 0.0;
    v = w / norm;
    if (std::abs(next - lambda) <= 1e-10 * std::abs(next)) return next;
    lambda = next;
  }
  return lambda;
}

std::optional<Theory> estimate_theory(ModelKind kind, std::size_t classes, double l2, const Matrix& X,
                                      std::span<const Index> rows, Index batch_size) {
  const std::optional<double> c = curvature_constant(kind, classes);
  if (!c || rows.empty()) return std::nullopt;
  Theory t;
  t.smoothness = *c * largest_gram_eigenvalue(X, rows) + l2;
  double max_norm = 0.0;
  for (const Index r : rows) max_norm = std::max(max_norm, X.row(r).squaredNorm() + 1.0);
  t.max_example_smoothness = *c * max_norm + l2;
  t.max_stable_lr_full_batch = 2.0 / t.smoothness;
  const double n = static_cast<double>(rows.size());
  const double b = batch_size <= 0 ? n : std::min(static_cast<double>(batch_size), n);
  t.batch_size = static_cast<Index>(b);
  t.expected_smoothness = n > 1.0 ? n * (b - 1.0) / (b * (n - 1.0)) * t.smoothness +
                                        (n - b) / (b * (n - 1.0)) * t.max_example_smoothness
                                  : t.max_example_smoothness;
  t.minibatch_lr_bound = 1.0 / (2.0 * t.expected_smoothness);
  return t;
}

}  // namespace lrfind
