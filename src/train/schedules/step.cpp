// torch.optim.lr_scheduler.MultiStepLR with gamma 0.1 at 1/2 and 3/4 of training.
#include <cmath>

#include "train/schedule.hpp"

namespace lrfind {

namespace {

constexpr double kGamma = 0.1;

long milestone(long total, int quarter) { return total * quarter / 4; }

}  // namespace

ScheduleEntry step_schedule() {
  return {"step", "lr·0.1 after T/2, lr·0.01 after 3T/4 (MultiStepLR)",
          [](long step, long total, const ScheduleOptions&) {
            int passed = 0;
            if (step >= milestone(total, 2)) ++passed;
            if (step >= milestone(total, 3)) ++passed;
            return std::pow(kGamma, passed);
          },
          [](double lr, long total, const ScheduleOptions&) -> std::vector<ScheduleParameter> {
            return {{"lr", lr},
                    {"gamma", kGamma},
                    {"milestone_1", static_cast<double>(milestone(total, 2)), true},
                    {"milestone_2", static_cast<double>(milestone(total, 3)), true}};
          }};
}

}  // namespace lrfind
