// Logistic regression: BCEWithLogitsLoss for two classes (the second class
// is 1), CrossEntropyLoss (softmax) for more. Both are computed so that large
// scores cannot overflow.
#include <algorithm>
#include <cmath>

#include "train/model_kind.hpp"

namespace lrfind {

namespace {

// softplus(z) - t·z, with softplus(z) = max(z, 0) + log1p(exp(-|z|)).
struct BinaryCrossEntropy {
  static constexpr std::string_view kTorchName = "BCEWithLogitsLoss";
  static double row(double z, double t, double rows, double* dz) {
    const double e = std::exp(-std::abs(z));
    if (dz) {
      const double sigmoid = z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);  // no overflow on either side
      *dz = (sigmoid - t) / rows;
    }
    return std::max(z, 0.0) + std::log1p(e) - t * z;
  }
};

// logsumexp(z) - z_label, with the row's maximum subtracted first.
struct SoftmaxCrossEntropy {
  static constexpr std::string_view kTorchName = "CrossEntropyLoss";
  static double divisor(double rows, Index) { return rows; }
  static void row(const ScoreRow& z, Index label, double rows, ScoreRowOut* dz, Eigen::VectorXd& shifted,
                  double& total) {
    const double top = z.maxCoeff();
    shifted = (z.array() - top).exp().transpose();
    const double sum = shifted.sum();
    if (dz) {
      *dz = (shifted / (sum * rows)).transpose();
      (*dz)(label) -= 1.0 / rows;
    }
    total += std::log(sum) + top - z(label);
  }
};

}  // namespace

ModelKindEntry logistic_model() {
  ModelKindEntry e;
  e.name = "logistic";
  e.help = "logistic regression: BCEWithLogitsLoss for 2 classes, softmax CrossEntropyLoss for more";
  e.target = TargetKind::kClassification;
  e.loss = [](std::size_t classes) -> std::unique_ptr<Loss> {
    if (classes <= 2) return std::make_unique<ScalarLoss<BinaryCrossEntropy>>();
    return std::make_unique<VectorLoss<SoftmaxCrossEntropy>>(static_cast<Index>(classes));
  };
  // Böhning's bound: σ(1-σ) <= 1/4 for two classes, (I - 11ᵀ/K)/2 for softmax.
  e.curvature = [](std::size_t classes) -> std::optional<double> { return classes <= 2 ? 0.25 : 0.5; };
  return e;
}

}  // namespace lrfind
