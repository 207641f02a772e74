// The auto method's search: the rates worth recommending for the user's own
// training budget.
//  1. Bracket: LR range tests (one per repeat) find where the loss blows up.
//  2. Grid: candidate rates log-spaced below that point (3 per decade over 4
//     decades) are each trained for the full budget (epochs, batch size,
//     optimizer, schedule) and scored by the cross-validated objective. When
//     the best candidate sits at an edge, the range is widened and the search
//     goes on.
//  3. Refine: golden-section search in log(lr) between the best candidate's
//     neighbours, until the bracket is narrower than a factor 1.05 or the loss
//     stops changing measurably.
// recommend/auto.hpp turns what it found into a recommendation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/progress.hpp"
#include "lrfind/stop.hpp"
#include "search/cv_objective.hpp"
#include "search/units.hpp"
#include "search/range.hpp"

namespace lrfind {

// The stages of the search, in order.
enum class AutoStage { kRangeTests, kGrid, kWidening, kRefinement, kCheck };
std::string_view to_string(AutoStage stage);  // "range tests", "grid", ...

// Defaults as a run's (include/lrfind/run.hpp) with --method auto.
struct AutoConfig {
  double min_lr = kDefaultMinLr;
  double max_lr = kDefaultMaxLr;
  bool min_given = false;          // the bounds were given: the search never leaves them
  bool max_given = false;
  int repeats = 3;
  int folds = 0;                   // 0: default_folds (5, or a hold-out on large data)
  double holdout = 0.2;            // with one fold
  GridConfig budget;               // epochs, batch size and schedule; rates unused
  RangeTestConfig range;           // for the bracket; its bounds are min_lr and max_lr
  std::uint64_t seed = 0;
  std::optional<double> check_lr;  // also score this rate (lr-find check), outside the search
  unsigned threads = 0;            // for the cross-validation runs; 0: every core; never changes a result
  std::span<const std::int64_t> groups;  // a group id per row (svmlight's qid), kept whole by the splits; or empty
  WorkUnits* units = nullptr;  // lr-find plan, shard or merge (search/units.hpp); null: all trained here
};

struct AutoSearch {
  std::vector<RangeTestResult> range_tests;  // one per repeat
  std::vector<std::uint64_t> seeds;
  int folds = 0;
  std::size_t split_train_rows = 0;       // rows of the first split: training
  std::size_t split_validation_rows = 0;  // and validation
  double bracket_low = 0.0;
  double bracket_high = 0.0;
  bool min_given = false;  // AutoConfig's: bounds the search kept to
  bool max_given = false;
  std::vector<double> stop_lrs;                // where each range test stopped (diverging ones)
  std::vector<std::string> widenings;          // what was widened and why
  std::vector<CvObjective::Score> candidates;  // every scored rate, by increasing lr
  double untrained_loss = 0.0;
  std::vector<double> untrained_by_run;       // on each (repeat, fold) run's validation rows
  std::optional<CvObjective::Score> checked;  // the score of AutoConfig::check_lr
  std::size_t scored_from_ahead = 0;          // rates scored from training ahead (CvObjective::value), not reported
  // The stage a stop request cut short; empty when the search finished.
  std::optional<AutoStage> interrupted_during;
};

// A stop request ends it at the next batch, with the candidates scored so far.
AutoSearch run_auto(const Model& model, const OptimizerEntry& optimizer, const Features& X, const Vector& y,
                    std::span<const Index> rows, const AutoConfig& config, const StopToken& stop,
                    const Progress& progress = {});

}  // namespace lrfind
