// torch.optim.lr_scheduler.OneCycleLR with torch's defaults (two phases,
// cosine annealing): warm-up from lr/25 to lr over 30% of training, then down
// to lr/25/1e4.
#include <cmath>

#include "train/schedule.hpp"

namespace lrfind {

namespace {

constexpr double kDivFactor = 25.0;
constexpr double kFinalDiv = 1e4;
constexpr double kPctStart = 0.3;

// torch's _annealing_cos: from `start` at pct 0 to `end` at pct 1.
double annealing_cos(double start, double end, double pct) {
  constexpr double kPi = 3.14159265358979323846;
  return end + (start - end) / 2.0 * (std::cos(kPi * pct) + 1.0);
}

double factor(long step, long total_steps, const ScheduleOptions&) {
  const double t = static_cast<double>(step);
  const double total = static_cast<double>(total_steps);
  const double initial = 1.0 / kDivFactor;
  const double final_ = initial / kFinalDiv;
  const double warm_end = kPctStart * total - 1.0;
  const double last = total - 1.0;
  if (t <= warm_end) return annealing_cos(initial, 1.0, warm_end > 0 ? t / warm_end : 1.0);
  return annealing_cos(1.0, final_, last > warm_end ? (t - warm_end) / (last - warm_end) : 1.0);
}

}  // namespace

ScheduleEntry onecycle_schedule() {
  return {"onecycle", "warm-up from lr/25 to lr over 30% of T, cosine down to lr/25/1e4 (OneCycleLR)", factor,
          [](double lr, long total, const ScheduleOptions&) -> std::vector<ScheduleParameter> {
            return {{"max_lr", lr},
                    {"div_factor", kDivFactor},
                    {"final_div_factor", kFinalDiv},
                    {"pct_start", kPctStart},
                    {"total_steps", static_cast<double>(total), true}};
          }};
}

}  // namespace lrfind
