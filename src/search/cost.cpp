#include "search/cost.hpp"

#include <algorithm>
#include <cmath>

#include "common/parallel.hpp"
#include "search/auto.hpp"
#include "search/grid.hpp"

namespace lrfind {

double parallel_speedup(std::size_t jobs, unsigned threads) {
  if (jobs == 0) return 1.0;
  const std::size_t workers = std::min<std::size_t>(jobs, threads == 0 ? available_cores() : threads);
  const std::size_t rounds = (jobs + workers - 1) / workers;
  return static_cast<double>(jobs) / static_cast<double>(rounds);
}

double range_step_work(long batch_size, std::size_t rows) {
  const double batch = batch_size <= 0 ? static_cast<double>(rows)
                                       : std::min(static_cast<double>(batch_size), static_cast<double>(rows));
  return batch * (1.0 + kStackOverhead);
}

double range_test_work(int steps, long batch_size, std::size_t rows) {
  return std::max(steps, 0) * range_step_work(batch_size, rows);
}

double grid_work(std::size_t rates, int epochs, std::size_t train, std::size_t validation) {
  const std::size_t groups = (rates + kGridGroupRates - 1) / kGridGroupRates;
  const double stack = static_cast<double>(rates) + kStackOverhead * static_cast<double>(groups);
  const double rows = static_cast<double>(train) + kScoring * static_cast<double>(train + validation);
  return std::max(epochs, 0) * stack * rows;
}

double grid_time(std::size_t rates, int epochs, std::size_t train, std::size_t validation, unsigned threads) {
  const std::size_t groups = (rates + kGridGroupRates - 1) / kGridGroupRates;
  return grid_work(rates, epochs, train, validation) / parallel_speedup(groups, threads);
}

double cv_time(std::size_t rates, std::size_t runs, int epochs, std::size_t train, std::size_t validation,
               unsigned threads) {
  return static_cast<double>(runs) * grid_work(rates, epochs, train, validation) / parallel_speedup(runs, threads);
}

int refinement_evaluations(double log_width, bool started) {
  const double golden = (1.0 + std::sqrt(5.0)) / 2.0;
  const double target = std::log(1.05);
  const int shrinks = log_width > target ? static_cast<int>(std::ceil(std::log(log_width / target) / std::log(golden))) : 0;
  return (started ? 0 : 2) + shrinks;
}

namespace {

// auto with its defaults: a bracket of four decades at three rates per
// decade, then a refinement between the best rate's neighbours.
double auto_time(const RunConfig& c, std::size_t rows, unsigned threads) {
  const int repeats = c.repeats.value_or(default_auto_repeats(static_cast<Index>(rows)));
  const int folds = c.folds > 0 ? c.folds : default_folds(static_cast<Index>(rows));
  const double held_out = folds >= 2 ? 1.0 / folds : c.validation.value_or(0.2);
  const auto validation = static_cast<std::size_t>(std::lround(static_cast<double>(rows) * held_out));
  const std::size_t train = rows - std::min(rows, validation);
  const std::size_t runs = static_cast<std::size_t>(repeats) * static_cast<std::size_t>(std::max(folds, 1));
  const auto scoring = [&](std::size_t rates) {
    return cv_time(rates, runs, c.training.epochs, train, validation, threads);
  };
  constexpr std::size_t kBracketRates = 13;
  const int refinement = refinement_evaluations(std::log(std::pow(10.0, 2.0 / 3.0)), false) + (c.check ? 1 : 0);
  return repeats * range_test_work(c.range.steps, c.training.batch_size, rows) + scoring(kBracketRates) +
         refinement * scoring(1);
}

}  // namespace

double range_check_time(const RunConfig& c, int repeats, std::size_t rows, unsigned threads) {
  const Index n = static_cast<Index>(rows);
  const int folds = c.folds > 0 ? static_cast<int>(std::min<Index>(c.folds, n)) : default_folds(n);
  const double held_out = folds >= 2 ? 1.0 / folds : c.validation.value_or(0.2);
  const auto validation = static_cast<std::size_t>(std::lround(static_cast<double>(rows) * held_out));
  const std::size_t train = rows - std::min(rows, validation);
  const std::size_t runs =
      static_cast<std::size_t>(std::max(repeats, 1)) * static_cast<std::size_t>(std::max(folds, 1));
  return cv_time(kRangeCheckRates, runs, c.training.epochs, train, validation, threads) +
         cv_time(1, runs, c.training.epochs, train, validation, threads);
}

double method_time(const RunConfig& c, std::size_t rows, unsigned threads) {
  if (c.method == "range")
    return c.repeats.value_or(3) * range_test_work(c.range.steps, c.training.batch_size, rows) +
           (c.check ? range_check_time(c, c.repeats.value_or(3), rows, threads) : 0.0);
  if (c.method == "grid") {
    // With lr-find check, the rate under check is trained alone after the grid.
    const std::size_t rates = c.grid.rates.empty() ? static_cast<std::size_t>(std::max(c.grid.points, 0)) : c.grid.rates.size();
    const auto validation = static_cast<std::size_t>(std::lround(static_cast<double>(rows) * c.validation.value_or(0.2)));
    const std::size_t train = rows - std::min(rows, validation);
    return grid_time(rates, c.training.epochs, train, validation, threads) +
           (c.check ? grid_time(1, c.training.epochs, train, validation, threads) : 0.0);
  }
  return auto_time(c, rows, threads);  // auto, and a method without an estimate of its own
}

RunCost run_cost(const RunConfig& config, double bytes, std::size_t rows, std::size_t features, std::size_t outputs,
                 unsigned threads) {
  // Reading and preparing run on every core; preparing (standardising, the
  // curvature estimate) costs about a sixth of reading: 1.5 visits per cell.
  // auto then draws each repeat's shuffled folds on one core, about 20 visits
  // a row for a hold-out and four times that for folds (make_splits, measured
  // on 100,000 rows): the bar counts that as preparing too.
  const double cores = parallel_speedup(1u << 20, threads);
  const double cells = static_cast<double>(std::max<std::size_t>(features, 1) * std::max<std::size_t>(outputs, 1));
  RunCost cost;
  cost.reading = kByteCells * bytes / cores;
  cost.preparing = 1.5 * static_cast<double>(rows) * static_cast<double>(features) / cores;
  if (config.method != "range" && config.method != "grid") {
    const bool folds = config.folds >= 2 || (config.folds == 0 && default_folds(static_cast<Index>(rows)) >= 2);
    const int repeats = config.repeats.value_or(default_auto_repeats(static_cast<Index>(rows)));
    cost.preparing += repeats * (folds ? 80.0 : 20.0) * static_cast<double>(rows);
  }
  cost.method = method_time(config, rows, threads) * cells;
  return cost;
}

RunCost run_cost_before_reading(const RunConfig& config, double bytes, unsigned threads) {
  constexpr double kFeatures = 20;
  constexpr double kBytesPerCell = 9;
  const auto rows = static_cast<std::size_t>(bytes / (kBytesPerCell * (kFeatures + 1)));
  return run_cost(config, bytes, rows, static_cast<std::size_t>(kFeatures), 1, threads);
}

}  // namespace lrfind
