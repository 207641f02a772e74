// The cross-validated objective of auto: the final validation loss of a rate
// trained for the user's budget, averaged over folds (or a hold-out) and
// repeats, as a function of the rate, with a cache. Every (repeat, fold) run
// draws its batches from a seed of its own, so the score of a rate does not
// depend on which other rates are evaluated with it.
#pragma once

#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "common/progress.hpp"
#include "load/splits.hpp"
#include "lrfind/stop.hpp"
#include "search/grid.hpp"
#include "search/units.hpp"

namespace lrfind {

// Why a rate was scored: auto's first grid, a widening of the range, the
// refinement, or a rate under check (or scored for another reason).
enum class CandidateStage { kGrid, kWiden, kRefine, kCheck };
std::string_view to_string(CandidateStage stage);

// The (repeat, fold) splits of `rows`: for each seed, `folds` folds (or, with
// folds < 2, one hold-out of `holdout`) drawn from that seed's own stream,
// as row numbers of `rows`. With `groups` (a group id per row number), a
// group's rows stay on one side of each split.
std::vector<std::vector<Split>> cv_splits(std::span<const Index> rows, const std::vector<std::uint64_t>& seeds,
                                          int folds, double holdout, std::span<const std::int64_t> groups = {});

// Folds auto uses when none are asked for: 5, or one hold-out above this many rows.
inline constexpr Index kMaxRowsForFolds = 20000;
int default_folds(Index rows);
// Repeats auto runs when none are asked for: 3, or 1 above kMaxRowsForFolds
// rows, where a hold-out of thousands of rows scores each rate with little
// noise, and a repeat costs as much as the whole search on one (on 100,000
// svmlight rows the three repeats' best rates were within 1.3% of each other).
int default_auto_repeats(Index rows);

class CvObjective {
 public:
  struct Score {
    double lr = 0.0;
    double val_loss = 0.0;                  // mean over repeats and folds of the final validation loss
    std::vector<double> val_loss_by_repeat;
    std::vector<double> train_curve;        // mean training loss per epoch
    std::vector<double> val_curve;          // mean validation loss per epoch
    // The final validation loss of each (repeat, fold) run, repeat by repeat
    // (+inf for a run that diverged): the paired measurements of the noise.
    std::vector<double> run_losses;
    bool diverged = false;  // in any run
    bool unstable = false;  // a run diverged, or ended no better than the untrained model on a run some rate improves
    CandidateStage stage = CandidateStage::kGrid;
  };

  // Holds the model, X, y, the optimizer and the stop token by reference:
  // they must outlive the objective.
  CvObjective(const Model& model, const Features& X, const Vector& y, std::vector<std::vector<Split>> splits,
              std::vector<std::uint64_t> seeds, GridConfig budget, const OptimizerEntry& optimizer,
              const StopToken& stop);
  // A Matrix would be converted to a temporary that dies at once.
  CvObjective(const Model&, const Matrix&, const Vector&, std::vector<std::vector<Split>>, std::vector<std::uint64_t>,
              GridConfig, const OptimizerEntry&, const StopToken&) = delete;

  // Scores every rate not already scored, training them together, on the
  // (repeat, fold) runs spread over `threads()` threads; `progress` hears of
  // each run that finishes. A stop request abandons the call: no rate of it is
  // scored, and interrupted() turns true.
  void evaluate(const std::vector<double>& rates, CandidateStage stage, const Progress& progress = {});
  double value(double lr, const Progress& progress = {});  // scores lr if needed; NaN when interrupted
  // As value(lr), and when cores would otherwise wait (fewer runs than
  // threads, on one machine) and rates train alone (sparse rows:
  // rates_train_alone in search/grid.hpp), also trains `ahead`, rates a sequential search
  // may ask for next, alongside lr; they are kept aside, not scored, until
  // asked for. The scores are the same with or without: a rate trains to the
  // same numbers whatever is stacked with it.
  double value(double lr, const std::vector<double>& ahead, const Progress& progress = {});
  // Whether value(lr, ahead) would train `ahead` now.
  bool looks_ahead() const;
  // How many rates were scored from what value(lr, ahead) trained ahead.
  std::size_t scored_from_ahead() const { return scored_from_ahead_; }
  bool interrupted() const { return interrupted_; }
  const std::map<double, Score>& scores() const { return scores_; }
  double untrained_loss() const { return untrained_; }
  // The untrained model's loss on each run's validation rows, in the order of Score::run_losses.
  const std::vector<double>& untrained_by_run() const { return untrained_by_run_; }
  std::size_t repeats() const { return splits_.size(); }
  // Threads for the (repeat, fold) runs, 0 for every core; the scores never depend on it.
  void set_threads(unsigned threads) { threads_ = threads; }
  // Under lr-find plan, shard or merge: each evaluation is a round of units,
  // one per (repeat, fold) run and stack of rates (search/units.hpp).
  void set_units(WorkUnits* units) { units_ = units; }

 private:
  using Outcomes = std::vector<std::vector<GridRateResult>>;  // per (repeat, fold) run
  Outcomes train(const std::vector<double>& rates, const Progress& progress) const;
  Outcomes train_in_units(const std::vector<double>& rates, const GridConfig& config,
                          const std::vector<std::pair<std::size_t, std::size_t>>& jobs, const Progress& progress) const;
  void record(const std::vector<double>& rates, const Outcomes& outcomes, CandidateStage stage);
  unsigned thread_count() const;

  const Model& model_;
  const Features& X_;
  const Vector& y_;
  std::vector<std::vector<Split>> splits_;  // [repeat][fold]
  std::vector<std::uint64_t> seeds_;
  GridConfig budget_;
  const OptimizerEntry& optimizer_;
  const StopToken& stop_;
  void restate_stability();
  std::map<double, Score> scores_;
  std::map<double, std::vector<GridRateResult>> ahead_;  // trained ahead, not yet scored: per run
  std::size_t scored_from_ahead_ = 0;
  double untrained_ = 0.0;
  std::vector<double> untrained_by_run_;
  unsigned threads_ = 1;
  bool rates_train_alone_ = false;  // in every run (search/grid.hpp): the cut into stacks is free
  WorkUnits* units_ = nullptr;
  bool interrupted_ = false;
};

}  // namespace lrfind
