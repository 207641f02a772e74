#include "lrfind/run.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "lrfind/csv.hpp"
#include "lrfind/error.hpp"
#include "lrfind/optimizer.hpp"
#include "lrfind/schedule.hpp"

namespace lrfind {

Method parse_method(std::string_view name) {
  if (name == "range") return Method::kRange;
  if (name == "grid") return Method::kGrid;
  throw UsageError(fmt::format("unknown method '{}' (choose range or grid)", name));
}

std::string_view to_string(Method method) { return method == Method::kRange ? "range" : "grid"; }

double effective_l2(const RunConfig& config) { return config.l2.value_or(default_l2(config.model)); }

double effective_validation(const RunConfig& config) {
  return config.validation.value_or(config.method == Method::kGrid ? 0.2 : 0.0);
}

void validate(const RunConfig& config) {
  const auto positive = [](double v) { return std::isfinite(v) && v > 0.0; };
  if (!positive(config.min_lr)) throw UsageError(fmt::format("--min-lr must be a positive number, not {}", config.min_lr));
  if (!positive(config.max_lr)) throw UsageError(fmt::format("--max-lr must be a positive number, not {}", config.max_lr));
  if (config.min_lr >= config.max_lr)
    throw UsageError(fmt::format("--min-lr ({}) must be smaller than --max-lr ({})", config.min_lr, config.max_lr));
  if (config.steps < 1) throw UsageError("--steps must be at least 1");
  if (config.epochs < 1) throw UsageError("--epochs must be at least 1");
  if (config.grid_points < 1) throw UsageError("--grid-points must be at least 1");
  if (config.batch_size < 0) throw UsageError("--batch-size must be 0 (all rows) or positive");
  for (const double rate : config.rates)
    if (!positive(rate)) throw UsageError(fmt::format("--rates: every rate must be a positive number, not {}", rate));
  if (!(config.smoothing >= 0.0 && config.smoothing < 1.0))
    throw UsageError(fmt::format("--smoothing must be in [0, 1), not {}", config.smoothing));
  if (!(config.stop_factor > 1.0) || !std::isfinite(config.stop_factor))
    throw UsageError(fmt::format("--stop-factor must be a number above 1, not {}", config.stop_factor));
  const double l2 = effective_l2(config);
  if (!(l2 >= 0.0) || !std::isfinite(l2)) throw UsageError(fmt::format("--l2 must be 0 or positive, not {}", l2));
  const double validation = effective_validation(config);
  if (!(validation >= 0.0 && validation < 1.0))
    throw UsageError(fmt::format("--validation must be in [0, 1), not {}", validation));
  make_optimizer(config.optimizer);  // throws for an unknown name
}

namespace {

Recommendation recommend_range(const RangeTestResult& range, int planned_steps) {
  Recommendation rec;
  std::vector<double> lrs;
  std::vector<double> smoothed;
  for (const RangePoint& p : range.points) {
    if (!std::isfinite(p.loss) || !std::isfinite(p.smoothed_loss)) break;
    lrs.push_back(p.lr);
    smoothed.push_back(p.smoothed_loss);
  }
  if (lrs.empty()) {
    rec.rule = "minimum_div_10";
    rec.reason = "the loss was not finite from the first step; try a smaller --min-lr";
    return rec;
  }
  const Window w = suggestion_window(lrs.size(), planned_steps);
  const std::span<const double> wl(lrs.data() + w.begin, w.end - w.begin);
  const std::span<const double> ws(smoothed.data() + w.begin, w.end - w.begin);
  for (const auto& rule : {suggest_minimum, suggest_steepest, suggest_valley}) {
    if (std::optional<Suggestion> s = rule(wl, ws)) {
      s->index += w.begin;
      rec.suggestions.push_back(*s);
    }
  }
  // The minimum divided by ten is the most reliable of the classic rules on
  // linear models (issue 3 measures this); the others are reported beside it.
  rec.rule = rec.suggestions.front().rule;
  rec.lr = rec.suggestions.front().lr;
  return rec;
}

// The rate with the lowest final loss, provided it beats the untrained model:
// a rate that ends worse than where it started is not usable, finite or not.
Recommendation recommend_grid(const std::vector<GridRateResult>& grid, bool validated, double untrained) {
  Recommendation rec;
  rec.rule = validated ? "lowest_final_validation_loss" : "lowest_final_training_loss";
  double best = untrained;
  for (const GridRateResult& r : grid) {
    if (r.diverged) continue;
    const std::vector<double>& curve = validated ? r.val_loss : r.train_loss;
    if (curve.empty() || !std::isfinite(curve.back())) continue;
    if (curve.back() < best) {
      best = curve.back();
      rec.lr = r.lr;
    }
  }
  if (!rec.lr) {
    const bool all_diverged =
        std::all_of(grid.begin(), grid.end(), [](const GridRateResult& r) { return r.diverged; });
    rec.reason = all_diverged ? "every rate diverged; try smaller rates"
                              : "no rate ended below the untrained model's loss; try other rates or more epochs";
  }
  return rec;
}

}  // namespace

RunResult run_on_bytes(const RunConfig& config, std::string_view bytes, const std::string& source,
                       const MessageSink& warn) {
  validate(config);
  RunResult result;
  result.config = config;
  result.source = source;
  const CsvTable table = parse_csv(bytes, source, CsvOptions{config.delimiter});
  const TargetKind kind = config.model == ModelKind::kLinear ? TargetKind::kRegression : TargetKind::kClassification;
  result.dataset = make_dataset(table, source, config.columns, kind);
  Dataset& data = result.dataset;
  if (data.rows_dropped > 0 && warn)
    warn(fmt::format("dropped {} of {} rows with a missing value in a used column", data.rows_dropped,
                     data.rows_read));

  // One generator for the whole run: first the split, then the batches.
  Rng rng(config.seed);
  std::vector<Index> order(static_cast<std::size_t>(data.rows()));
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<Index>(i);
  std::vector<Index> train_rows = order;
  std::vector<Index> validation_rows;
  const double fraction = effective_validation(config);
  if (config.method == Method::kGrid && fraction > 0.0) {
    rng.shuffle(order);
    std::size_t held_out = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(order.size())));
    held_out = std::max<std::size_t>(held_out, 1);
    if (held_out >= order.size())
      throw DataError(source, 0,
                      fmt::format("{} rows are too few to hold out a validation fraction of {}; use --validation 0",
                                  order.size(), fraction));
    validation_rows.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(held_out));
    train_rows.assign(order.begin() + static_cast<std::ptrdiff_t>(held_out), order.end());
    std::sort(validation_rows.begin(), validation_rows.end());
    std::sort(train_rows.begin(), train_rows.end());
  }
  result.train_rows = train_rows.size();
  result.validation_rows = validation_rows.size();
  if (config.standardize) standardize(data.features, train_rows);

  const std::unique_ptr<Model> model = make_model(config.model, data.features.cols(), data.classes.size(),
                                                  effective_l2(config));
  result.outputs = model->outputs();
  result.loss_name = model->loss_name();
  const std::unique_ptr<Optimizer> optimizer = make_optimizer(config.optimizer);
  result.optimizer_hyperparameters = optimizer->hyperparameters();

  if (config.method == Method::kRange) {
    RangeTestConfig rc;
    rc.min_lr = config.min_lr;
    rc.max_lr = config.max_lr;
    rc.steps = config.steps;
    rc.sweep = config.sweep;
    rc.smoothing = config.smoothing;
    rc.stop_factor = config.stop_factor;
    rc.batch_size = config.batch_size;
    result.range = run_range_test(*model, *optimizer, data.features, data.targets, train_rows, rc, rng);
    result.recommendation = recommend_range(*result.range, config.steps);
  } else {
    GridConfig gc;
    gc.rates = config.rates.empty() ? log_spaced(config.min_lr, config.max_lr, config.grid_points) : config.rates;
    gc.epochs = config.epochs;
    gc.batch_size = config.batch_size;
    result.grid = run_grid(*model, config.optimizer, data.features, data.targets, train_rows, validation_rows, gc, rng);
    const Params untrained = model->initial_params();
    result.untrained_train_loss = mean_loss(*model, data.features, data.targets, train_rows, untrained, true);
    if (!validation_rows.empty())
      result.untrained_val_loss = mean_loss(*model, data.features, data.targets, validation_rows, untrained, false);
    result.recommendation = recommend_grid(result.grid, !validation_rows.empty(),
                                           validation_rows.empty() ? result.untrained_train_loss
                                                                   : *result.untrained_val_loss);
  }
  return result;
}

