// A method's expensive stage as units that can run apart (lr-find plan, shard
// and merge; src/scale/ and docs/scale-out.md). The method describes its
// units; in a plan's run it stops there, in a shard's run it trains only the
// shard's units and stops, and in the merge's run it takes every unit's
// result from the shards instead of training, then goes on as on one machine.
// A unit's result is the method's own result for it, written exactly (every
// double round-trips), so that the merged report equals the one-machine run's.
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "search/grid.hpp"
#include "search/range.hpp"

namespace lrfind {

using UnitJson = nlohmann::ordered_json;

struct WorkUnit {
  UnitJson spec;      // what it trains ({"rates": [...]} or {"repeat": r, "seed": s}): compared with the plan's
  double cost = 0.0;  // its estimated work, for balancing shards (search/cost.hpp's units)
};

// Thrown once a plan's units are recorded or a shard's units are trained: the
// rest of the run (recommendation, report) is the merge's.
struct UnitsDone {};

class WorkUnits {
 public:
  enum class Role { kPlan, kShard, kMerge };

  // kPlan.
  WorkUnits() : role_(Role::kPlan) {}
  // kShard: runs the units whose ids are in `mine` of the plan's `planned`.
  // kMerge: `results` holds every unit's result by id.
  WorkUnits(Role role, std::string stage, std::vector<UnitJson> planned, std::vector<bool> mine,
            std::map<std::size_t, UnitJson> results = {});

  Role role() const { return role_; }
  const std::string& stage() const { return stage_; }
  const std::vector<WorkUnit>& units() const { return units_; }
  const std::map<std::size_t, UnitJson>& results() const { return results_; }

  // The method's units for `stage` ("grid", "range"). In a plan's run, records
  // them and throws UnitsDone; otherwise checks them against the plan's
  // (DataError when they differ: another version of lr-find or other data).
  void describe(const std::string& stage, std::vector<WorkUnit> units);
  // kShard: whether unit `id` is this shard's.
  bool mine(std::size_t id) const { return id < mine_.size() && mine_[id]; }
  // kShard: the shard's results by id; throws UnitsDone.
  [[noreturn]] void finish(std::map<std::size_t, UnitJson> results);
  // kMerge: unit `id`'s result.
  const UnitJson& result(std::size_t id) const;

 private:
  Role role_;
  std::string stage_;
  std::vector<WorkUnit> units_;
  std::vector<UnitJson> planned_;
  std::vector<bool> mine_;
  std::map<std::size_t, UnitJson> results_;
};

// Exact JSON for a method's results: a finite double as a JSON number (its
// shortest round-trip form), NaN and infinities as the strings "nan", "inf",
// "-inf". from_unit_json throws DataError("the part", ...) on anything else.
UnitJson to_unit_json(const GridRateResult& result);
UnitJson to_unit_json(const RangeTestResult& result);
GridRateResult grid_rate_from_unit_json(const UnitJson& json);
RangeTestResult range_test_from_unit_json(const UnitJson& json);

}  // namespace lrfind
