#include "load/features.hpp"

#include <algorithm>

namespace lrfind {
namespace {

template <typename Scalar>
double sparse_at(const Csr<Scalar>& m, Index r, Index c) {
  const auto first = m.indices.begin() + m.offsets[static_cast<std::size_t>(r)];
  const auto last = m.indices.begin() + m.offsets[static_cast<std::size_t>(r) + 1];
  const auto it = std::lower_bound(first, last, static_cast<std::int32_t>(c));
  if (it == last || *it != c) return 0.0;
  return static_cast<double>(m.values[static_cast<std::size_t>(it - m.indices.begin())]);
}

template <typename Scalar>
void gather_dense(const Csr<Scalar>& m, std::span<const Index> rows, Matrix& out) {
  out.setZero();
  for (Index i = 0; i < out.rows(); ++i) {
    const std::size_t r = static_cast<std::size_t>(rows[static_cast<std::size_t>(i)]);
    for (std::int64_t k = m.offsets[r]; k < m.offsets[r + 1]; ++k)
      out(i, m.indices[static_cast<std::size_t>(k)]) = static_cast<double>(m.values[static_cast<std::size_t>(k)]);
  }
}

template <typename Scalar>
void gather_sparse(const Csr<Scalar>& m, std::span<const Index> rows, std::vector<std::int64_t>& offsets,
                   std::vector<std::int32_t>& indices, std::vector<double>& values) {
  offsets.resize(rows.size() + 1);
  offsets[0] = 0;
  std::size_t nnz = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::size_t r = static_cast<std::size_t>(rows[i]);
    nnz += static_cast<std::size_t>(m.offsets[r + 1] - m.offsets[r]);
    offsets[i + 1] = static_cast<std::int64_t>(nnz);
  }
  indices.resize(nnz);
  values.resize(nnz);
  std::size_t at = 0;
  for (const Index row : rows) {
    const std::size_t r = static_cast<std::size_t>(row);
    const auto begin = static_cast<std::size_t>(m.offsets[r]);
    const auto end = static_cast<std::size_t>(m.offsets[r + 1]);
    std::copy(m.indices.begin() + static_cast<std::ptrdiff_t>(begin), m.indices.begin() + static_cast<std::ptrdiff_t>(end),
              indices.begin() + static_cast<std::ptrdiff_t>(at));
    for (std::size_t k = begin; k < end; ++k) values[at++] = static_cast<double>(m.values[k]);
  }
}

}  // namespace

Features Features::allocate(Index rows, Index cols, Precision precision) {
  Features f;
  f.single_ = precision == Precision::kFloat32;
  if (f.single_)
    f.f32_.resize(rows, cols);
  else
    f.f64_.resize(rows, cols);
  return f;
}

Index Features::rows() const {
  if (sparse_) return single_ ? s32_.rows() : s64_.rows();
  return single_ ? f32_.rows() : f64_.rows();
}

Index Features::cols() const {
  if (sparse_) return single_ ? s32_.cols : s64_.cols;
  return single_ ? f32_.cols() : f64_.cols();
}

std::size_t Features::nonzeros() const {
  if (sparse_) return single_ ? s32_.nonzeros() : s64_.nonzeros();
  return static_cast<std::size_t>(rows() * cols());
}

std::size_t Features::bytes() const {
  const std::size_t value = single_ ? sizeof(float) : sizeof(double);
  if (!sparse_) return nonzeros() * value;
  return nonzeros() * (value + sizeof(std::int32_t)) + static_cast<std::size_t>(rows() + 1) * sizeof(std::int64_t);
}