RunResult run(const RunConfig& config, const MessageSink& warn) {
  validate(config);
  const std::string source = config.input == "-" ? "<stdin>" : config.input;
  const std::string bytes = read_input(config.input);
  return run_on_bytes(config, bytes, source, warn);
}

std::string summary_line(const RunResult& result) {
  const RunConfig& c = result.config;
  const std::string what = fmt::format("{} {} on {} rows x {} features", to_string(c.model), c.optimizer,
                                       result.dataset.rows(), result.dataset.features.cols());
  std::string how;
  if (result.range) {
    const RangeTestResult& r = *result.range;
    how = fmt::format("range test, {} of {} steps", r.points.size(), c.steps);
    if (r.stop_reason == StopReason::kLossDiverged)
      how += fmt::format(", stopped when the smoothed loss passed {}x its minimum", c.stop_factor);
    else if (r.stop_reason == StopReason::kNonFiniteLoss)
      how += ", stopped when the loss was no longer finite";
  } else {
    const auto diverged = std::count_if(result.grid.begin(), result.grid.end(),
                                        [](const GridRateResult& g) { return g.diverged; });
    how = fmt::format("grid of {} rates x {} epochs, {} diverged", result.grid.size(), c.epochs, diverged);
  }
  const Recommendation& rec = result.recommendation;
  if (!rec.lr) return fmt::format("no usable learning rate: {} ({}; {})", rec.reason, what, how);
  return fmt::format("recommended lr {:.3g} by {} ({}; {})", *rec.lr, rec.rule, what, how);
}

}  // namespace lrfind
