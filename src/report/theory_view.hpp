// How the renderers present the theory's stability bounds (the report's
// "theory"): they are about plain gradient steps, so the plots and the table
// show them only when the report's optimizer takes such steps (its registry
// entry's plain_gradient), and say how tight they are. The JSON keeps them
// whatever the optimizer.
#pragma once

#include <nlohmann/json.hpp>

namespace lrfind {

enum class BoundsView {
  kHidden,     // another optimizer, or none named: the bounds are not about it
  kTight,      // plain SGD on a quadratic loss: full-batch descent diverges above 2/L
  kWorstCase,  // plain SGD on another smooth loss: L is the curvature at its largest
};

// From the report's optimizer.name and model.kind, through the registries.
BoundsView bounds_view(const nlohmann::ordered_json& report);

}  // namespace lrfind
