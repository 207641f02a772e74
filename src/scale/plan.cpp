#include "scale/plan.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fmt/format.h>
#include <fstream>
#include <limits>
#include <numeric>

#include "io/input.hpp"
#include "lrfind/error.hpp"

namespace lrfind::scale {

namespace {

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;

std::uint64_t fnv1a(std::uint64_t h, std::string_view bytes) {
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= kFnvPrime;
  }
  return h;
}

std::string hex(std::uint64_t h) { return fmt::format("{:016x}", h); }

// A JSON document's fields, read with errors that name the file.
class Reader {
 public:
  Reader(std::string path, const char* what) : path_(std::move(path)), what_(what) {}

  Json parse(const std::string& text) const {
    Json j = Json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) fail(fmt::format("not {} (not a JSON object)", what_));
    return j;
  }
  [[noreturn]] void fail(const std::string& message) const { throw DataError(path_, 0, message); }
  const Json& field(const Json& j, const char* key) const {
    if (!j.is_object() || !j.contains(key)) fail(fmt::format("not {}: no \"{}\"", what_, key));
    return j.at(key);
  }
  std::string text(const Json& j, const char* key) const {
    const Json& f = field(j, key);
    if (!f.is_string()) fail(fmt::format("\"{}\" is not text", key));
    return f.get<std::string>();
  }
  long long whole(const Json& j, const char* key) const {
    const Json& f = field(j, key);
    if (!f.is_number_integer()) fail(fmt::format("\"{}\" is not a whole number", key));
    return f.get<long long>();
  }
  int integer(const Json& j, const char* key) const {  // a count or an index: 0 to 2^31 - 1
    const long long v = whole(j, key);
    if (v < 0 || v > std::numeric_limits<int>::max()) fail(fmt::format("\"{}\" is out of range: {}", key, v));
    return static_cast<int>(v);
  }
  bool flag(const Json& j, const char* key) const {
    const Json& f = field(j, key);
    if (!f.is_boolean()) fail(fmt::format("\"{}\" is not true or false", key));
    return f.get<bool>();
  }

 private:
  std::string path_;
  const char* what_;
};

Json tool() { return {{"name", "lr-find"}, {"version", LRFIND_VERSION}}; }

// The version a plan or part was written by: this lr-find's only.
void check_version(const Reader& r, const Json& j, const char* kind) {
  const std::string version = r.text(r.field(j, "tool"), "version");
  if (version != LRFIND_VERSION)
    r.fail(fmt::format("a {} of lr-find {}, and this is lr-find {}: run every step with the same version", kind,
                       version, LRFIND_VERSION));
}

// A plan's or part's JSON, its format and lr-find version checked: `key` is
// "lr_find_plan" or "lr_find_part", `kind` "plan" or "part".
Json read_document(const Reader& r, const std::string& path, const char* key, int format, const char* kind) {
  Json j = r.parse(io::read_text(path));
  if (r.whole(j, key) != format)
    r.fail(fmt::format("a {} of format {}; this lr-find reads format {}", kind, r.whole(j, key), format));
  check_version(r, j, kind);
  return j;
}

}  // namespace

Fingerprint fingerprint_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open for reading", path));
  Fingerprint f;
  std::uint64_t h = kFnvOffset;
  std::array<char, 1 << 16> buffer;
  while (in) {
    in.read(buffer.data(), buffer.size());
    const std::streamsize got = in.gcount();
    h = fnv1a(h, std::string_view(buffer.data(), static_cast<std::size_t>(got)));
    f.bytes += static_cast<std::uintmax_t>(got);
  }
  if (in.bad()) throw InputError(fmt::format("{}: read error", path));
  f.hash = hex(h);
  return f;
}

std::string hash_text(std::string_view text) { return hex(fnv1a(kFnvOffset, text)); }

std::vector<Json> Plan::specs() const {
  std::vector<Json> out;
  for (const PlannedUnit& u : units) out.push_back(u.spec);
  return out;
}

UnitRound Plan::current(const std::map<std::size_t, Json>& results) const {
  UnitRound r;
  r.stage = stage;
  r.specs = specs();
  for (const auto& [id, result] : results) r.results.push_back(result);  // ids 0..n-1, checked by merge
  return r;
}

std::vector<bool> Plan::units_of(int index) const {
  std::vector<bool> mine;
  for (const PlannedUnit& u : units) mine.push_back(u.shard == index);
  return mine;
}

std::vector<int> balance(const std::vector<double>& costs, int shards) {
  std::vector<std::size_t> order(costs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return costs[a] > costs[b]; });
  std::vector<double> load(static_cast<std::size_t>(std::max(shards, 1)), 0.0);
  std::vector<int> shard(costs.size(), 0);
  for (const std::size_t u : order) {
    const auto least = std::min_element(load.begin(), load.end());  // the first of equals
    shard[u] = static_cast<int>(least - load.begin());
    *least += costs[u];
  }
  return shard;
}

