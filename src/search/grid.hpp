// Grid search: a fresh model per learning rate, trained for a number of
// epochs; every rate sees the same batches in the same order.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "train/model.hpp"
#include "train/optimizer.hpp"
#include "common/progress.hpp"
#include "lrfind/run.hpp"
#include "lrfind/stop.hpp"
#include "train/sampling.hpp"
#include "train/schedule.hpp"

namespace lrfind {

struct GridConfig {
  std::vector<double> rates;
  int epochs = TrainingSettings{}.epochs;
  Index batch_size = TrainingSettings{}.batch_size;  // 0: all training rows
  const ScheduleEntry* schedule = nullptr;  // applied to every rate, stepped per batch; null: constant
  ScheduleOptions schedule_options;
  unsigned threads = 1;  // threads for the groups of rates (0: every core); never changes a result
  // Empty: every group of rates (grid_groups) trains. Otherwise only the
  // groups marked true (lr-find shard's units); the others' rates get no curves.
  std::vector<bool> run_groups;
  // Whether the first group trained counts the steps for StopToken's test
  // hook; false for the other stacks of one run trained by separate calls.
  bool counts_steps = true;
};

// How many rates share one stacked parameter matrix: the rates are cut into
// groups of about this many, which train side by side on their own threads.
// The cut depends on the number of rates only, so results never depend on
// the number of threads.
inline constexpr std::size_t kGridGroupRates = 8;

// The groups of `rates` rates: the first rate and the count of each.
struct RateGroupSpan {
  std::size_t first = 0;
  std::size_t count = 0;
};
std::vector<RateGroupSpan> grid_groups(std::size_t rates);
// `rates` cut into `stacks` consecutive spans as even as can be (the larger first).
std::vector<RateGroupSpan> cut_rates(std::size_t rates, std::size_t stacks);

// Whether run_grid trains each rate to the same numbers, bit for bit,
// whatever rates share its stack: so for sparse rows stepped lazily, where
// the stack is feature-major and each rate is a lane of its own in every
// sum. Dense stacks are matrix products whose blocking, and so whose order
// of summation, follows the stack's width: there the cut must not change.
bool rates_train_alone(const Features& X, Index batch_size, std::size_t train_rows);

struct GridRateResult {
  double lr = 0.0;
  std::vector<double> train_loss;  // objective over the training rows after each epoch
  std::vector<double> val_loss;    // data loss over the validation rows after each epoch (empty without)
  bool diverged = false;           // a loss became non-finite; training of this rate stopped there
  bool interrupted = false;        // a stop was requested (interrupt.hpp) before its last epoch ended;
                                   // the curves hold the whole epochs before it
};

// Trains every rate on `train_rows` with the optimizer, scoring
// each epoch on `train_rows` and, when not empty, on `validation_rows`.
// Stops at the next batch when `stop` is requested, keeping whole epochs only.
std::vector<GridRateResult> run_grid(const Model& model, const OptimizerEntry& optimizer, const Features& X,
                                     const Vector& y, std::span<const Index> train_rows,
                                     std::span<const Index> validation_rows, const GridConfig& config, Rng& rng,
                                     const StopToken& stop, const Progress& progress = {});

}  // namespace lrfind
