#include "train/schedule.hpp"

namespace lrfind {

// One entry per schedule, each in its own file under schedules/.
ScheduleEntry constant_schedule();
ScheduleEntry step_schedule();
ScheduleEntry exponential_schedule();
ScheduleEntry cosine_schedule();
ScheduleEntry onecycle_schedule();
ScheduleEntry invscaling_schedule();

Registry<ScheduleEntry> builtin_schedules() {
  Registry<ScheduleEntry> schedules("schedule", "--schedule");
  schedules.add(constant_schedule());
  schedules.add(step_schedule());
  schedules.add(exponential_schedule());
  schedules.add(cosine_schedule());
  schedules.add(onecycle_schedule());
  schedules.add(invscaling_schedule());
  return schedules;
}

const ScheduleEntry& schedule_named(std::string_view name) {
  static const Registry<ScheduleEntry> schedules = builtin_schedules();
  return schedules.at(name);
}

}  // namespace lrfind
