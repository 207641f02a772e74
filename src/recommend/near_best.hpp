// What "near the best" means: a rate's excess loss over the best stable
// rate's, against a band set from the measured noise.
//
//   excess(r) = (V(r) - V*) / max(V*, s·V0)
//
// with V(r) a rate's cross-validated loss, V* the best stable rate's and V0
// the untrained model's. The floor s·V0 keeps the ratio finite where V* nears
// 0: s = 0.01 for the classifiers' losses, which approach 0 on separable data
// whatever the rate; s = 1e-6 for the squared loss, whose V* is the noise
// the data leaves, so that a rate 100x worse than a well-fitting best is not
// "near" it just because the untrained model is far worse still. A rate is
// near-best when it is stable and its excess is within its band: twice the
// standard error of its paired differences to the best rate (run by run, over
// folds and repeats), never below a floor of 5% nor above a cap of 15% (a
// rate whose loss is 15% above the best is not near it, however noisy the
// measurement). With a single run (one split, one repeat) there are no paired
// differences, and the band is the floor.
//
// A rate is unstable when any of its trainings diverged or ended no better
// than the untrained model — or when they are erratic: compared run by run
// with the best rate on the same split and batches, some run gave back more
// than a quarter of the improvement over the untrained model, and 0.2 of it
// more than the rate's typical run. That is what the edge of divergence looks
// like before any run blows up outright: most runs train well, a few are
// thrown far off.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "search/cv_objective.hpp"

namespace lrfind {

struct Band {
  double floor = 0.05;
  double standard_errors = 2.0;
  double cap = 0.15;
  double untrained_share = 0.01;  // s: the excess's denominator is at least s·V0
};

// The band for a loss: the squared loss keeps a far lower floor (see above).
Band near_best_band(bool squared_loss);

// The reference every rate is measured against: the best stable rate.
struct Reference {
  double lr = 0.0;
  double best_loss = 0.0;   // V*
  double untrained = 0.0;   // V0
  double scale = 0.0;       // max(V*, s·V0)
  std::vector<double> best_runs;       // the best rate's run losses, for paired differences
  std::vector<double> untrained_runs;  // the untrained model's, run by run
};

struct Assessment {
  double lr = 0.0;
  double val_loss = 0.0;
  double excess = 0.0;          // (V(r) - V*)/scale; +inf when V(r) is not finite
  double band = 0.0;            // the excess up to which r counts as near-best
  std::size_t paired_runs = 0;  // runs the band's standard error was measured on (0 or 1: the floor)
  bool erratic = false;         // some runs thrown far off (see above)
  bool stable = false;          // no run diverged, ended no better than untrained, or was thrown off
  bool near_best = false;
};

// A score is stable when no run diverged or ended no better than the untrained model.
bool stable(const CvObjective::Score& score);

// The best stable score's reference, or empty when none is stable and beats V0.
std::optional<Reference> reference(const std::vector<CvObjective::Score>& scores, double untrained,
                                   std::vector<double> untrained_runs, const Band& band = {});

Assessment assess(const CvObjective::Score& score, const Reference& ref, const Band& band = {});

// How the band was set, for people: "2 standard errors of the paired
// differences over 15 runs (5 folds x 3 repeats), at least 2%, at most 15%",
// or "the floor, 2%: one split and one repeat give no paired differences".
std::string band_basis(std::size_t runs, const Band& band = {});

}  // namespace lrfind
