// Checking a run's settings against the registries, and resolving the
// defaults that depend on other settings (the model kind, the method).
#include <cmath>
#include <fmt/format.h>

#include "common/registry.hpp"
#include "io/encoding.hpp"
#include "load/dataset.hpp"
#include "load/loader.hpp"
#include "pipeline/run.hpp"
#include "search/sweep.hpp"

namespace lrfind {

const Registries& builtin_registries() {
  static const Registries registries;
  return registries;
}

int effective_repeats(const RunConfig& config, const Registries& registries) {
  return config.repeats.value_or(registries.methods.at(config.method).default_repeats);
}

int effective_repeats(const RunConfig& config, Index rows, const Registries& registries) {
  const MethodEntry& method = registries.methods.at(config.method);
  if (config.repeats || !method.default_repeats_for) return effective_repeats(config, registries);
  return method.default_repeats_for(rows);
}

double effective_l2(const RunConfig& config, const Registries& registries) {
  return config.training.l2.value_or(registries.models.at(config.training.model).default_l2);
}

double effective_validation(const RunConfig& config, const Registries& registries) {
  return config.validation.value_or(registries.methods.at(config.method).default_validation);
}

namespace {

bool positive(double v) { return std::isfinite(v) && v > 0.0; }

void validate_rates(const RunConfig& c) {
  const double min_lr = effective_min_lr(c), max_lr = effective_max_lr(c);
  if (!positive(min_lr)) throw UsageError(fmt::format("--min-lr must be a positive number, not {}", min_lr));
  if (!positive(max_lr)) throw UsageError(fmt::format("--max-lr must be a positive number, not {}", max_lr));
  if (min_lr >= max_lr)
    throw UsageError(fmt::format("--min-lr ({}) must be smaller than --max-lr ({})", min_lr, max_lr));
  for (const double rate : c.grid.rates)
    if (!positive(rate)) throw UsageError(fmt::format("--rates: every rate must be a positive number, not {}", rate));
  if (c.check && !positive(c.check->lr))
    throw UsageError(fmt::format("--lr must be a positive number, not {}", c.check->lr));
  if (c.check && (!(c.check->tolerance >= 1.0) || !std::isfinite(c.check->tolerance)))
    throw UsageError(fmt::format("--tolerance must be a factor of at least 1, not {}", c.check->tolerance));
}

void validate_data(const RunConfig& c) {
  if (!io::encoding_named(c.data.encoding)) {
    const std::string near =
        nearest_name(c.data.encoding, {io::kEncodingNames.begin(), io::kEncodingNames.end()});
    throw UsageError(fmt::format("--encoding must be utf-8, latin1 or cp1252, not '{}'{}", c.data.encoding,
                                 near.empty() ? "" : fmt::format("; did you mean '{}'?", near)));
  }
  if (!c.data.scaling.empty() && !parse_scaling(c.data.scaling))
    throw UsageError(fmt::format("--scaling must be zscore, scale or none, not '{}'", c.data.scaling));
  if (!c.data.standardize && !c.data.scaling.empty() && c.data.scaling != "none")
    throw UsageError(fmt::format("--no-standardize means --scaling none; it cannot go with --scaling {}", c.data.scaling));
  if (!input_format_named(c.data.input_format))
    throw UsageError(fmt::format("--input-format must be csv or svmlight (also spelt libsvm), not '{}'",
                                 c.data.input_format));
  if (c.data.features < 0) throw UsageError(fmt::format("--features must be 0 or more, not {}", c.data.features));
}

void validate_training(const RunConfig& c, const Registries& registries) {
  if (c.range.steps < 1) throw UsageError("--steps must be at least 1");
  if (c.training.epochs < 1) throw UsageError("--epochs must be at least 1");
  if (c.grid.points < 1) throw UsageError("--grid-points must be at least 1");
  if (c.training.batch_size < 0) throw UsageError("--batch-size must be 0 (all rows) or positive");
  if (!(c.range.smoothing >= 0.0 && c.range.smoothing < 1.0))
    throw UsageError(fmt::format("--smoothing must be in [0, 1), not {}", c.range.smoothing));
  if (!(c.range.stop_factor > 1.0) || !std::isfinite(c.range.stop_factor))
    throw UsageError(fmt::format("--stop-factor must be a number above 1, not {}", c.range.stop_factor));
  const double l2 = effective_l2(c, registries);
  if (!(l2 >= 0.0) || !std::isfinite(l2)) throw UsageError(fmt::format("--l2 must be 0 or positive, not {}", l2));
  if (!(c.training.power_t >= 0.0) || !std::isfinite(c.training.power_t))
    throw UsageError(fmt::format("--power-t must be 0 or positive, not {}", c.training.power_t));
  if (c.training.power_t != TrainingSettings{}.power_t && c.training.schedule != "invscaling")
    throw UsageError(fmt::format("--power-t is the invscaling schedule's exponent, and --schedule is {}; give "
                                 "--schedule invscaling",
                                 c.training.schedule));
  if (c.training.optimizer == "sparse_adam" && l2 > 0.0)
    throw UsageError(fmt::format("sparse_adam takes no L2 term (as torch.optim.SparseAdam); {} {}: give --l2 0",
                                 c.training.l2 ? "--l2 is" : fmt::format("the {} model's default l2 is", c.training.model),
                                 l2));
  const double validation = effective_validation(c, registries);
  if (!(validation >= 0.0 && validation < 1.0))
    throw UsageError(fmt::format("--validation must be in [0, 1), not {}", validation));
  if (effective_repeats(c, registries) < 1) throw UsageError("--repeats must be at least 1");
  if (c.method == "auto" && c.validation && *c.validation <= 0.0)
    throw UsageError("--validation 0 leaves auto no rows to score rates on; give a fraction, or --folds K");
  if (c.folds < 0 || c.folds == 1)
    throw UsageError("--folds must be 0 (choose), or at least 2; a single hold-out is --folds 0 on large data");
  if (c.data.sample && *c.data.sample < 2) throw UsageError("--sample must be at least 2 rows");
}

// Limits that keep a typo from exhausting memory or time.
void validate_limits(const RunConfig& c, const Registries& registries) {
  if (c.range.steps > 1'000'000) throw UsageError("--steps must be at most 1000000");
  if (c.grid.points > 10'000) throw UsageError("--grid-points must be at most 10000");
  if (c.grid.rates.size() > 10'000) throw UsageError("--rates takes at most 10000 rates");
  if (c.training.epochs > 100'000) throw UsageError("--epochs must be at most 100000");
  if (effective_repeats(c, registries) > 100) throw UsageError("--repeats must be at most 100");
  if (c.folds > 100) throw UsageError("--folds must be at most 100");
  if (c.threads > 1024) throw UsageError("--threads must be at most 1024");
}

}  // namespace

void validate(const RunConfig& config, const Registries& registries) {
  // Unknown names first: they throw, naming the choices.
  registries.models.at(config.training.model);
  registries.methods.at(config.method);
  registries.optimizers.at(config.training.optimizer);
  registries.schedules.at(config.training.schedule);
  parse_sweep_kind(config.range.sweep);
  validate_rates(config);
  validate_data(config);
  validate_training(config, registries);
  validate_limits(config, registries);
}

}  // namespace lrfind
