// The model kinds (--model): each entry says what target it learns, its
// default L2 strength, its loss for a number of classes and, for the theory's
// stability bounds, the curvature constant of that loss.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "common/registry.hpp"
#include "load/dataset.hpp"
#include "train/loss.hpp"

namespace lrfind {

struct ModelKindEntry {
  std::string name;
  std::string help;
  TargetKind target = TargetKind::kRegression;
  double default_l2 = 0.0;
  // The loss for `classes` classes (0 for regression).
  std::unique_ptr<Loss> (*loss)(std::size_t classes) = nullptr;
  // c with the loss's Hessian in the scores bounded by c times the identity
  // (for the theory's bounds), or empty for a loss that is not smooth.
  std::optional<double> (*curvature)(std::size_t classes) = nullptr;
  // The loss is quadratic in the scores, so full-batch gradient descent
  // diverges exactly above 2/L (for others 2/L comes from a bound and is loose).
  bool quadratic = false;
};

// linear, logistic and svm, each defined in its own file under models/.
Registry<ModelKindEntry> builtin_model_kinds();

}  // namespace lrfind
