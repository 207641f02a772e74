// --method grid: a fresh model per rate, trained for the budget; the rate
// with the lowest final validation (or training) loss.
#include <algorithm>
#include <fmt/format.h>

#include "pipeline/method.hpp"
#include "pipeline/run.hpp"
#include "recommend/grid.hpp"
#include "search/cost.hpp"
#include "lrfind/error.hpp"
#include "lrfind/stop.hpp"

namespace lrfind {

namespace {

MethodOutcome run(const Problem& p, const Hooks& hooks) {
  const RunConfig& c = p.config;
  GridConfig config;
  config.rates = c.grid.rates.empty() ? log_spaced(effective_min_lr(c), effective_max_lr(c), c.grid.points) : c.grid.rates;
  config.epochs = c.training.epochs;
  config.batch_size = c.training.batch_size;
  config.schedule = &p.schedule;
  config.schedule_options.power_t = c.training.power_t;
  config.threads = c.threads;
  MethodOutcome outcome;
  outcome.steps_per_epoch = batches_per_epoch(c.training.batch_size, p.train_rows.size());
  GridOutcome out;
  const Rng before = p.rng;  // the rate under check sees the same batches
  // Progress: the grid, then the rate under check alone, by their estimated times (search/cost.hpp).
  const std::size_t train = p.train_rows.size(), validation = p.validation_rows.size();
  const auto grid_cost = [&](std::size_t rates) {
    return grid_time(rates, config.epochs, train, validation, config.threads);
  };
  ProgressPlan progress(hooks.progress, grid_cost(config.rates.size()) + (c.check ? grid_cost(1) : 0.0));
  if (hooks.units)  // lr-find plan, shard or merge: a unit per stack of rates
    out.rates = run_grid_round(*hooks.units, "grid", nullptr, p.model, p.optimizer, p.X, p.y, p.train_rows,
                               p.validation_rows, config, p.rng, hooks.stop, progress.next(grid_cost(config.rates.size())));
  else
    out.rates = run_grid(p.model, p.optimizer, p.X, p.y, p.train_rows, p.validation_rows, config, p.rng, hooks.stop,
                         progress.next(grid_cost(config.rates.size())));
  outcome.interrupted =
      std::any_of(out.rates.begin(), out.rates.end(), [](const GridRateResult& g) { return g.interrupted; });
  if (std::all_of(out.rates.begin(), out.rates.end(), [](const GridRateResult& g) { return g.train_loss.empty(); }))
    throw_if_stopped(hooks.stop, "before the first epoch ended");
  const Params zero = p.model.initial_params();
  out.untrained_train_loss = mean_loss(p.model, p.X, p.y, p.train_rows, zero, true);
  if (!p.validation_rows.empty()) out.untrained_val_loss = mean_loss(p.model, p.X, p.y, p.validation_rows, zero, false);
  const bool validated = !p.validation_rows.empty();
  const double untrained = out.untrained_val_loss.value_or(out.untrained_train_loss);
  outcome.recommendation = recommend_grid(out.rates, validated, untrained, p.band);
  if (c.check && !outcome.interrupted) {
    // One split and one repeat: the rate's own training with the grid's batches.
    GridConfig alone = config;
    alone.rates = {c.check->lr};
    Rng same = before;
    // Counted here, so that the part keeps its own stage (run_grid counts a grid's work the same way).
    const Progress check_part = progress.next(progress.remaining(), "check: training the rate under check")
                                    .counting(grid_work(1, config.epochs, train, validation));
    const std::vector<GridRateResult> checked =
        hooks.units ? run_grid_round(*hooks.units, "check", nullptr, p.model, p.optimizer, p.X, p.y, p.train_rows,
                                     p.validation_rows, alone, same, hooks.stop, check_part)
                    : run_grid(p.model, p.optimizer, p.X, p.y, p.train_rows, p.validation_rows, alone, same,
                               hooks.stop, check_part);
    outcome.interrupted = checked.front().interrupted;
    if (!outcome.interrupted)
      outcome.check = CheckMeasure{grid_scores(checked, validated, untrained).front(), {untrained},
                                   reference(grid_scores(out.rates, validated, untrained), untrained, {untrained}, p.band)};
  }
  if (outcome.interrupted) {
    // The best rate after fewer epochs than asked for favours fast starters,
    // not what trains best on the budget: no recommendation.
    std::size_t epochs_done = 0;
    for (const GridRateResult& g : out.rates)
      if (g.interrupted) epochs_done = g.train_loss.size();
    Recommendation none;
    none.rule = outcome.recommendation.rule;
    outcome.recommendation = std::move(none);
    outcome.recommendation.reason = fmt::format(
        "interrupted before the grid finished ({} of {} epochs trained); rerun with fewer --epochs or rates",
        epochs_done, c.training.epochs);
  }
  outcome.detail = std::move(out);
  return outcome;
}

}  // namespace

MethodEntry grid_method() {
  MethodEntry e;
  e.name = "grid";
  e.help = "grid (train each rate for --epochs)";
  e.default_validation = 0.2;
  e.default_repeats = 1;
  e.holds_out_validation = true;
  e.unused_options = {"--steps", "--sweep", "--smoothing", "--stop-factor", "--folds", "--repeats"};
  e.run = run;
  return e;
}

}  // namespace lrfind
