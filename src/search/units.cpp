#include "search/units.hpp"

#include <cassert>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <utility>

#include "lrfind/error.hpp"
#include "lrfind/stop.hpp"

namespace lrfind {

namespace {

[[noreturn]] void bad_part(const std::string& what) { throw DataError("a part", 0, what); }

UnitJson exact(double x) {
  if (std::isfinite(x)) return x;
  if (std::isnan(x)) return "nan";
  return x > 0 ? "inf" : "-inf";
}

double number(const UnitJson& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
  }
  bad_part(fmt::format("a unit's result holds {} where a number belongs", j.dump()));
}

UnitJson exact_list(const std::vector<double>& xs) {
  UnitJson list = UnitJson::array();
  for (const double x : xs) list.push_back(exact(x));
  return list;
}

const UnitJson& field(const UnitJson& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) bad_part(fmt::format("a unit's result has no \"{}\"", key));
  return j.at(key);
}

std::vector<double> numbers(const UnitJson& j) {
  if (!j.is_array()) bad_part("a unit's result holds a list that is not one");
  std::vector<double> xs;
  xs.reserve(j.size());
  for (const UnitJson& x : j) xs.push_back(number(x));
  return xs;
}

bool flag(const UnitJson& j, const char* key) {
  const UnitJson& f = field(j, key);
  if (!f.is_boolean()) bad_part(fmt::format("a unit's \"{}\" is not true or false", key));
  return f.get<bool>();
}

}  // namespace

WorkUnits::WorkUnits(Role role, std::vector<UnitRound> done, UnitRound current, std::vector<bool> mine)
    : role_(role), done_(std::move(done)), current_(std::move(current)), mine_(std::move(mine)) {}

namespace {

void check_same(const UnitRound& planned, const std::string& stage, const std::vector<WorkUnit>& units,
                std::size_t index) {
  bool same = stage == planned.stage && units.size() == planned.specs.size();
  for (std::size_t i = 0; same && i < units.size(); ++i) same = units[i].spec == planned.specs[i];
  if (!same)
    throw DataError("the plan", 0,
                    fmt::format("step {} of this run ({} units of {}) differs from the plan's ({} units of {}): the "
                                "plan was made by another lr-find or from other data",
                                index + 1, units.size(), stage, planned.specs.size(), planned.stage));
}

UnitRound recorded_round(const std::string& stage, const std::vector<WorkUnit>& units) {
  UnitRound r;
  r.stage = stage;
  for (const WorkUnit& u : units) {
    r.specs.push_back(u.spec);
    r.costs.push_back(u.cost);
  }
  return r;
}

}  // namespace

std::vector<UnitJson> WorkUnits::round(const std::string& stage, const std::vector<WorkUnit>& units,
                                       const Trainer& train, bool at_plan) {
  const std::size_t index = next_++;
  if (index < done_.size()) {  // trained in an earlier round
    check_same(done_[index], stage, units, index);
    return done_[index].results;
  }
  if (role_ == Role::kPlan && at_plan) {  // the plan trains it, whole
    UnitRound trained = recorded_round(stage, units);
    for (auto& [id, result] : train(std::vector<bool>(units.size(), true))) trained.results.push_back(std::move(result));
    assert(trained.results.size() == units.size());  // a trainer returns every unit asked for
    done_.push_back(std::move(trained));
    return done_.back().results;
  }
  const bool planned = role_ != Role::kPlan && !current_used_;  // a plan's run has no round of its own yet
  if (planned && index == done_.size()) {
    current_used_ = true;
    check_same(current_, stage, units, index);
    if (role_ == Role::kShard) {
      shard_results_ = train(mine_);
      throw UnitsDone{};
    }
    if (current_.results.size() != units.size())
      throw DataError("a part", 0, fmt::format("the parts hold {} of the plan's {} results", current_.results.size(),
                                               units.size()));
    done_.push_back(current_);
    return done_.back().results;
  }
  recorded_ = recorded_round(stage, units);  // the next round: this process stops here
  throw UnitsDone{};
}

UnitJson to_unit_json(const GridRateResult& r) {
  UnitJson j;
  j["lr"] = exact(r.lr);
  j["train_loss"] = exact_list(r.train_loss);
  j["val_loss"] = exact_list(r.val_loss);
  j["diverged"] = r.diverged;
  j["interrupted"] = r.interrupted;
  return j;
}

GridRateResult grid_rate_from_unit_json(const UnitJson& j) {
  GridRateResult r;
  r.lr = number(field(j, "lr"));
  r.train_loss = numbers(field(j, "train_loss"));
  r.val_loss = numbers(field(j, "val_loss"));
  r.diverged = flag(j, "diverged");
  r.interrupted = flag(j, "interrupted");
  return r;
}

UnitJson to_unit_json(const RangeTestResult& r) {
  UnitJson j;
  UnitJson points = UnitJson::array();
  for (const RangePoint& p : r.points) points.push_back({p.step, exact(p.lr), exact(p.loss), exact(p.smoothed_loss)});
  j["points"] = std::move(points);
  j["stop_reason"] = std::string(to_string(r.stop_reason));
  return j;
}

