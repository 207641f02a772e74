// Every extension point's registry, as one object a run reads its choices
// from: the built-in ones, or a test's copy with a toy entry added.
#pragma once

#include "common/registry.hpp"
#include "pipeline/method.hpp"
#include "recommend/suggest.hpp"
#include "train/model_kind.hpp"
#include "train/optimizer.hpp"
#include "train/schedule.hpp"

namespace lrfind {

struct Registries {
  Registry<ModelKindEntry> models = builtin_model_kinds();
  Registry<OptimizerEntry> optimizers = builtin_optimizers();
  Registry<ScheduleEntry> schedules = builtin_schedules();
  Registry<RuleEntry> rules = builtin_rules();
  Registry<MethodEntry> methods = builtin_methods();
};

// The built-in registries, built once.
const Registries& builtin_registries();

}  // namespace lrfind
