// Learning-rate schedules as pure functions of the step.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lrfind {

enum class SweepKind { kExponential, kLinear };
SweepKind parse_sweep_kind(std::string_view name);  // "exp" or "linear"; throws UsageError
std::string_view to_string(SweepKind kind);

// The range test's sweep over `steps` steps from min_lr to max_lr:
// exponential lr_i = min·(max/min)^(i/(S-1)), or linear spacing. With one
// step the only rate is min_lr.
class Sweep {
 public:
  Sweep(double min_lr, double max_lr, int steps, SweepKind kind);
  double lr_at(int step) const;
  int steps() const { return steps_; }

 private:
  double min_lr_;
  double max_lr_;
  int steps_;
  SweepKind kind_;
};

// `count` rates spaced evenly in log between min_lr and max_lr, both included.
std::vector<double> log_spaced(double min_lr, double max_lr, int count);

}  // namespace lrfind

namespace lrfind {

// The learning-rate schedule used while training (grid and auto), so that a
// recommendation is for the schedule the user will really run. Each is a
// multiplier of the base rate at step t of T, matching a torch.optim.lr_scheduler
// (or scikit-learn) schedule stepped once per batch.
enum class ScheduleKind { kConstant, kStep, kExponential, kCosine, kOneCycle, kInvScaling };
ScheduleKind parse_schedule_kind(std::string_view name);  // throws UsageError
std::string_view to_string(ScheduleKind kind);

struct ScheduleParameter {
  std::string name;
  double value;
  bool whole = false;  // a step count, written as an integer
};

class TrainingSchedule {
 public:
  TrainingSchedule() = default;
  TrainingSchedule(ScheduleKind kind, long total_steps) : kind_(kind), total_(total_steps < 1 ? 1 : total_steps) {}
  ScheduleKind kind() const { return kind_; }
  long total_steps() const { return total_; }
  // Multiplier of the base rate at step t (0-based).
  double factor(long step) const;
  // The parameters that reproduce this schedule in PyTorch or scikit-learn for
  // base rate `lr` (for onecycle the base rate is max_lr).
  std::vector<ScheduleParameter> parameters(double lr) const;

  // Constants of the schedules (torch's defaults where torch has one).
  static constexpr double kStepGamma = 0.1;             // MultiStepLR at 1/2 and 3/4 of training
  static constexpr double kExponentialFinal = 0.01;     // ExponentialLR decays to 1% by the end
  static constexpr double kOneCycleDivFactor = 25.0;    // OneCycleLR div_factor
  static constexpr double kOneCycleFinalDiv = 1e4;      // OneCycleLR final_div_factor
  static constexpr double kOneCyclePctStart = 0.3;      // OneCycleLR pct_start
  static constexpr double kInvScalingPower = 0.25;      // scikit-learn power_t

 private:
  ScheduleKind kind_ = ScheduleKind::kConstant;
  long total_ = 1;
};

}  // namespace lrfind
