// torch.optim.lr_scheduler.ExponentialLR with the gamma that decays the rate to
// 1% by the end of training.
#include <cmath>

#include "train/schedule.hpp"

namespace lrfind {

namespace {

constexpr double kFinal = 0.01;

}  // namespace

ScheduleEntry exponential_schedule() {
  return {"exponential", "lr·0.01^(t/T) (ExponentialLR)",
          [](long step, long total, const ScheduleOptions&) {
            return std::pow(kFinal, static_cast<double>(step) / static_cast<double>(total));
          },
          [](double lr, long total, const ScheduleOptions&) -> std::vector<ScheduleParameter> {
            return {{"lr", lr}, {"gamma", std::pow(kFinal, 1.0 / static_cast<double>(total))}};
          }};
}

}  // namespace lrfind
