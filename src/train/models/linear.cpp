// Linear regression: mean squared error, as torch.nn.MSELoss.
#include "train/model_kind.hpp"

namespace lrfind {

namespace {

struct SquaredError {
  static constexpr std::string_view kTorchName = "MSELoss";
  static double row(double z, double y, double rows, double* dz) {
    const double residual = z - y;
    if (dz) *dz = 2.0 / rows * residual;
    return residual * residual;
  }
};

}  // namespace

ModelKindEntry linear_model() {
  ModelKindEntry e;
  e.name = "linear";
  e.help = "linear regression, mean squared error (MSELoss)";
  e.target = TargetKind::kRegression;
  e.loss = [](std::size_t) -> std::unique_ptr<Loss> { return std::make_unique<ScalarLoss<SquaredError>>(); };
  e.curvature = [](std::size_t) -> std::optional<double> { return 2.0; };
  e.quadratic = true;
  return e;
}

}  // namespace lrfind