RangeTestResult range_test_from_unit_json(const UnitJson& j) {
  RangeTestResult r;
  const UnitJson& points = field(j, "points");
  if (!points.is_array()) bad_part("a range test's points are not a list");
  for (const UnitJson& p : points) {
    if (!p.is_array() || p.size() != 4 || !p[0].is_number_integer()) bad_part("a range test's point is not [step, lr, loss, smoothed]");
    r.points.push_back({p[0].get<int>(), number(p[1]), number(p[2]), number(p[3])});
  }
  const UnitJson& reason = field(j, "stop_reason");
  bool known = false;
  for (const StopReason s : {StopReason::kCompleted, StopReason::kNonFiniteLoss, StopReason::kLossDiverged,
                             StopReason::kInterrupted})
    if (reason.is_string() && reason.get<std::string>() == to_string(s)) {
      r.stop_reason = s;
      known = true;
    }
  if (!known) bad_part(fmt::format("a range test's stop_reason {} is unknown", reason.dump()));
  return r;
}

UnitJson rates_spec(const UnitJson& split, std::span<const double> rates) {
  UnitJson spec = split.is_object() ? split : UnitJson::object();
  UnitJson list = UnitJson::array();
  for (const double r : rates) list.push_back(exact(r));
  spec["rates"] = std::move(list);
  return spec;
}

std::vector<GridRateResult> run_grid_round(WorkUnits& units, const std::string& stage, const UnitJson& split,
                                           const Model& model, const OptimizerEntry& optimizer, const Features& X,
                                           const Vector& y, std::span<const Index> train_rows,
                                           std::span<const Index> validation_rows, GridConfig config, Rng rng,
                                           const StopToken& stop, const Progress& progress) {
  const std::vector<RateGroupSpan> spans = grid_groups(config.rates.size());
  const std::span<const double> rates(config.rates);
  std::vector<WorkUnit> described;
  const double rows = static_cast<double>(train_rows.size() + validation_rows.size());
  for (const RateGroupSpan& s : spans)
    described.push_back({rates_spec(split, rates.subspan(s.first, s.count)),
                         static_cast<double>(s.count) * config.epochs * rows});
  const auto train = [&](const std::vector<bool>& which) {
    config.run_groups = which;
    const std::vector<GridRateResult> trained =
        run_grid(model, optimizer, X, y, train_rows, validation_rows, config, rng, stop, progress);
    for (const GridRateResult& g : trained)
      if (g.interrupted) throw_if_stopped(stop, "before the shard finished");
    std::map<std::size_t, UnitJson> results;
    for (std::size_t g = 0; g < spans.size(); ++g)
      if (which[g]) results[g] = to_unit_json(std::span(trained).subspan(spans[g].first, spans[g].count));
    return results;
  };
  const std::vector<UnitJson> results = units.round(stage, described, train);
  std::vector<GridRateResult> merged;
  for (std::size_t g = 0; g < spans.size(); ++g)
    for (GridRateResult& r : grid_rates_from_unit_json(results[g], spans[g].count)) merged.push_back(std::move(r));
  return merged;
}

std::vector<RangeTestResult> range_test_round(WorkUnits& units, const Model& model, const OptimizerEntry& optimizer,
                                              const Features& X, const Vector& y, std::span<const Index> rows,
                                              const RangeTestConfig& config, const std::vector<std::uint64_t>& seeds,
                                              const StopToken& stop, bool at_plan) {
  std::vector<WorkUnit> described;
  const double batch = static_cast<double>(config.batch_size > 0 ? std::min<std::size_t>(config.batch_size, rows.size())
                                                                 : rows.size());
  for (std::size_t r = 0; r < seeds.size(); ++r)
    described.push_back({{{"repeat", r}, {"seed", seeds[r]}}, config.settings.steps * batch});
  const auto train = [&](const std::vector<bool>& which) {
    std::map<std::size_t, UnitJson> results;
    for (std::size_t r = 0; r < seeds.size(); ++r) {
      if (!which[r]) continue;
      Rng stream(seeds[r]);
      const std::unique_ptr<Optimizer> fresh = optimizer.make();
      const RangeTestResult test = run_range_test(model, *fresh, X, y, rows, config, stream, stop);
      if (test.stop_reason == StopReason::kInterrupted) throw_if_stopped(stop, "before the shard finished");
      results[r] = to_unit_json(test);
    }
    return results;
  };
  std::vector<RangeTestResult> tests;
  for (const UnitJson& j : units.round("range tests", described, train, at_plan))
    tests.push_back(range_test_from_unit_json(j));
  return tests;
}

UnitJson to_unit_json(std::span<const GridRateResult> results) {
  UnitJson list = UnitJson::array();
  for (const GridRateResult& r : results) list.push_back(to_unit_json(r));
  return list;
}

std::vector<GridRateResult> grid_rates_from_unit_json(const UnitJson& json, std::size_t count) {
  if (!json.is_array() || json.size() != count)
    bad_part(fmt::format("a unit holds {} rates' results, not {}", json.is_array() ? json.size() : 0, count));
  std::vector<GridRateResult> out;
  for (const UnitJson& r : json) out.push_back(grid_rate_from_unit_json(r));
  return out;
}


}  // namespace lrfind
