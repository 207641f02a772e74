// A data set ready for training: a dense feature matrix (numeric columns as
// they are, categorical columns one-hot encoded) and a target vector holding a
// value (regression) or a class index (classification).
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <span>
#include <string>
#include <vector>


namespace lrfind {

// Row-major, so that a mini-batch is a gather of contiguous rows.
using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXd;
using Index = Eigen::Index;

enum class TargetKind { kRegression, kClassification };
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

struct DatasetOptions {
  std::string target;              // header name or 1-based index; empty: the last column
  std::vector<std::string> drop;   // header names or 1-based indices
  std::vector<std::string> na_values;  // more cell texts that mean "missing"
  std::size_t max_categories = 100;    // distinct values a text column may have
  Precision precision = Precision::kFloat64;  // storage of the feature matrix
};

// The cell texts that mean "missing".
bool is_missing(std::string_view cell);

// The text without the blanks (spaces, tabs) around it.
std::string_view trim_blanks(std::string_view text);

// The most classes a classifier's target may have.
inline constexpr std::size_t kMaxClasses = 1000;

struct Dataset {
  Features features;                // rows x features
  Vector targets;                   // value, or class index 0..classes-1
  std::vector<std::string> feature_names;
  std::vector<std::string> categorical_columns;  // source columns that were one-hot encoded
  std::string target_name;
  std::vector<std::string> classes; // sorted class labels; empty for regression
  std::size_t rows_read = 0;        // data rows in the file
  std::size_t rows_sampled = 0;     // of those, kept by --sample (rows_read without a sample)
  bool sampled = false;             // whether --sample chose the rows
  std::size_t rows_dropped = 0;     // of the rows kept, dropped for a missing value in a used column
  Index rows() const { return features.rows(); }
};

// z-scores every column of X in place with the mean and population standard
// deviation of the rows `fit_rows` (the training rows); a column with zero
// variance there is only centred. Returns (mean, scale) per column.
struct Standardization {
  Vector mean;
  Vector scale;
};
Standardization standardize(Matrix& X, std::span<const Index> fit_rows);
Standardization standardize(Features& X, std::span<const Index> fit_rows);

}  // namespace lrfind
