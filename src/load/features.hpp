// The feature matrix and the rows of it that training reads. This is the one
// interface between the data and the training path: training never touches
// the storage itself, only chunks of rows gathered from it and the two
// products of train/model.cpp (scores X_b·W and gradients X_bᵀ·dZ), so that
// another kind of features (a compressed sparse row matrix) needs only a
// Chunk of its own and those two products.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace lrfind {

// Row-major, so that a mini-batch is a gather of contiguous rows.
using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXd;
using Index = Eigen::Index;

enum class Precision { kFloat64, kFloat32 };

using MatrixF32 = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Compressed sparse row storage: row i's non-zeros are indices[k] (0-based
// feature, ascending within the row) and values[k] for k in
// [offsets[i], offsets[i + 1]). One allocation each; 64-bit offsets, so a row
// count times a row's non-zeros may pass 2^31; 32-bit feature indices.
template <typename Scalar>
struct Csr {
  Index cols = 0;
  std::vector<std::int64_t> offsets{0};  // rows + 1
  std::vector<std::int32_t> indices;
  std::vector<Scalar> values;

  Index rows() const { return static_cast<Index>(offsets.size()) - 1; }
  std::size_t nonzeros() const { return indices.size(); }
};
using CsrF64 = Csr<double>;
using CsrF32 = Csr<float>;

// The feature matrix: dense, in one contiguous row-major allocation, or
// sparse (compressed sparse rows, from svmlight input); of doubles or, to
// halve its memory, of floats. Training reads it only a batch of rows at a
// time, gathered as doubles, so all arithmetic stays in double precision.
class Features {
 public:
  Features() = default;
  Features(Matrix m) : f64_(std::move(m)) {}  // implicit: float64 storage
  explicit Features(MatrixF32 m) : f32_(std::move(m)), single_(true) {}
  explicit Features(CsrF64 m) : s64_(std::move(m)), sparse_(true) {}
  explicit Features(CsrF32 m) : s32_(std::move(m)), single_(true), sparse_(true) {}
  static Features allocate(Index rows, Index cols, Precision precision);  // dense, contents uninitialised

  Precision precision() const { return single_ ? Precision::kFloat32 : Precision::kFloat64; }
  bool sparse() const { return sparse_; }
  Index rows() const;
  Index cols() const;
  // Stored entries: rows x cols when dense.
  std::size_t nonzeros() const;
  std::size_t bytes() const;
  // The values a row holds, for sizing chunks of rows: the columns when
  // dense, the mean non-zeros of a row (at least 1) when sparse.
  Index row_width() const;
  Matrix& f64() { return f64_; }  // only with dense float64 storage
  const Matrix& f64() const { return f64_; }
  MatrixF32& f32() { return f32_; }  // only with dense float32 storage
  const MatrixF32& f32() const { return f32_; }
  CsrF64& csr64() { return s64_; }  // only with sparse float64 storage
  const CsrF64& csr64() const { return s64_; }
  CsrF32& csr32() { return s32_; }  // only with sparse float32 storage
  const CsrF32& csr32() const { return s32_; }
  double operator()(Index r, Index c) const;

  // Copies the rows `rows` into `out` as doubles (resizing out only when its
  // shape differs); sparse storage is written out densely.
  void gather(std::span<const Index> rows, Matrix& out) const;
  // Rows [start, start + count) as doubles: a view of dense float64 storage,
  // or a conversion into `scratch`.
  Eigen::Ref<const Matrix> block(Index start, Index count, Matrix& scratch) const;

  // Sparse storage: drops the columns no row stores a value in and numbers
  // the others 0, 1, ... in their order; returns how many were dropped. A
  // weight of such a column starts at zero, gets a zero gradient from every
  // row and so stays zero under every optimizer, L2 and schedule here, and
  // adds nothing to a score: training on the rest is the same arithmetic,
  // at a cost (weights, their updates, the theory's power iteration) that
  // follows the columns in use rather than the largest index. Dense storage
  // is left as it is (returns 0). Without a single stored value, one (empty)
  // column stays: a model needs one.
  Index drop_empty_columns();

  // Calls fn(row, column, value) for every stored entry of row r, columns ascending.
  template <typename Fn>
  void for_each_in_row(Index r, Fn&& fn) const {
    if (sparse_) {
      if (single_) return visit_row(s32_, r, fn);
      return visit_row(s64_, r, fn);
    }
    for (Index c = 0; c < cols(); ++c) fn(r, c, (*this)(r, c));
  }

 private:
  template <typename Scalar, typename Fn>
  static void visit_row(const Csr<Scalar>& m, Index r, Fn& fn) {
    for (std::int64_t k = m.offsets[static_cast<std::size_t>(r)]; k < m.offsets[static_cast<std::size_t>(r) + 1]; ++k)
      fn(r, static_cast<Index>(m.indices[static_cast<std::size_t>(k)]),
         static_cast<double>(m.values[static_cast<std::size_t>(k)]));
  }

  Matrix f64_;
  MatrixF32 f32_;
  CsrF64 s64_;
  CsrF32 s32_;
  bool single_ = false;
  bool sparse_ = false;
};

// Rows of sparse features gathered as doubles: offsets[0..count] index
// `indices` and `values` (offsets[0] need not be 0).
struct SparseRows {
  const std::int64_t* offsets = nullptr;
  const std::int32_t* indices = nullptr;
  const double* values = nullptr;
};

// Rows gathered from Features as doubles, with their targets: what a step or
// a loss over many rows reads (a chunk of up to a few thousand rows, cut
// into batches by view()).
class Chunk {
 public:
  // The rows `rows` of (X, y), resizing only when the shape changes.
  void gather(const Features& X, const Eigen::VectorXd& y, std::span<const Index> rows);
  Index rows() const { return y_.size(); }
  bool sparse() const { return sparse_; }
  // Rows [first, first + count) of the chunk: dense rows in x, or, from
  // sparse features, no rows in x and the rows in `sparse`.
  struct Rows {
    Eigen::Ref<const Matrix> x;
    Eigen::Ref<const Eigen::VectorXd> y;
    SparseRows sparse;
    Index count() const { return y.size(); }
    bool is_sparse() const { return sparse.offsets != nullptr; }
    // The stored entries of the rows.
    std::int64_t nonzeros() const {
      return is_sparse() ? sparse.offsets[count()] - sparse.offsets[0] : x.rows() * x.cols();
    }
  };
  Rows view(Index first, Index count) const;
  Rows all() const { return view(0, rows()); }

 private:
  Matrix x_;
  Eigen::VectorXd y_;
  bool sparse_ = false;
  std::vector<std::int64_t> offsets_;
  std::vector<std::int32_t> indices_;
  std::vector<double> values_;
};

}  // namespace lrfind
