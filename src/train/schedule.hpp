// Learning-rate schedules while training (grid and auto), so that a
// recommendation is for the schedule the user will really run. Each is a
// multiplier of the base rate at step t of T, matching a
// torch.optim.lr_scheduler (or scikit-learn) schedule stepped once per batch,
// and names the parameters that reproduce it there.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/registry.hpp"

namespace lrfind {

struct ScheduleParameter {
  std::string name;
  double value;
  bool whole = false;  // a step count, written as an integer
};

// The schedules' settings besides the rate and the step count.
struct ScheduleOptions {
  double power_t = 0.25;  // invscaling's exponent (--power-t)
};

struct ScheduleEntry {
  std::string name;
  std::string help;
  // Multiplier of the base rate at step `step` (from 0) of `total` (>= 1).
  double (*factor)(long step, long total, const ScheduleOptions& options) = nullptr;
  // The parameters that reproduce the schedule in PyTorch or scikit-learn for
  // base rate `lr` (for onecycle the base rate is max_lr).
  std::vector<ScheduleParameter> (*parameters)(double lr, long total, const ScheduleOptions& options) = nullptr;
};

// constant, step, exponential, cosine, onecycle and invscaling, each in its
// own file under schedules/.
Registry<ScheduleEntry> builtin_schedules();

// A schedule over a run of `total_steps` steps.
class TrainingSchedule {
 public:
  TrainingSchedule(const ScheduleEntry& entry, long total_steps, ScheduleOptions options = {})
      : entry_(&entry), total_(total_steps < 1 ? 1 : total_steps), options_(options) {}
  const std::string& name() const { return entry_->name; }
  long total_steps() const { return total_; }
  double factor(long step) const { return entry_->factor(step, total_, options_); }
  std::vector<ScheduleParameter> parameters(double lr) const { return entry_->parameters(lr, total_, options_); }

 private:
  const ScheduleEntry* entry_;
  long total_;
  ScheduleOptions options_;
};

// The registry's entry of that name (throws UsageError), from a registry that
// lives as long as the program.
const ScheduleEntry& schedule_named(std::string_view name);

}  // namespace lrfind