namespace {

// The columns in use, numbered in order: by a table of every column while
// there are at most 16 columns a non-zero, else by searching the sorted
// distinct indices (so that a stray index such as 2^31 - 1, two billion
// columns, costs no memory a column; and no value at all keeps one column).
template <typename Scalar>
Index drop_empty_csr_columns(Csr<Scalar>& X) {
  if (static_cast<std::size_t>(X.cols) > 16 * X.indices.size()) {
    std::vector<std::int32_t> used(X.indices);
    std::sort(used.begin(), used.end());
    used.erase(std::unique(used.begin(), used.end()), used.end());
    if (used.empty()) used.push_back(0);  // no value at all: one (empty) column is kept, as a model needs one
    const Index dropped = X.cols - static_cast<Index>(used.size());
    for (std::int32_t& c : X.indices)
      c = static_cast<std::int32_t>(std::lower_bound(used.begin(), used.end(), c) - used.begin());
    X.cols = static_cast<Index>(used.size());
    return dropped;
  }
  std::vector<std::int32_t> renumbered(static_cast<std::size_t>(X.cols), 0);
  for (const std::int32_t c : X.indices) renumbered[static_cast<std::size_t>(c)] = 1;
  std::int32_t used = 0;
  for (std::int32_t& c : renumbered) c = c ? used++ : -1;
  const Index dropped = X.cols - used;
  if (dropped == 0) return 0;
  for (std::int32_t& c : X.indices) c = renumbered[static_cast<std::size_t>(c)];  // ascending stays ascending
  X.cols = used;
  return dropped;
}

}  // namespace

Index Features::drop_empty_columns() {
  if (!sparse_) return 0;
  return single_ ? drop_empty_csr_columns(s32_) : drop_empty_csr_columns(s64_);
}

Index Features::row_width() const {
  if (!sparse_) return cols();
  const Index n = std::max<Index>(rows(), 1);
  return std::max<Index>(1, (static_cast<Index>(nonzeros()) + n - 1) / n);
}

double Features::operator()(Index r, Index c) const {
  if (sparse_) return single_ ? sparse_at(s32_, r, c) : sparse_at(s64_, r, c);
  return single_ ? static_cast<double>(f32_(r, c)) : f64_(r, c);
}

void Features::gather(std::span<const Index> rows, Matrix& out) const {
  const Index m = static_cast<Index>(rows.size());
  if (out.rows() != m || out.cols() != cols()) out.resize(m, cols());
  if (sparse_) {
    if (single_)
      gather_dense(s32_, rows, out);
    else
      gather_dense(s64_, rows, out);
  } else if (single_) {
    for (Index i = 0; i < m; ++i) out.row(i) = f32_.row(rows[static_cast<std::size_t>(i)]).cast<double>();
  } else {
    for (Index i = 0; i < m; ++i) out.row(i) = f64_.row(rows[static_cast<std::size_t>(i)]);
  }
}

Eigen::Ref<const Matrix> Features::block(Index start, Index count, Matrix& scratch) const {
  if (sparse_) {
    std::vector<Index> rows(static_cast<std::size_t>(count));
    for (Index i = 0; i < count; ++i) rows[static_cast<std::size_t>(i)] = start + i;
    gather(rows, scratch);
    return scratch;
  }
  if (!single_) return f64_.middleRows(start, count);
  scratch = f32_.middleRows(start, count).cast<double>();
  return scratch;
}

void Chunk::gather(const Features& X, const Eigen::VectorXd& y, std::span<const Index> rows) {
  const Index m = static_cast<Index>(rows.size());
  sparse_ = X.sparse();
  if (sparse_) {
    if (X.precision() == Precision::kFloat32)
      gather_sparse(X.csr32(), rows, offsets_, indices_, values_);
    else
      gather_sparse(X.csr64(), rows, offsets_, indices_, values_);
    x_.resize(0, X.cols());
  } else {
    X.gather(rows, x_);
  }
  if (y_.size() != m) y_.resize(m);
  for (Index i = 0; i < m; ++i) y_(i) = y(rows[static_cast<std::size_t>(i)]);
}

Chunk::Rows Chunk::view(Index first, Index count) const {
  if (!sparse_) return {x_.middleRows(first, count), y_.segment(first, count), {}};
  return {x_.middleRows(0, 0), y_.segment(first, count),
          SparseRows{offsets_.data() + first, indices_.data(), values_.data()}};
}

}  // namespace lrfind