namespace {

Json body(const Plan& plan) {
  Json j;
  j["lr_find_plan"] = kPlanVersion;
  j["tool"] = tool();
  j["input"] = plan.input;
  j["data"] = {{"path", plan.data_path}, {"cached", plan.cached}, {"bytes", plan.data.bytes},
               {"fnv1a64", plan.data.hash}};
  j["args"] = plan.args;
  j["method"] = plan.method;
  j["shards"] = plan.shards;
  j["round"] = plan.round;
  Json done = Json::array();
  for (const UnitRound& r : plan.done) {
    Json units = Json::array();
    for (std::size_t i = 0; i < r.specs.size(); ++i) units.push_back({{"spec", r.specs[i]}, {"result", r.results.at(i)}});
    done.push_back({{"stage", r.stage}, {"units", std::move(units)}});
  }
  j["done"] = std::move(done);
  j["stage"] = plan.stage;
  Json units = Json::array();
  for (const PlannedUnit& u : plan.units)
    units.push_back({{"id", u.id}, {"shard", u.shard}, {"cost", u.cost}, {"spec", u.spec}});
  j["units"] = std::move(units);
  return j;
}

}  // namespace

Json to_json(const Plan& plan) {
  Json j;
  const Json rest = body(plan);
  j["lr_find_plan"] = kPlanVersion;
  j["plan_id"] = hash_text(rest.dump());
  for (auto it = rest.begin(); it != rest.end(); ++it)
    if (it.key() != "lr_find_plan") j[it.key()] = it.value();
  return j;
}

Plan read_plan(const std::string& path) {
  const Reader r(path, "an lr-find plan");
  const Json j = read_document(r, path, "lr_find_plan", kPlanVersion, "plan");
  Plan p;
  p.id = r.text(j, "plan_id");
  p.input = r.text(j, "input");
  const Json& data = r.field(j, "data");
  p.data_path = r.text(data, "path");
  p.cached = r.flag(data, "cached");
  p.data.bytes = static_cast<std::uintmax_t>(r.whole(data, "bytes"));
  p.data.hash = r.text(data, "fnv1a64");
  const Json& args = r.field(j, "args");
  if (!args.is_array()) r.fail("\"args\" is not a list");
  for (const Json& a : args) {
    if (!a.is_string()) r.fail("\"args\" holds something other than text");
    p.args.push_back(a.get<std::string>());
  }
  p.method = r.text(j, "method");
  p.shards = r.integer(j, "shards");
  if (p.shards < 1) r.fail("\"shards\" is below 1");
  p.round = r.integer(j, "round");
  const Json& done = r.field(j, "done");
  if (!done.is_array()) r.fail("\"done\" is not a list");
  for (const Json& d : done) {
    UnitRound round;
    round.stage = r.text(d, "stage");
    const Json& units = r.field(d, "units");
    if (!units.is_array()) r.fail("a done round's \"units\" is not a list");
    for (const Json& u : units) {
      round.specs.push_back(r.field(u, "spec"));
      round.results.push_back(r.field(u, "result"));
    }
    p.done.push_back(std::move(round));
  }
  p.stage = r.text(j, "stage");
  const Json& units = r.field(j, "units");
  if (!units.is_array()) r.fail("\"units\" is not a list");
  for (const Json& u : units) {
    PlannedUnit unit;
    unit.id = static_cast<std::size_t>(r.integer(u, "id"));
    unit.shard = r.integer(u, "shard");
    const Json& cost = r.field(u, "cost");
    if (!cost.is_number()) r.fail("a unit's \"cost\" is not a number");
    unit.cost = cost.get<double>();
    unit.spec = r.field(u, "spec");
    if (unit.id != p.units.size() || unit.shard < 0 || unit.shard >= p.shards)
      r.fail(fmt::format("unit {} is out of order or names shard {} of {}", unit.id, unit.shard, p.shards));
    p.units.push_back(std::move(unit));
  }
  if (to_json(p).at("plan_id") != p.id)
    r.fail("its content does not match its plan_id (edited by hand?): make a new plan");
  return p;
}

Json to_json(const Part& part) {
  Json j;
  j["lr_find_part"] = kPartVersion;
  j["tool"] = tool();
  j["plan_id"] = part.plan_id;
  j["round"] = part.round;
  j["shard"] = part.shard;
  j["shards"] = part.shards;
  j["complete"] = part.complete;
  Json units = Json::array();
  for (const auto& [id, result] : part.results) units.push_back({{"id", id}, {"result", result}});
  j["units"] = std::move(units);
  return j;
}

Part read_part(const std::string& path) {
  const Reader r(path, "an lr-find part");
  const Json j = read_document(r, path, "lr_find_part", kPartVersion, "part");
  Part p;
  p.plan_id = r.text(j, "plan_id");
  p.round = r.integer(j, "round");
  p.shard = r.integer(j, "shard");
  p.shards = r.integer(j, "shards");
  p.complete = r.flag(j, "complete");
  const Json& units = r.field(j, "units");
  if (!units.is_array()) r.fail("\"units\" is not a list");
  for (const Json& u : units) {
    const auto id = static_cast<std::size_t>(r.integer(u, "id"));
    if (!p.results.emplace(id, r.field(u, "result")).second) r.fail(fmt::format("unit {} is there twice", id));
  }
  return p;
}

}  // namespace lrfind::scale
