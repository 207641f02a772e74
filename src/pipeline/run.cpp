#include "lrfind/run.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "load/loader.hpp"
#include "lrfind/error.hpp"
#include "common/interrupt.hpp"
#include "train/model_kind.hpp"
#include "train/optimizer.hpp"
#include "train/schedule.hpp"

namespace lrfind {

Method parse_method(std::string_view name) {
  if (name == "auto") return Method::kAuto;
  if (name == "range") return Method::kRange;
  if (name == "grid") return Method::kGrid;
  throw UsageError(fmt::format("unknown method '{}' (choose auto, range or grid)", name));
}

std::string_view to_string(Method method) {
  switch (method) {
    case Method::kAuto: return "auto";
    case Method::kRange: return "range";
    case Method::kGrid: return "grid";
  }
  return "auto";
}

int effective_repeats(const RunConfig& config) {
  return config.repeats.value_or(config.method == Method::kGrid ? 1 : 3);
}

const ModelKindEntry& model_kind(const RunConfig& config) {
  static const Registry<ModelKindEntry> kinds = builtin_model_kinds();
  return kinds.at(config.model);
}

const OptimizerEntry& optimizer_entry(const RunConfig& config) {
  static const Registry<OptimizerEntry> optimizers = builtin_optimizers();
  return optimizers.at(config.optimizer);
}

double effective_l2(const RunConfig& config) { return config.l2.value_or(model_kind(config).default_l2); }

double effective_validation(const RunConfig& config) {
  return config.validation.value_or(config.method == Method::kRange ? 0.0 : 0.2);
}

void validate(const RunConfig& config) {
  model_kind(config);  // throws for an unknown name
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
  if (effective_repeats(config) < 1) throw UsageError("--repeats must be at least 1");
  if (config.check_lr && !positive(*config.check_lr))
    throw UsageError(fmt::format("--lr must be a positive number, not {}", *config.check_lr));
  // Limits that keep a typo from exhausting memory or time.
  if (config.steps > 1'000'000) throw UsageError("--steps must be at most 1000000");
  if (config.grid_points > 10'000) throw UsageError("--grid-points must be at most 10000");
  if (config.rates.size() > 10'000) throw UsageError("--rates takes at most 10000 rates");
  if (config.epochs > 100'000) throw UsageError("--epochs must be at most 100000");
  if (effective_repeats(config) > 100) throw UsageError("--repeats must be at most 100");
  if (config.folds > 100) throw UsageError("--folds must be at most 100");
  if (config.method == Method::kAuto && config.validation && *config.validation <= 0.0)
    throw UsageError("--validation 0 leaves auto no rows to score rates on; give a fraction, or --folds K");
  if (!(config.tolerance >= 1.0) || !std::isfinite(config.tolerance))
    throw UsageError(fmt::format("--tolerance must be a factor of at least 1, not {}", config.tolerance));
  if (config.sample && *config.sample < 2) throw UsageError("--sample must be at least 2 rows");
  if (config.threads > 1024) throw UsageError("--threads must be at most 1024");
  if (config.folds < 0 || config.folds == 1)
    throw UsageError("--folds must be 0 (choose), or at least 2; a single hold-out is --folds 0 on large data");
  optimizer_entry(config);  // throws for an unknown name
  schedule_named(config.schedule);
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
  rec.rule = "minimum_div_10";
  if (lrs.empty()) {
    rec.reason = "the loss was not finite from the first step; try a smaller --min-lr";
    return rec;
  }
  // A test that blew up before its first tenth (where the suggestions start
  // reading) never saw a working rate: every rate tried was too high.
  if (range.stop_reason != StopReason::kCompleted &&
      range.points.size() <= static_cast<std::size_t>(std::max(2, planned_steps / 10))) {
    rec.reason = fmt::format("the loss blew up within the first {} steps, at lr {:.3g}; try a smaller --min-lr",
                             range.points.size(), range.points.back().lr);
    return rec;
  }
  const Window w = suggestion_window(lrs.size(), planned_steps);
  const std::span<const double> wl(lrs.data() + w.begin, w.end - w.begin);
  const std::span<const double> ws(smoothed.data() + w.begin, w.end - w.begin);
  static const Registry<RuleEntry> rules = builtin_rules();
  for (const RuleEntry& rule : rules) {
    if (std::optional<Suggestion> s = rule.suggest(wl, ws)) {
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
// Range test repeated with different seeds: the median of each rule across
// repeats, and the spread of the recommended rule as the interval.
Recommendation recommend_range_repeats(const std::vector<RangeTestResult>& runs, int planned_steps) {
  std::vector<Recommendation> each;
  for (const RangeTestResult& r : runs) each.push_back(recommend_range(r, planned_steps));
  Recommendation rec = each.front();
  if (each.size() == 1) return rec;
  for (const Recommendation& e : each)
    if (e.lr) {
      rec = e;  // suggestions' names from a repeat that has them
      break;
    }
  std::vector<double> chosen;
  for (const Recommendation& e : each)
    if (e.lr) chosen.push_back(*e.lr);
  if (chosen.empty()) return rec;
  rec.lr = median_rate(chosen);
  rec.reason.clear();
  const auto [lo, hi] = std::minmax_element(chosen.begin(), chosen.end());
  rec.interval = std::make_pair(*lo, *hi);
  for (Suggestion& s : rec.suggestions) {
    std::vector<double> values;
    for (const Recommendation& e : each)
      for (const Suggestion& t : e.suggestions)
        if (t.rule == s.rule) values.push_back(t.lr);
    s.lr = median_rate(values);
  }
  if (chosen.size() < each.size()) {
    rec.confidence = "low";
    rec.confidence_reason = "some repeats found no usable rate";
  } else {
    const Confidence c = spread_confidence(*lo, *hi);
    rec.confidence = c.level;
    rec.confidence_reason = c.reason;
  }
  return rec;
}

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

namespace {

LoadOptions load_options(const RunConfig& config) {
  LoadOptions options;
  options.delimiter = config.delimiter;
  options.columns = config.columns;
  options.kind = model_kind(config).target;
  options.threads = config.threads;
  options.sample = config.sample;
  options.seed = config.seed;
  return options;
}

}  // namespace

RunResult run_on_bytes(const RunConfig& config, std::string_view bytes, const std::string& source,
                       const MessageSink& warn, const ProgressFn& progress) {
  validate(config);
  return run_on_dataset(config, load_dataset_from_bytes(bytes, source, load_options(config)), source, warn, progress);
}

RunResult run_on_dataset(const RunConfig& config, Dataset dataset, const std::string& source, const MessageSink& warn,
                         const ProgressFn& progress) {
  validate(config);
  RunResult result;
  result.config = config;
  result.source = source;
  result.dataset = std::move(dataset);
  Dataset& data = result.dataset;
  if (data.sampled && warn)
    warn(fmt::format("sampled {} of {} rows (--sample, seed {})", data.rows_sampled, data.rows_read, config.seed));
  if (data.rows_dropped > 0 && warn)
    warn(fmt::format("dropped {} of {} rows with a missing value in a used column", data.rows_dropped,
                     data.rows_sampled));

  // One generator for the split; each training run gets its own seeded stream.
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
  // Auto cross-validates over every row, so it standardises on all of them.
  if (config.standardize) standardize(data.features, train_rows);

  const double l2 = effective_l2(config);
  const ModelKindEntry& kind = model_kind(config);
  const std::unique_ptr<Model> model =
      std::make_unique<Model>(make_model(kind, data.features.cols(), data.classes.size(), l2));
  result.outputs = model->outputs();
  result.loss_name = model->loss_name();
  const OptimizerEntry& optimizer_kind = optimizer_entry(config);
  const std::unique_ptr<Optimizer> optimizer = optimizer_kind.make();
  result.optimizer_hyperparameters = optimizer->hyperparameters();
  result.theory =
      estimate_theory(kind.curvature(data.classes.size()), l2, data.features, train_rows, config.batch_size);

  RangeTestConfig rc;
  rc.min_lr = config.min_lr;
  rc.max_lr = config.max_lr;
  rc.steps = config.steps;
  rc.sweep = config.sweep;
  rc.smoothing = config.smoothing;
  rc.stop_factor = config.stop_factor;
  rc.batch_size = config.batch_size;
  const int repeats = effective_repeats(config);
  for (int r = 0; r < repeats; ++r) result.repeat_seeds.push_back(config.seed + static_cast<std::uint64_t>(r));

  const auto batches_per_epoch = [&](std::size_t rows) {
    const std::size_t b = config.batch_size > 0 ? std::min<std::size_t>(static_cast<std::size_t>(config.batch_size), rows) : rows;
    return static_cast<long>((rows + b - 1) / b);
  };

  if (config.method == Method::kRange) {
    for (const std::uint64_t seed : result.repeat_seeds) {
      if (progress)
        progress(static_cast<double>(result.range_repeats.size()) / static_cast<double>(repeats), "range test");
      Rng stream(seed);
      result.range_repeats.push_back(
          run_range_test(*model, *optimizer, data.features, data.targets, train_rows, rc, stream));
      if (result.range_repeats.back().stop_reason == StopReason::kInterrupted) break;
    }
    result.interrupted = result.range_repeats.back().stop_reason == StopReason::kInterrupted;
    if (result.range_repeats.front().points.empty()) throw_if_stop_requested("before the first training step");
    result.range = result.range_repeats.front();
    if (!result.interrupted) {
      result.recommendation = recommend_range_repeats(result.range_repeats, config.steps);
    } else {
      // The repeats that finished stand; the cut one only saw the low end of the sweep.
      const std::vector<RangeTestResult> finished(result.range_repeats.begin(), result.range_repeats.end() - 1);
      if (finished.empty()) {
        result.recommendation.rule = "minimum_div_10";
        result.recommendation.reason =
            fmt::format("interrupted before the range test finished ({} of {} steps)",
                        result.range_repeats.back().points.size(), config.steps);
      } else {
        result.recommendation = recommend_range_repeats(finished, config.steps);
        if (result.recommendation.lr) {
          result.recommendation.confidence = "low";
          result.recommendation.confidence_reason =
              fmt::format("interrupted: {} of {} repeats finished", finished.size(), repeats);
        }
      }
    }
  } else if (config.method == Method::kAuto) {
    AutoConfig ac;
    ac.min_lr = config.min_lr;
    ac.max_lr = config.max_lr;
    ac.repeats = repeats;
    ac.folds = config.folds;
    ac.holdout = fraction;
    ac.budget.epochs = config.epochs;
    ac.budget.batch_size = config.batch_size;
    ac.budget.schedule = &schedule_named(config.schedule);
    ac.range = rc;
    ac.seed = config.seed;
    ac.check_lr = config.check_lr;
    ac.threads = config.threads;
    result.automatic = run_auto(*model, optimizer_kind, data.features, data.targets, train_rows, ac, progress);
    const AutoResult& a = *result.automatic;
    result.interrupted = !a.interrupted_during.empty();
    if (a.range_tests.front().points.empty()) throw_if_stop_requested("before the first training step");
    result.range = a.range_tests.front();
    // The schedule's step count is that of one training split, as trained.
    result.steps_per_epoch = batches_per_epoch(a.split_train_rows);
    if (a.folds < 2) {  // one hold-out split: report its sizes (with folds, every row trains in some fold)
      result.validation_rows = a.split_validation_rows;
      result.train_rows = a.split_train_rows;
    }
    Recommendation rec;
    rec.rule = "cross_validated_search";
    rec.lr = a.lr;
    rec.reason = a.reason;
    if (a.lr) rec.interval = std::make_pair(a.interval_low, a.interval_high);
    rec.confidence = a.confidence;
    rec.confidence_reason = a.confidence_reason;
    if (a.range_tests.front().stop_reason != StopReason::kInterrupted)  // a cut curve only saw low rates
      rec.suggestions = recommend_range(a.range_tests.front(), config.steps).suggestions;
    result.recommendation = rec;
  } else {
    GridConfig gc;
    gc.rates = config.rates.empty() ? log_spaced(config.min_lr, config.max_lr, config.grid_points) : config.rates;
    gc.epochs = config.epochs;
    gc.batch_size = config.batch_size;
    gc.schedule = &schedule_named(config.schedule);
    gc.threads = config.threads;
    result.steps_per_epoch = batches_per_epoch(train_rows.size());
    result.grid =
        run_grid(*model, optimizer_kind, data.features, data.targets, train_rows, validation_rows, gc, rng, progress);
    result.interrupted = std::any_of(result.grid.begin(), result.grid.end(),
                                     [](const GridRateResult& g) { return g.interrupted; });
    if (std::all_of(result.grid.begin(), result.grid.end(), [](const GridRateResult& g) { return g.train_loss.empty(); }))
      throw_if_stop_requested("before the first epoch ended");
    const Params untrained = model->initial_params();
    result.untrained_train_loss = mean_loss(*model, data.features, data.targets, train_rows, untrained, true);
    if (!validation_rows.empty())
      result.untrained_val_loss = mean_loss(*model, data.features, data.targets, validation_rows, untrained, false);
    result.recommendation = recommend_grid(result.grid, !validation_rows.empty(),
                                           validation_rows.empty() ? result.untrained_train_loss
                                                                   : *result.untrained_val_loss);
    if (result.interrupted) {
      // The best rate after fewer epochs than asked for favours fast starters,
      // not what trains best on the budget: no recommendation.
      std::size_t epochs_done = 0;
      for (const GridRateResult& g : result.grid)
        if (g.interrupted) epochs_done = g.train_loss.size();
      result.recommendation.lr.reset();
      result.recommendation.reason = fmt::format(
          "interrupted before the grid finished ({} of {} epochs trained); rerun with fewer --epochs or rates",
          epochs_done, config.epochs);
    }
  }
  if (config.check_lr) result.check = check_rate(result, *config.check_lr, config.tolerance);
  return result;
}

CheckResult check_rate(const RunResult& result, double lr, double tolerance) {
  CheckResult c;
  c.lr = lr;
  c.tolerance = tolerance;
  const Recommendation& rec = result.recommendation;
  if (!rec.lr) {
    c.verdict = "no_recommendation";
    c.message = fmt::format("cannot check {:.4g}: no usable rate was found ({})", lr, rec.reason);
    return c;
  }
  // Grid runs have no interval: the recommended rate alone, widened by the tolerance.
  const std::pair<double, double> base = rec.interval.value_or(std::make_pair(*rec.lr, *rec.lr));
  c.interval = std::make_pair(base.first / tolerance, base.second * tolerance);
  const auto [low, high] = *c.interval;
  const std::string where = fmt::format("the recommended interval [{:.3g}, {:.3g}] (recommended {:.3g})", low, high, *rec.lr);

  bool diverged = false;
  bool near_best = false;
  double untrained = 0.0;
  if (result.automatic && result.automatic->checked) {
    const CvObjective::Score& s = *result.automatic->checked;
    diverged = s.diverged;
    const double v0 = result.automatic->untrained_loss;
    untrained = v0;
    double best = v0;
    for (const CvObjective::Score& k : result.automatic->candidates) best = std::min(best, k.val_loss);
    if (std::isfinite(s.val_loss)) {
      c.val_loss = s.val_loss;
      c.regret = v0 > best ? std::max(0.0, (s.val_loss - best) / (v0 - best)) : 0.0;
      near_best = *c.regret <= AutoConfig::kIntervalTolerance;
    }
  }
  // 2/L is the exact divergence point only for least squares with full-batch
  // SGD; for the logistic losses it comes from a curvature bound and is loose.
  const bool above_stable = result.theory && model_kind(result.config).quadratic &&
                            optimizer_entry(result.config).plain_gradient && result.config.batch_size == 0 && lr > high &&
                            lr > result.theory->max_stable_lr_full_batch;
  if (lr >= low && lr <= high) {
    c.verdict = "pass";
    c.message = fmt::format("{:.4g} is inside {}", lr, where);
  } else if (near_best && !diverged) {
    // The interval is read off the scored rates; a rate measured as near-best is inside it in truth.
    c.verdict = "pass";
    c.message = fmt::format("{:.4g} is outside {} but its own cross-validated loss is near-best (regret {:.3f})", lr,
                            where, *c.regret);
  } else if (diverged || above_stable || (c.regret && *c.regret > 1.0 && lr > high)) {
    // Diverging, or ending worse than the untrained model: unstable either way.
    c.verdict = "unstable";
    c.factor = lr / high;
    const std::string how =
        diverged       ? std::string("training diverges")
        : above_stable ? std::string("it exceeds the full-batch stability bound 2/L")
                       : fmt::format("its cross-validated loss ends {:.3g}x the untrained model's", *c.val_loss / untrained);
    c.message = fmt::format("{:.4g} is unstable: {}; {:.3g}x above {}", lr, how, *c.factor, where);
    c.regret.reset();  // already said
  } else if (lr > high) {
    c.verdict = "too_high";
    c.factor = lr / high;
    c.message = fmt::format("{:.4g} is too high: {:.3g}x above {}", lr, *c.factor, where);
  } else {
    c.verdict = "too_low";
    c.factor = low / lr;
    c.message = fmt::format("{:.4g} is too low: {:.3g}x below {}", lr, *c.factor, where);
  }
  if (c.regret && c.verdict != "pass")
    c.message += fmt::format("; its cross-validated loss is {:.0f}% of the way back to the untrained model's",
                             100.0 * *c.regret);
  return c;
}

RunResult run(const RunConfig& config, const MessageSink& warn, const ProgressFn& progress) {
  validate(config);
  const std::string source = config.input == "-" ? "<stdin>" : config.input;
  LoadOptions options = load_options(config);
  options.progress = progress;
  if (progress) progress(0.0, "reading");
  return run_on_dataset(config, load_dataset(config.input, options), source, warn, progress);
}

std::string summary_line(const RunResult& result) {
  const RunConfig& c = result.config;
  const std::string what = fmt::format("{} {} on {} rows x {} features", c.model, c.optimizer,
                                       result.dataset.rows(), result.dataset.features.cols());
  std::string how;
  if (result.automatic) {
    const AutoResult& a = *result.automatic;
    how = fmt::format("auto: {} rates x {} epochs, {} x {}, confidence {}", a.candidates.size(), c.epochs,
                      a.folds >= 2 ? fmt::format("{}-fold", a.folds) : std::string("hold-out"),
                      fmt::format("{} repeat{}", a.seeds.size(), a.seeds.size() == 1 ? "" : "s"), a.confidence);
    if (!a.confidence_reason.empty() && a.lr) how += fmt::format(" ({})", a.confidence_reason);
  } else if (result.range) {
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
  const std::string interval =
      rec.interval ? fmt::format(" in [{:.3g}, {:.3g}]", rec.interval->first, rec.interval->second) : std::string();
  return fmt::format("recommended lr {:.3g}{} by {} ({}; {})", *rec.lr, interval, rec.rule, what, how);
}

}  // namespace lrfind
