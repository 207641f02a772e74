// The auto method: a recommendation for the user's own training budget.
//  1. Bracket: LR range tests (one per repeat) find where the loss blows up.
//  2. Grid: candidate rates log-spaced below that point (3 per decade over 4
//     decades) are each trained for the full budget (epochs, batch size,
//     optimizer, schedule) and scored by cross-validated validation loss,
//     averaged over folds and repeats. When the best candidate sits at an edge,
//     the range is widened and the search goes on.
//  3. Refine: golden-section search in log(lr) between the best candidate's
//     neighbours, until the bracket is narrower than a factor 1.05 or the loss
//     stops changing measurably.
// Every evaluation uses fresh batches drawn from a per-(repeat, fold) seed, so
// the score of a rate does not depend on which other rates are evaluated.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "search/grid.hpp"
#include "train/model.hpp"
#include "lrfind/progress.hpp"
#include "search/range.hpp"
#include "train/optimizer.hpp"
#include "train/schedule.hpp"

namespace lrfind {

// Train/validation row sets of one split: k folds, or one hold-out.
struct Split {
  std::vector<Index> train;
  std::vector<Index> validation;
};
// k >= 2: k-fold cross-validation over a shuffled order; k == 1: one hold-out
// of `holdout` of the rows. Row lists are sorted.
std::vector<Split> make_splits(Index rows, int k, double holdout, Rng& rng);

// Cross-validated final validation loss as a function of the rate, with a cache.
class CvObjective {
 public:
  struct Score {
    double lr = 0.0;
    double val_loss = 0.0;                 // mean over repeats and folds of the final validation loss
    std::vector<double> val_loss_by_repeat;
    std::vector<double> train_curve;       // mean training loss per epoch
    std::vector<double> val_curve;         // mean validation loss per epoch
    bool diverged = false;                 // in any fold
    std::string stage;                     // "grid", "widen" or "refine"
  };

  // Holds X by reference: it must outlive the objective.
  CvObjective(const Model& model, const Features& X, const Vector& y, std::vector<std::vector<Split>> splits,
              std::vector<std::uint64_t> seeds, GridConfig budget, const OptimizerEntry& optimizer);
  // A Matrix would be converted to a temporary that dies at once.
  CvObjective(const Model&, const Matrix&, const Vector&, std::vector<std::vector<Split>>, std::vector<std::uint64_t>,
              GridConfig, const OptimizerEntry&) = delete;

  // Scores every rate not already scored, training them together. A stop
  // request (interrupt.hpp) abandons the call: no rate of it is scored, and
  // interrupted() turns true.
  void evaluate(const std::vector<double>& rates, const std::string& stage);
  double value(double lr);  // scores lr if needed; NaN when interrupted
  bool interrupted() const { return interrupted_; }
  const std::map<double, Score>& scores() const { return scores_; }
  double untrained_loss() const { return untrained_; }
  std::size_t repeats() const { return splits_.size(); }
  // Called with the fraction of the current evaluate() call that is done.
  void set_progress(std::function<void(double)> report) { progress_ = std::move(report); }
  // Threads for the (repeat, fold) training runs, 0 for every core; the
  // scores never depend on it.
  void set_threads(unsigned threads) { threads_ = threads; }

 private:
  const Model& model_;
  const Features& X_;
  const Vector& y_;
  std::vector<std::vector<Split>> splits_;  // [repeat][fold]
  std::vector<std::uint64_t> seeds_;
  GridConfig budget_;
  const OptimizerEntry& optimizer_;
  std::map<double, Score> scores_;
  double untrained_ = 0.0;
  std::function<void(double)> progress_;
  unsigned threads_ = 1;
  bool interrupted_ = false;
};

struct AutoConfig {
  double min_lr = 1e-7;
  double max_lr = 10.0;
  int repeats = 3;
  int folds = 0;            // 0: 5 when rows <= kMaxRowsForFolds, else 1 (hold-out)
  double holdout = 0.2;     // with one fold
  GridConfig budget;        // epochs, batch size and schedule; rates unused
  RangeTestConfig range;    // for the bracket; its bounds are min_lr and max_lr
  std::uint64_t seed = 0;
  std::optional<double> check_lr;  // also score this rate (lr-find check), outside the search
  unsigned threads = 0;            // for the cross-validation runs; 0: every core; never changes a result
  static constexpr Index kMaxRowsForFolds = 20000;
  static constexpr double kIntervalTolerance = 0.05;  // normalised regret of the interval
};

struct AutoResult {
  std::vector<RangeTestResult> range_tests;  // one per repeat
  std::vector<std::uint64_t> seeds;
  int folds = 0;
  std::size_t split_train_rows = 0;       // rows of the first split: training
  std::size_t split_validation_rows = 0;  // and validation
  double bracket_low = 0.0;
  double bracket_high = 0.0;
  std::vector<double> stop_lrs;              // where each range test stopped (diverging ones)
  std::vector<std::string> widenings;        // what was widened and why
  std::vector<CvObjective::Score> candidates;  // every scored rate, by increasing lr
  double untrained_loss = 0.0;
  std::optional<double> lr;                  // empty when no rate beats the untrained model
  double interval_low = 0.0;
  double interval_high = 0.0;
  std::vector<double> repeat_best;           // each repeat's own best rate
  std::string confidence;                    // high, medium or low
  std::string confidence_reason;
  std::string reason;                        // why there is no rate
  std::optional<CvObjective::Score> checked; // the score of AutoConfig::check_lr
  // The stage a stop request (interrupt.hpp) cut short: "range tests", "grid",
  // "widening", "refinement" or "check"; empty when the search finished.
  std::string interrupted_during;
};

// The middle of a set of rates; for an even count, the geometric mean of the
// two middle ones (rates live on a log scale).
double median_rate(std::vector<double> rates);

// Confidence from the spread of the best rates that independent repeats
// found: high within a factor 2, medium within 4, low beyond.
struct Confidence {
  std::string level;
  std::string reason;  // empty when high
};
Confidence spread_confidence(double lowest, double highest);

// Interrupted (interrupt.hpp): stops at the next batch, with the candidates
// scored so far. Before the grid is scored there is no rate; interrupted while
// widening, the best rate so far with confidence low; while refining, the best
// rate so far with confidence at most medium.
AutoResult run_auto(const Model& model, const OptimizerEntry& optimizer, const Features& X, const Vector& y,
                    std::span<const Index> rows, const AutoConfig& config, const ProgressFn& progress = {});

}  // namespace lrfind
