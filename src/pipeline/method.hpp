// The methods (--method): each searches the prepared problem in its own way
// and recommends a rate. A method's entry names it, says which options it
// leaves unused, and runs it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "common/progress.hpp"
#include "common/registry.hpp"
#include "lrfind/run.hpp"
#include "recommend/auto.hpp"
#include "recommend/near_best.hpp"
#include "recommend/recommendation.hpp"
#include "search/grid.hpp"
#include "search/range.hpp"
#include "train/model.hpp"
#include "train/optimizer.hpp"
#include "train/schedule.hpp"
#include "search/units.hpp"

namespace lrfind {

// What a method searches: the prepared data and model, and the run's settings.
struct Problem {
  const Features& X;  // standardised
  const Vector& y;
  std::span<const Index> train_rows;
  std::span<const Index> validation_rows;  // empty unless the method holds rows out
  const Model& model;
  const OptimizerEntry& optimizer;
  const ScheduleEntry& schedule;
  const Registry<RuleEntry>& rules;
  const RunConfig& config;
  int repeats;  // config.repeats or the method's default
  Rng& rng;     // the run's generator, after it drew the validation split
  Band band{};  // what near-best means for this loss
  std::span<const std::int64_t> groups{};  // a group id per row (svmlight's qid) that splits keep whole; or empty
};

// What the caller hears of and can stop.
struct Hooks {
  const StopToken& stop;
  Progress progress;
  WorkUnits* units = nullptr;  // lr-find plan, shard or merge (search/units.hpp); null: the whole run here
};

struct RangeOutcome {
  std::vector<RangeTestResult> repeats;  // the first is the seed's own
  std::vector<std::uint64_t> seeds;
};

struct GridOutcome {
  std::vector<GridRateResult> rates;
  double untrained_train_loss = 0.0;        // the zero-weight model's losses,
  std::optional<double> untrained_val_loss;  // the bar a usable rate must beat
};

struct AutoOutcome {
  AutoSearch search;
  AutoRecommendation verdict;
};

// lr-find check's measurements: the rate's own trainings on the same folds
// and repeats as the search, and the best stable rate they are judged against.
struct CheckMeasure {
  CvObjective::Score score;
  std::vector<double> untrained_by_run;
  std::optional<Reference> reference;
};

struct MethodOutcome {
  std::variant<RangeOutcome, GridOutcome, AutoOutcome> detail;
  std::optional<CheckMeasure> check;  // with config.check, unless cut short
  Recommendation recommendation;
  bool interrupted = false;  // a stop request cut training short
  long steps_per_epoch = 0;  // training batches per epoch (grid and auto), for the schedule
  // The split the rates were scored on, when it is not the run's own (auto's hold-out).
  std::optional<std::pair<std::size_t, std::size_t>> split_rows;
};

struct MethodEntry {
  std::string name;
  std::string help;
  int default_repeats = 1;
  int (*default_repeats_for)(Index rows) = nullptr;  // when set, the default for that many rows instead
  double default_validation = 0.0;    // the held-out fraction when --validation is not given
  bool holds_out_validation = false;  // the validation split is made before training
  std::vector<std::string> unused_options;  // options of the others that have no effect on it
  // Of unused_options, those lr-find check's own trainings use (range trains
  // the rates under check for the budget): no warning for them in a check.
  std::vector<std::string> used_by_check;
  MethodOutcome (*run)(const Problem& problem, const Hooks& hooks) = nullptr;
};

// auto, range and grid, each in its own file under methods/.
Registry<MethodEntry> builtin_methods();

// Training batches per epoch over `rows` rows.
long batches_per_epoch(long batch_size, std::size_t rows);

}  // namespace lrfind
