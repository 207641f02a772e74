#include "load/features.hpp"

namespace lrfind {

Features Features::allocate(Index rows, Index cols, Precision precision) {
  Features f;
  f.single_ = precision == Precision::kFloat32;
  if (f.single_)
    f.f32_.resize(rows, cols);
  else
    f.f64_.resize(rows, cols);
  return f;
}

void Features::gather(std::span<const Index> rows, Matrix& out) const {
  const Index m = static_cast<Index>(rows.size());
  if (out.rows() != m || out.cols() != cols()) out.resize(m, cols());
  if (single_) {
    for (Index i = 0; i < m; ++i) out.row(i) = f32_.row(rows[static_cast<std::size_t>(i)]).cast<double>();
  } else {
    for (Index i = 0; i < m; ++i) out.row(i) = f64_.row(rows[static_cast<std::size_t>(i)]);
  }
}

Eigen::Ref<const Matrix> Features::block(Index start, Index count, Matrix& scratch) const {
  if (!single_) return f64_.middleRows(start, count);
  scratch = f32_.middleRows(start, count).cast<double>();
  return scratch;
}

void Chunk::gather(const Features& X, const Eigen::VectorXd& y, std::span<const Index> rows) {
  const Index m = static_cast<Index>(rows.size());
  X.gather(rows, x_);
  if (y_.size() != m) y_.resize(m);
  for (Index i = 0; i < m; ++i) y_(i) = y(rows[static_cast<std::size_t>(i)]);
}

}  // namespace lrfind
