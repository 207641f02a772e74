// torch.optim.lr_scheduler.CosineAnnealingLR(T_max = T, eta_min = 0).
#include <cmath>

#include "train/schedule.hpp"

namespace lrfind {

ScheduleEntry cosine_schedule() {
  return {"cosine", "lr·(1 + cos(πt/T))/2 (CosineAnnealingLR)",
          [](long step, long total, const ScheduleOptions&) {
            constexpr double kPi = 3.14159265358979323846;
            return (1.0 + std::cos(kPi * static_cast<double>(step) / static_cast<double>(total))) / 2.0;
          },
          [](double lr, long total, const ScheduleOptions&) -> std::vector<ScheduleParameter> {
            return {{"lr", lr}, {"T_max", static_cast<double>(total), true}, {"eta_min", 0.0}};
          }};
}

}  // namespace lrfind
