#include "train/schedule.hpp"

#include <cmath>

#include "lrfind/error.hpp"

namespace lrfind {

SweepKind parse_sweep_kind(std::string_view name) {
  if (name == "exp") return SweepKind::kExponential;
  if (name == "linear") return SweepKind::kLinear;
  throw UsageError("--sweep must be exp or linear");
}

std::string_view to_string(SweepKind kind) { return kind == SweepKind::kExponential ? "exp" : "linear"; }

Sweep::Sweep(double min_lr, double max_lr, int steps, SweepKind kind)
    : min_lr_(min_lr), max_lr_(max_lr), steps_(steps), kind_(kind) {}

double Sweep::lr_at(int step) const {
  if (steps_ <= 1 || step <= 0) return min_lr_;
  if (step >= steps_ - 1) return max_lr_;
  const double fraction = static_cast<double>(step) / static_cast<double>(steps_ - 1);
  if (kind_ == SweepKind::kLinear) return min_lr_ + (max_lr_ - min_lr_) * fraction;
  // min·(max/min)^f, computed in log10 so that decades land on exact powers of ten.
  const double lo = std::log10(min_lr_);
  return std::pow(10.0, lo + (std::log10(max_lr_) - lo) * fraction);
}

std::vector<double> log_spaced(double min_lr, double max_lr, int count) {
  std::vector<double> rates;
  const Sweep sweep(min_lr, max_lr, count, SweepKind::kExponential);
  rates.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) rates.push_back(sweep.lr_at(i));
  return rates;
}

}  // namespace lrfind

namespace lrfind {

ScheduleKind parse_schedule_kind(std::string_view name) {
  if (name == "constant") return ScheduleKind::kConstant;
  if (name == "step") return ScheduleKind::kStep;
  if (name == "exponential") return ScheduleKind::kExponential;
  if (name == "cosine") return ScheduleKind::kCosine;
  if (name == "onecycle") return ScheduleKind::kOneCycle;
  if (name == "invscaling") return ScheduleKind::kInvScaling;
  throw UsageError("--schedule must be constant, step, exponential, cosine, onecycle or invscaling");
}

std::string_view to_string(ScheduleKind kind) {
  switch (kind) {
    case ScheduleKind::kConstant: return "constant";
    case ScheduleKind::kStep: return "step";
    case ScheduleKind::kExponential: return "exponential";
    case ScheduleKind::kCosine: return "cosine";
    case ScheduleKind::kOneCycle: return "onecycle";
    case ScheduleKind::kInvScaling: return "invscaling";
  }
  return "constant";
}

namespace {

constexpr double kPi = 3.14159265358979323846;

// torch's _annealing_cos: from `start` at pct 0 to `end` at pct 1.
double annealing_cos(double start, double end, double pct) {
  return end + (start - end) / 2.0 * (std::cos(kPi * pct) + 1.0);
}

long step_milestone(long total, int quarter) { return total * quarter / 4; }

}  // namespace

double TrainingSchedule::factor(long step) const {
  const double t = static_cast<double>(step);
  const double total = static_cast<double>(total_);
  switch (kind_) {
    case ScheduleKind::kConstant: return 1.0;
    case ScheduleKind::kStep: {
      int passed = 0;
      if (step >= step_milestone(total_, 2)) ++passed;
      if (step >= step_milestone(total_, 3)) ++passed;
      return std::pow(kStepGamma, passed);
    }
    case ScheduleKind::kExponential: return std::pow(kExponentialFinal, t / total);
    case ScheduleKind::kCosine: return (1.0 + std::cos(kPi * t / total)) / 2.0;
    case ScheduleKind::kOneCycle: {
      // torch.optim.lr_scheduler.OneCycleLR, two phases, cosine annealing.
      const double initial = 1.0 / kOneCycleDivFactor;
      const double final_ = initial / kOneCycleFinalDiv;
      const double warm_end = kOneCyclePctStart * total - 1.0;
      const double last = total - 1.0;
      if (t <= warm_end) return annealing_cos(initial, 1.0, warm_end > 0 ? t / warm_end : 1.0);
      return annealing_cos(1.0, final_, last > warm_end ? (t - warm_end) / (last - warm_end) : 1.0);
    }
    case ScheduleKind::kInvScaling: return 1.0 / std::pow(t + 1.0, kInvScalingPower);
  }
  return 1.0;
}

std::vector<ScheduleParameter> TrainingSchedule::parameters(double lr) const {
  const double total = static_cast<double>(total_);
  switch (kind_) {
    case ScheduleKind::kConstant: return {{"lr", lr}};
    case ScheduleKind::kStep:
      return {{"lr", lr},
              {"gamma", kStepGamma},
              {"milestone_1", static_cast<double>(step_milestone(total_, 2)), true},
              {"milestone_2", static_cast<double>(step_milestone(total_, 3)), true}};
    case ScheduleKind::kExponential:
      return {{"lr", lr}, {"gamma", std::pow(kExponentialFinal, 1.0 / total)}};
    case ScheduleKind::kCosine: return {{"lr", lr}, {"T_max", total, true}, {"eta_min", 0.0}};
    case ScheduleKind::kOneCycle:
      return {{"max_lr", lr},
              {"div_factor", kOneCycleDivFactor},
              {"final_div_factor", kOneCycleFinalDiv},
              {"pct_start", kOneCyclePctStart},
              {"total_steps", total, true}};
    case ScheduleKind::kInvScaling: return {{"eta0", lr}, {"power_t", kInvScalingPower}};
  }
  return {{"lr", lr}};
}

}  // namespace lrfind
