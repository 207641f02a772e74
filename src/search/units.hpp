// A search as rounds of independent units, for lr-find plan, shard and merge
// (src/scale/, docs/scale-out.md). Wherever a search trains work whose parts
// do not depend on each other (a grid's stacks of rates, range tests'
// repeats, the cross-validated runs of a set of rates), it hands the units to
// round() with a function that trains any subset of them; round() returns
// every unit's result. On one machine no WorkUnits is given and the search
// trains as before. Under scale-out the search replays from the start in
// every process, deterministic as it is, and the rounds are where the
// processes differ:
//   - a plan's run records its first round's units and stops;
//   - a shard's run takes the rounds before from the plan, trains its own
//     units of the plan's round and stops;
//   - the merge's run takes the rounds before from the plan and the plan's
//     round from the parts, and goes on: to the report when the search needs
//     nothing more, or to the next round's units, which it records and stops.
// A unit's result is the search's own result for it, written exactly (every
// double round-trips), so the merged report equals the one-machine run's.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "search/grid.hpp"
#include "search/range.hpp"

namespace lrfind {

using UnitJson = nlohmann::ordered_json;

struct WorkUnit {
  UnitJson spec;      // what it trains ({"rates": [...]}, {"repeat": r, "seed": s}, ...): compared with the plan's
  double cost = 0.0;  // its estimated work, for balancing shards
};

// A round: its stage's name, the units' specs and, once trained, their results.
struct UnitRound {
  std::string stage;
  std::vector<UnitJson> specs;
  std::vector<UnitJson> results;  // by unit, once known
  std::vector<double> costs;      // recorded rounds only
};

// Thrown when this process's part of a scale-out run is done (a plan or a
// merge recorded the next round, a shard trained its units): the rest of the
// run is another process's.
struct UnitsDone {};

class WorkUnits {
 public:
  enum class Role { kPlan, kShard, kMerge };
  // Trains the units marked true, returning their results by unit index.
  using Trainer = std::function<std::map<std::size_t, UnitJson>(const std::vector<bool>& which)>;

  // `done`: the rounds trained before (the plan's). `current`: the plan's
  // round (none for a plan's run); for a shard, `mine` marks its units; for
  // the merge, current.results holds every unit's result from the parts.
  WorkUnits(Role role, std::vector<UnitRound> done = {}, UnitRound current = {}, std::vector<bool> mine = {});

  Role role() const { return role_; }
  // The rounds whose results are known, and the round recorded last (a plan's
  // or merge's next round), or the shard's results.
  const std::vector<UnitRound>& done() const { return done_; }
  const UnitRound& recorded() const { return recorded_; }
  const std::map<std::size_t, UnitJson>& shard_results() const { return shard_results_; }
  // Whether the run reached the plan's round (a merge must use its parts).
  bool used_plan_round() const { return current_used_; }

  // One round of `units`: every unit's result. Throws UnitsDone where this
  // process stops, DataError when the units differ from the plan's (another
  // lr-find, or other data). A round `at_plan` that the plan's run reaches
  // first is trained there, whole, and carried by the plan like any other
  // (the cheap start of a search: auto's bracketing range tests).
  std::vector<UnitJson> round(const std::string& stage, const std::vector<WorkUnit>& units, const Trainer& train,
                              bool at_plan = false);

 private:
  Role role_;
  std::vector<UnitRound> done_;
  UnitRound current_;
  std::vector<bool> mine_;
  std::size_t next_ = 0;          // the round the search asks for next
  bool current_used_ = false;
  UnitRound recorded_;
  std::map<std::size_t, UnitJson> shard_results_;
};

// run_grid (search/grid.hpp) as one round of `units`: a unit per group of
// rates (grid_groups), each trained as one stack exactly as on one machine;
// `split` (an object naming the rows, or null) goes into each unit's spec.
// A shard stopped by `stop` throws Interrupted.
std::vector<GridRateResult> run_grid_round(WorkUnits& units, const std::string& stage, const UnitJson& split,
                                           const Model& model, const OptimizerEntry& optimizer, const Features& X,
                                           const Vector& y, std::span<const Index> train_rows,
                                           std::span<const Index> validation_rows, GridConfig config, Rng rng,
                                           const StopToken& stop, const Progress& progress = {});

// Range tests (search/range.hpp), one per seed, as one round of `units`: a
// unit per test, each with a fresh optimizer and its seed's stream.
std::vector<RangeTestResult> range_test_round(WorkUnits& units, const Model& model, const OptimizerEntry& optimizer,
                                              const Features& X, const Vector& y, std::span<const Index> rows,
                                              const RangeTestConfig& config, const std::vector<std::uint64_t>& seeds,
                                              const StopToken& stop, bool at_plan = false);

// The spec of a stack of rates, with `split`'s fields first.
UnitJson rates_spec(const UnitJson& split, std::span<const double> rates);

// Exact JSON for a search's results: a finite double as a JSON number (its
// shortest round-trip form), NaN and infinities as the strings "nan", "inf",
// "-inf". The readers throw DataError("a part", ...) on anything else.
UnitJson to_unit_json(const GridRateResult& result);
UnitJson to_unit_json(const RangeTestResult& result);
GridRateResult grid_rate_from_unit_json(const UnitJson& json);
RangeTestResult range_test_from_unit_json(const UnitJson& json);
// A stack's results (a list of GridRateResult), checked to hold `count`.
UnitJson to_unit_json(std::span<const GridRateResult> results);
std::vector<GridRateResult> grid_rates_from_unit_json(const UnitJson& json, std::size_t count);

}  // namespace lrfind
