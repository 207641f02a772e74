// Losses on the scores z = x·W + b. Each loss is written once, for one row
// (as liblinear's C_times_loss), and evaluated for many models side by side:
// the training path keeps the scores of `models` stacked models in one
// matrix z of rows x models·outputs (model k's scores are columns
// [k·outputs, (k+1)·outputs)), so that one matrix product serves them all.
// Every loss is the mean over the rows of a batch and equals PyTorch's.
#pragma once

#include <Eigen/Core>
#include <memory>
#include <string_view>

#include "load/dataset.hpp"

namespace lrfind {

class Loss {
 public:
  virtual ~Loss() = default;
  virtual std::string_view torch_name() const = 0;  // PyTorch's name for it
  virtual Index outputs() const = 0;                // scores per row
  // losses[k] = model k's mean loss over the rows of z against y; when dz is
  // not null it receives d(mean loss)/dz in the layout of z (the 1/rows
  // included), sized here.
  virtual void mean_losses(const Eigen::MatrixXd& z, const Eigen::Ref<const Vector>& y, Index models,
                           double* losses, Eigen::MatrixXd* dz) const = 0;
};

// A row of scores of one model, and of its derivative: `outputs` values a
// column apart in the column-major z.
using ScoreRow = Eigen::Ref<const Eigen::RowVectorXd, 0, Eigen::InnerStride<>>;
using ScoreRowOut = Eigen::Ref<Eigen::RowVectorXd, 0, Eigen::InnerStride<>>;

// A loss with one score per row, from its per-row function:
//   static double row(double z, double y, double rows, double* dz)
// returns the row's loss and, when dz is not null, stores its derivative
// already divided by the batch's `rows`.
template <typename Row>
class ScalarLoss final : public Loss {
 public:
  std::string_view torch_name() const override { return Row::kTorchName; }
  Index outputs() const override { return 1; }
  void mean_losses(const Eigen::MatrixXd& z, const Eigen::Ref<const Vector>& y, Index models, double* losses,
                   Eigen::MatrixXd* dz) const override {
    const Index m = z.rows();
    const double rows = static_cast<double>(m);
    if (dz) dz->resize(z.rows(), z.cols());
    for (Index k = 0; k < models; ++k) {
      const double* zk = z.col(k).data();
      double* dk = dz ? dz->col(k).data() : nullptr;
      double total = 0.0;
      for (Index i = 0; i < m; ++i) total += Row::row(zk[i], y(i), rows, dk ? dk + i : nullptr);
      losses[k] = total / rows;
    }
  }
};

// A loss with `classes` scores per row, from its per-row function:
//   static void row(const ScoreRow& z, Index label, double rows, ScoreRowOut* dz,
//                   Eigen::VectorXd& scratch, double& total)
// which adds the row's loss to the running `total` (term by term, where it
// is a sum, so that the sum over the batch is one sum in row order), stores
// its derivative as above (scratch: `classes` values it may use), and its
// mean's divisor:
//   static double divisor(double rows, Index classes)
template <typename Row>
class VectorLoss final : public Loss {
 public:
  explicit VectorLoss(Index classes) : classes_(classes) {}
  std::string_view torch_name() const override { return Row::kTorchName; }
  Index outputs() const override { return classes_; }
  void mean_losses(const Eigen::MatrixXd& z, const Eigen::Ref<const Vector>& y, Index models, double* losses,
                   Eigen::MatrixXd* dz) const override {
    const Index m = z.rows();
    const Index c = classes_;
    const double rows = static_cast<double>(m);
    if (dz) dz->resize(z.rows(), z.cols());
    Eigen::VectorXd scratch(c);
    for (Index k = 0; k < models; ++k) {
      const auto zk = z.middleCols(k * c, c);
      double total = 0.0;
      for (Index i = 0; i < m; ++i) {
        const Index label = static_cast<Index>(y(i));
        if (dz) {
          ScoreRowOut dk = dz->middleCols(k * c, c).row(i);
          Row::row(zk.row(i), label, rows, &dk, scratch, total);
        } else {
          Row::row(zk.row(i), label, rows, nullptr, scratch, total);
        }
      }
      losses[k] = total / Row::divisor(rows, c);
    }
  }

 private:
  Index classes_;
};

}  // namespace lrfind
