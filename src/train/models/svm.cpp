// Linear SVM: the hinge loss max(0, 1 - s·z) for two classes (s = -1 for the
// first class, +1 for the second), torch.nn.MultiMarginLoss(p=1, margin=1) for
// more. Subgradient 0 at the kink, as torch's clamp. Not smooth, so the
// theory's bounds do not apply.
#include "train/model_kind.hpp"

namespace lrfind {

namespace {

struct Hinge {
  static constexpr std::string_view kTorchName = "hinge";
  static double row(double z, double y, double rows, double* dz) {
    const double sign = y > 0.5 ? 1.0 : -1.0;
    const double margin = 1.0 - sign * z;
    const bool active = margin > 0.0;
    if (dz) *dz = active ? -sign / rows : 0.0;
    return active ? margin : 0.0;
  }
};

// Sum over j != label of max(0, 1 - z_label + z_j), divided by the number of classes.
struct MultiMargin {
  static constexpr std::string_view kTorchName = "MultiMarginLoss";
  static double divisor(double rows, Index classes) { return static_cast<double>(classes) * rows; }
  static void row(const ScoreRow& z, Index label, double rows, ScoreRowOut* dz, Eigen::VectorXd&, double& total) {
    const Index c = z.size();
    const double scale = 1.0 / (static_cast<double>(c) * rows);
    if (dz) dz->setZero();
    for (Index j = 0; j < c; ++j) {
      if (j == label) continue;
      const double margin = 1.0 - z(label) + z(j);
      if (margin > 0.0) {
        total += margin;
        if (dz) {
          (*dz)(j) += scale;
          (*dz)(label) -= scale;
        }
      }
    }
  }
};

}  // namespace

ModelKindEntry svm_model() {
  ModelKindEntry e;
  e.name = "svm";
  e.help = "linear SVM: hinge loss for 2 classes, MultiMarginLoss for more";
  e.target = TargetKind::kClassification;
  e.default_l2 = 1e-4;  // as scikit-learn's SGDClassifier alpha
  e.loss = [](std::size_t classes) -> std::unique_ptr<Loss> {
    if (classes <= 2) return std::make_unique<ScalarLoss<Hinge>>();
    return std::make_unique<VectorLoss<MultiMargin>>(static_cast<Index>(classes));
  };
  e.curvature = [](std::size_t) -> std::optional<double> { return std::nullopt; };
  return e;
}

}  // namespace lrfind
