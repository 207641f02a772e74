// The auto search's progress (search/auto.hpp): each stage's share of the bar
// is its estimated time (search/cost.hpp), planned again as the search learns
// more: how far the range tests go before the loss blows up, how many rates
// the bracket holds, whether the range is widened, how soon the refinement
// ends. Nothing here changes a result.
#pragma once

#include <cstddef>
#include <map>

#include "common/progress.hpp"
#include "search/auto.hpp"

namespace lrfind {

class AutoProgress {
 public:
  // `search` with its seeds, folds and split sizes set.
  AutoProgress(const Progress& whole, const AutoConfig& config, const AutoSearch& search, std::size_t rows);
  // The part of the bar of the next range test.
  Progress range_test();
  // The last one ran `steps`: the `tests_left` still to come are expected to stop there too.
  void range_test_ran(std::size_t steps, std::size_t tests_left);
  // The first grid, of `rates` rates.
  Progress grid(std::size_t rates);
  // A widening round, of `fresh_rates` rates not scored yet.
  Progress widening(std::size_t fresh_rates);
  // The next refinement evaluation, with `left` of them expected (this one included).
  Progress refinement(double left);
  // The rate under check (lr-find check).
  Progress check();
  void done() const;

  // log(lr) between the neighbours of a rate of the first grid (three a decade).
  static constexpr double kBracketWidth = 1.5350567286626973;  // log(10^(2/3))

 private:
  double scoring(std::size_t rates) const;
  double refinement_left(double log_width) const;

  Progress whole_;
  ProgressPlan plan_;
  double step_;   // work of a range test's step
  double steps_;  // steps a range test is expected to run
  std::size_t runs_, train_, validation_;
  int epochs_;
  unsigned threads_;
  int checks_;
};

// How many evaluations auto's refinement, a golden-section search in log(lr)
// (search/auto.cpp), has still to make: the same search run on the parabola
// through the lowest loss seen and its neighbours, which ends either when the
// bracket is narrower than a factor 1.05 or, often sooner, when the pair of
// losses it compares differs by no more than `threshold` (its flatness test).
// Exact when the loss is that parabola; refitted at every evaluation.
class RefinementForecast {
 public:
  // `scores`: the rates scored before the refinement, the bracket among them.
  RefinementForecast(const std::map<double, CvObjective::Score>& scores, double threshold);
  // The evaluations still to come, the next one included, with the bracket
  // [a, b] in log(lr) (the next evaluation at one of its golden-section points).
  int left(double a, double b) const;
  // The loss at the evaluation just made, at `lr`.
  void saw(double lr, double loss);

 private:
  std::map<double, double> losses_;  // by log(lr), the finite ones
  double threshold_;
  int evaluations_ = 0;
};

}  // namespace lrfind
