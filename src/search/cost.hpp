// What the searches cost, for the progress bar only: its fraction should
// track time, so each stage's share of the bar is its estimated time, not its
// count. Nothing here changes a result.
//
// Work is counted in row visits: one row through one model's loss and
// gradient. A batch of b rows trained for a stack of k rates costs b·(k +
// kStackOverhead): gathering the rows and the per-batch steps cost about half
// a rate more (measured on the grid: 1, 2, 4, 8, 9 and 16 rates, 50,000 rows,
// sgd and adam; in auto's runs, timed against the first grid, a refinement's
// single rate cost 0.5 to 2.5 rates more, from one data set to another).
// Scoring a row after an epoch (a forward pass only) costs kScoring of
// training on it. A row visit costs about cols·outputs cells of 0.7 to 0.8 ns
// (a rate more in a grid on one thread, 200,000 rows of 10 features), and
// reading one byte of CSV about kByteCells cells (2.7 ns on one core, the
// README's 367 MB/s), which puts reading and training on one scale (run_cost).
// Time is work divided by the speed-up of the threads that share it.
#pragma once

#include <cstddef>

#include "lrfind/run.hpp"

namespace lrfind {

inline constexpr double kStackOverhead = 0.5;
inline constexpr double kByteCells = 4.0;
inline constexpr double kScoring = 0.5;

// The speed-up of `jobs` equal jobs on `threads` threads (0: every core),
// as parallel_for hands them out: jobs / rounds.
double parallel_speedup(std::size_t jobs, unsigned threads);

// One range test of `steps` batches of `batch_size` rows (0: all) of `rows`.
double range_test_work(int steps, long batch_size, std::size_t rows);
// The training steps so far of one: what a range test has done at `step`.
double range_step_work(long batch_size, std::size_t rows);

// One run_grid of `rates` rates for `epochs` epochs: training on `train`
// rows and scoring `train` and `validation` rows after each epoch, in groups
// of about kGridGroupRates rates.
double grid_work(std::size_t rates, int epochs, std::size_t train, std::size_t validation);
// Its time on `threads` threads, its groups of rates side by side.
double grid_time(std::size_t rates, int epochs, std::size_t train, std::size_t validation, unsigned threads);

// Scoring `rates` rates by cross-validation (search/cv_objective.hpp): `runs`
// grids of them, one per (repeat, fold), side by side on `threads` threads.
double cv_time(std::size_t rates, std::size_t runs, int epochs, std::size_t train, std::size_t validation,
               unsigned threads);

// lr-find check after --method range (pipeline/methods/range.cpp): the
// suggestions, about one per rule (kRangeCheckRates), then the rate under
// check, cross-validated on `repeats` sets of folds of `rows` rows.
inline constexpr std::size_t kRangeCheckRates = 3;
double range_check_time(const RunConfig& config, int repeats, std::size_t rows, unsigned threads);

// Golden-section evaluations still to come in auto's refinement, whose
// bracket spans `log_width` in log(lr): two to start, then one per shrink by
// the golden ratio until the bracket is within a factor 1.05.
int refinement_evaluations(double log_width, bool started);

// The estimated time of the whole method of `config` on a data set of `rows`
// rows, in row visits on one core.
double method_time(const RunConfig& config, std::size_t rows, unsigned threads);

// The whole run's estimated time, in cells visited on one core: reading a file of
// `bytes` bytes, preparing the data (standardising, the curvature estimate)
// and the method. `rows` and `cells_per_row` (features × outputs) come from
// the data once read; before, from the file's size (estimate_shape).
struct RunCost {
  double reading = 0.0;
  double preparing = 0.0;
  double method = 0.0;
};
RunCost run_cost(const RunConfig& config, double bytes, std::size_t rows, std::size_t features, std::size_t outputs,
                 unsigned threads);
// The data's shape guessed from a file of `bytes` bytes, before reading it:
// 20 numeric features of 9 bytes each ("-0.12345,") per row, one output.
RunCost run_cost_before_reading(const RunConfig& config, double bytes, unsigned threads);

}  // namespace lrfind
