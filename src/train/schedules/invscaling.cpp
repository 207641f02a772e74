// scikit-learn's learning_rate='invscaling': eta0/(t+1)^power_t, power_t 0.25.
#include <cmath>

#include "train/schedule.hpp"

namespace lrfind {

namespace {

constexpr double kPower = 0.25;

}  // namespace

ScheduleEntry invscaling_schedule() {
  return {"invscaling", "lr/(t+1)^0.25 (scikit-learn's invscaling)",
          [](long step, long) { return 1.0 / std::pow(static_cast<double>(step) + 1.0, kPower); },
          [](double lr, long) -> std::vector<ScheduleParameter> { return {{"eta0", lr}, {"power_t", kPower}}; }};
}

}  // namespace lrfind
