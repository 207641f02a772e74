// Step-size bounds from the curvature of the training loss, as a check on a
// recommendation: for a loss whose Hessian is bounded by L, full-batch
// gradient descent is stable below 2/L, and mini-batch SGD converges for step
// sizes up to 1/(2·L(b)) with the expected smoothness L(b) of b-row batches
// drawn without replacement (Gower et al., "SGD: General Analysis and Improved
// Rates", ICML 2019, Proposition 3.8):
//   L(b) = n(b-1)/(b(n-1))·L + (n-b)/(b(n-1))·L_max.
#pragma once

#include <optional>
#include <span>

#include "load/dataset.hpp"

namespace lrfind {

struct Theory {
  double smoothness = 0.0;               // L: c·λmax(X̃ᵀX̃/n) + l2, X̃ = [X, 1]
  double max_example_smoothness = 0.0;   // L_max: c·max_i ||x̃_i||² + l2
  double max_stable_lr_full_batch = 0.0; // 2/L
  Index batch_size = 0;
  double expected_smoothness = 0.0;      // L(b)
  double minibatch_lr_bound = 0.0;       // 1/(2·L(b))
};

// Largest eigenvalue of X̃ᵀX̃/n over `rows` by power iteration (to a relative
// change below 1e-10, at most 1000 iterations), X̃ being X with a column of ones.
double largest_gram_eigenvalue(const Features& X, std::span<const Index> rows);

// The bounds for a loss whose Hessian in the scores is bounded by `curvature`
// times the identity (ModelKindEntry::curvature: 2 for mean squared error, 1/4
// for binary logistic, 1/2 for softmax), on `rows`; empty for a loss that is
// not smooth (no curvature constant).
std::optional<Theory> estimate_theory(std::optional<double> curvature, double l2, const Features& X,
                                      std::span<const Index> rows, Index batch_size);

namespace detail {
// g (d x d, row-major; its lower triangle) += x xᵀ for each of `count` rows of
// d values, `stride` apart; each element summed in row order, one product at a
// time, on every processor alike.
void add_outer_products(const double* x, Index count, Index stride, Index d, double* g);
}  // namespace detail

}  // namespace lrfind
