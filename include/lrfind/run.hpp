// One lr-find run from settings to result: load, split, standardise, sweep,
// recommend. The caller passes a sink for progress and warnings; the library
// itself never prints.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "search/auto.hpp"
#include "load/dataset.hpp"
#include "search/grid.hpp"
#include "train/model.hpp"
#include "lrfind/progress.hpp"
#include "search/range.hpp"
#include "recommend/suggest.hpp"
#include "recommend/theory.hpp"

namespace lrfind {

enum class Method { kAuto, kRange, kGrid };
Method parse_method(std::string_view name);  // throws UsageError
std::string_view to_string(Method method);

// Every setting of a run. Optional fields take a default that depends on
// other settings (the model kind, the method) when left empty.
struct RunConfig {
  std::string input;  // a path, or "-" for standard input
  char delimiter = ',';
  DatasetOptions columns;
  bool standardize = true;
  unsigned threads = 0;               // CSV parsing threads; 0: every core
  std::optional<std::size_t> sample;  // read a uniform random sample of this many rows

  std::string model = "linear";       // a model kind's name (train/model_kind.hpp)
  std::optional<double> l2;
  std::string optimizer = "sgd";
  Method method = Method::kAuto;
  Index batch_size = 32;
  std::uint64_t seed = 0;
  std::optional<int> repeats;  // default 3 for range and auto, 1 for grid
  std::string schedule = "constant";  // grid and auto training (train/schedule.hpp)

  // range
  int steps = 100;
  SweepKind sweep = SweepKind::kExponential;
  double min_lr = 1e-7;
  double max_lr = 10.0;
  double smoothing = 0.98;
  double stop_factor = 4.0;

  // grid
  int epochs = 5;
  std::vector<double> rates;  // explicit rates; empty: grid_points log-spaced between the bounds
  int grid_points = 25;
  std::optional<double> validation;  // held-out fraction; default 0.2 for grid and auto hold-out
  int folds = 0;                     // auto: cross-validation folds; 0 chooses (5, or 1 for large data)

  // lr-find check: the rate to judge, and the factor that widens the interval.
  std::optional<double> check_lr;
  double tolerance = 1.0;
};

// Throws UsageError naming the first invalid setting.
void validate(const RunConfig& config);

// The settings after defaults are resolved.
double effective_l2(const RunConfig& config);
double effective_validation(const RunConfig& config);
int effective_repeats(const RunConfig& config);

struct Recommendation {
  std::optional<double> lr;  // empty when no rate is usable
  std::string rule;
  std::string reason;        // why there is no rate (empty when there is one)
  std::vector<Suggestion> suggestions;  // the classic rules on the range test's curve
  std::optional<std::pair<double, double>> interval;  // near-best rates, or the spread across repeats
  std::string confidence;         // high, medium or low (range and auto)
  std::string confidence_reason;  // why it is not high
};

// The verdict of `lr-find check` on a configured rate.
struct CheckResult {
  double lr = 0.0;
  double tolerance = 1.0;
  std::string verdict;              // pass, too_low, too_high, unstable or no_recommendation
  std::optional<std::pair<double, double>> interval;  // widened by the tolerance
  std::optional<double> factor;     // how many times outside the interval
  std::optional<double> val_loss;   // auto: the rate's own cross-validated loss
  std::optional<double> regret;     // auto: (V(lr) - V*)/(V0 - V*)
  std::string message;              // one line for a person
  bool passed() const { return verdict == "pass"; }
};

struct RunResult {
  RunConfig config;
  Dataset dataset;                 // features after standardisation
  std::string source;              // the input's name in messages and JSON
  std::size_t train_rows = 0;
  std::size_t validation_rows = 0;
  Index outputs = 0;
  std::string loss_name;
  std::vector<std::pair<std::string, double>> optimizer_hyperparameters;
  std::optional<RangeTestResult> range;          // range: the first repeat (seed); auto: the bracket's first
  std::vector<RangeTestResult> range_repeats;    // range: every repeat, the first included
  std::vector<std::uint64_t> repeat_seeds;
  std::optional<AutoResult> automatic;
  std::optional<Theory> theory;
  long steps_per_epoch = 0;                      // training batches per epoch (grid and auto)
  std::optional<CheckResult> check;
  std::vector<GridRateResult> grid;
  double untrained_train_loss = 0.0;        // grid: the zero-weight model's losses,
  std::optional<double> untrained_val_loss;  // the bar a usable rate must beat
  Recommendation recommendation;
  // A stop was requested (interrupt.hpp) and training was cut short: the
  // curves hold what was finished, and the recommendation rests on that only.
  bool interrupted = false;
};

// Judges `lr` against a finished run's recommendation.
CheckResult check_rate(const RunResult& result, double lr, double tolerance);

using MessageSink = std::function<void(std::string_view)>;

// Reads the input named in the config and runs it. Warnings (such as dropped
// rows) go to `warn`. A stop request (interrupt.hpp) ends training at the next
// batch with the result so far (RunResult::interrupted); one before any
// training step was recorded throws Interrupted.
RunResult run(const RunConfig& config, const MessageSink& warn, const ProgressFn& progress = {});
// The same on bytes already in memory, `source` naming them in messages.
RunResult run_on_bytes(const RunConfig& config, std::string_view bytes, const std::string& source,
                       const MessageSink& warn, const ProgressFn& progress = {});

// The same on a data set already loaded.
RunResult run_on_dataset(const RunConfig& config, Dataset dataset, const std::string& source, const MessageSink& warn,
                         const ProgressFn& progress = {});

// One line for a person: the recommendation and how it was reached.
std::string summary_line(const RunResult& result);

}  // namespace lrfind
