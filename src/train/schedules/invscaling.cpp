// scikit-learn's learning_rate='invscaling': eta0/(t+1)^power_t (--power-t,
// 0.25 by default as SGDRegressor's; SGDClassifier's default is 0.5).
#include <cmath>

#include "train/schedule.hpp"

namespace lrfind {

ScheduleEntry invscaling_schedule() {
  return {"invscaling", "lr/(t+1)^power_t, --power-t 0.25 by default (scikit-learn's invscaling)",
          [](long step, long, const ScheduleOptions& o) {
            return 1.0 / std::pow(static_cast<double>(step) + 1.0, o.power_t);
          },
          [](double lr, long, const ScheduleOptions& o) -> std::vector<ScheduleParameter> {
            return {{"eta0", lr}, {"power_t", o.power_t}};
          }};
}

}  // namespace lrfind
