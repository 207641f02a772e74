// The rate as given: torch's plain `lr`.
#include "train/schedule.hpp"

namespace lrfind {

ScheduleEntry constant_schedule() {
  return {"constant", "lr at every step (PyTorch: no scheduler)", [](long, long, const ScheduleOptions&) { return 1.0; },
          [](double lr, long, const ScheduleOptions&) -> std::vector<ScheduleParameter> { return {{"lr", lr}}; }};
}

}  // namespace lrfind
