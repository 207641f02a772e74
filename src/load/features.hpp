// The feature matrix and the rows of it that training reads. This is the one
// interface between the data and the training path: training never touches
// the storage itself, only chunks of rows gathered from it and the two
// products of train/model.cpp (scores X_b·W and gradients X_bᵀ·dZ), so that
// another kind of features (a compressed sparse row matrix) needs only a
// Chunk of its own and those two products.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <span>

namespace lrfind {

// Row-major, so that a mini-batch is a gather of contiguous rows.
using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXd;
using Index = Eigen::Index;

enum class Precision { kFloat64, kFloat32 };

using MatrixF32 = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The feature matrix, in one contiguous row-major allocation of doubles or,
// to halve its memory, of floats. Training reads it only a batch of rows at a
// time, gathered as doubles, so all arithmetic stays in double precision.
class Features {
 public:
  Features() = default;
  Features(Matrix m) : f64_(std::move(m)) {}  // implicit: float64 storage
  explicit Features(MatrixF32 m) : f32_(std::move(m)), single_(true) {}
  static Features allocate(Index rows, Index cols, Precision precision);  // contents uninitialised

  Precision precision() const { return single_ ? Precision::kFloat32 : Precision::kFloat64; }
  Index rows() const { return single_ ? f32_.rows() : f64_.rows(); }
  Index cols() const { return single_ ? f32_.cols() : f64_.cols(); }
  std::size_t bytes() const {
    return static_cast<std::size_t>(rows() * cols()) * (single_ ? sizeof(float) : sizeof(double));
  }
  Matrix& f64() { return f64_; }  // only with float64 storage
  const Matrix& f64() const { return f64_; }
  MatrixF32& f32() { return f32_; }  // only with float32 storage
  const MatrixF32& f32() const { return f32_; }
  double operator()(Index r, Index c) const { return single_ ? static_cast<double>(f32_(r, c)) : f64_(r, c); }

  // Copies the rows `rows` into `out` as doubles (resizing out only when its shape differs).
  void gather(std::span<const Index> rows, Matrix& out) const;
  // Rows [start, start + count) as doubles: a view of float64 storage, or a
  // conversion into `scratch`.
  Eigen::Ref<const Matrix> block(Index start, Index count, Matrix& scratch) const;

 private:
  Matrix f64_;
  MatrixF32 f32_;
  bool single_ = false;
};

// Rows gathered from Features as doubles, with their targets: what a step or
// a loss over many rows reads (a chunk of up to a few thousand rows, cut
// into batches by view()).
class Chunk {
 public:
  // The rows `rows` of (X, y), resizing only when the shape changes.
  void gather(const Features& X, const Eigen::VectorXd& y, std::span<const Index> rows);
  Index rows() const { return x_.rows(); }
  // Rows [first, first + count) of the chunk.
  struct Rows {
    Eigen::Ref<const Matrix> x;
    Eigen::Ref<const Eigen::VectorXd> y;
    Index count() const { return x.rows(); }
  };
  Rows view(Index first, Index count) const { return {x_.middleRows(first, count), y_.segment(first, count)}; }
  Rows all() const { return view(0, rows()); }

 private:
  Matrix x_;
  Eigen::VectorXd y_;
};

}  // namespace lrfind
