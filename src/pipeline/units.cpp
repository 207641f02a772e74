#include "pipeline/units.hpp"

#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <utility>

#include "lrfind/error.hpp"

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

WorkUnits::WorkUnits(Role role, std::string stage, std::vector<UnitJson> planned, std::vector<bool> mine,
                     std::map<std::size_t, UnitJson> results)
    : role_(role), stage_(std::move(stage)), planned_(std::move(planned)), mine_(std::move(mine)),
      results_(std::move(results)) {}

void WorkUnits::describe(const std::string& stage, std::vector<WorkUnit> units) {
  if (role_ == Role::kPlan) {
    stage_ = stage;
    units_ = std::move(units);
    throw UnitsDone{};
  }
  bool same = stage == stage_ && units.size() == planned_.size();
  for (std::size_t i = 0; same && i < units.size(); ++i) same = units[i].spec == planned_[i];
  if (!same)
    throw DataError("the plan", 0,
                    fmt::format("this run's {} units differ from the plan's {} {} units: the plan was made by "
                                "another lr-find or from other data",
                                units.size(), planned_.size(), stage_));
  units_ = std::move(units);
}

void WorkUnits::finish(std::map<std::size_t, UnitJson> results) {
  results_ = std::move(results);
  throw UnitsDone{};
}

const UnitJson& WorkUnits::result(std::size_t id) const {
  const auto it = results_.find(id);
  if (it == results_.end()) bad_part(fmt::format("no part holds unit {}", id));
  return it->second;
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

}  // namespace lrfind
