// lr-find plan, shard and merge (docs/scale-out.md): the files they exchange.
// A plan holds what every shard needs to run its units apart (the run's
// options, the data's fingerprint, the units and their shard); a part holds
// one shard's results. Both carry the plan's id, a hash of the plan, so that
// a part is only ever merged into the plan it was run for.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "search/units.hpp"

namespace lrfind::scale {

using Json = nlohmann::ordered_json;

inline constexpr int kPlanVersion = 1;  // lr_find_plan: incremented on any incompatible change
inline constexpr int kPartVersion = 1;  // lr_find_part

// A file's size and content hash (64-bit FNV-1a of its bytes, in hex).
struct Fingerprint {
  std::uintmax_t bytes = 0;
  std::string hash;
  bool operator==(const Fingerprint&) const = default;
};
// Throws InputError when the file cannot be read.
Fingerprint fingerprint_file(const std::string& path);
// The same hash of bytes in memory.
std::string hash_text(std::string_view text);

struct PlannedUnit {
  std::size_t id = 0;
  int shard = 0;
  double cost = 0.0;
  Json spec;  // what the method trains in it (search/units.hpp)
};

// A plan's round: the units to train, each with its shard and cost.
struct Plan {
  std::string id;                  // hash of the rest, as written
  std::string input;               // the data as the run named it (the report's config.input)
  std::string data_path;           // where the plan read it: absolute, or the cache's name beside the plan
  bool cached = false;             // data_path is a copy beside the plan (standard input as the source)
  Fingerprint data;
  std::vector<std::string> args;   // the run's options, input included, as given (less plan's own)
  std::string method;
  int shards = 1;
  int round = 1;                   // the shards' rounds, from 1
  std::vector<UnitRound> done;     // the search's rounds before, with their results (a plan's own first)
  std::string stage;               // this round's units: "grid", "range tests", "cross-validation", "check"
  std::vector<PlannedUnit> units;

  // This round as search/units.hpp takes it (results from `results`, by unit id).
  UnitRound current(const std::map<std::size_t, Json>& results = {}) const;

  // The units' specs in order, and which are shard `index`'s.
  std::vector<Json> specs() const;
  std::vector<bool> units_of(int index) const;
};

// Assigns each unit (its cost given) to one of `shards`, the costliest first
// to the least loaded (ties: the lower shard), so that shard loads are within
// the largest unit's cost of each other.
std::vector<int> balance(const std::vector<double>& costs, int shards);

Json to_json(const Plan& plan);  // with its id computed
// Reads a plan; throws InputError (exit 66) if it cannot be read and DataError
// (65) if it is not a plan this lr-find can run.
Plan read_plan(const std::string& path);

struct Part {
  std::string plan_id;
  int round = 1;
  int shard = 0;
  int shards = 0;
  bool complete = false;
  std::map<std::size_t, Json> results;  // by unit id
};

Json to_json(const Part& part);
// Throws InputError (66) or DataError (65) naming `path`.
Part read_part(const std::string& path);

}  // namespace lrfind::scale
