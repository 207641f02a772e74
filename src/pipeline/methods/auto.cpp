// --method auto (the default): range tests bracket the useful rates, then
// candidates are trained for the budget and scored by cross-validated loss.
#include "pipeline/method.hpp"
#include "pipeline/run.hpp"
#include "recommend/range.hpp"

namespace lrfind {

namespace {

MethodOutcome run(const Problem& p, const Hooks& hooks) {
  const RunConfig& c = p.config;
  AutoConfig config;
  config.min_lr = effective_min_lr(c);
  config.max_lr = effective_max_lr(c);
  config.min_given = c.min_lr.has_value();
  config.max_given = c.max_lr.has_value();
  config.repeats = p.repeats;
  config.folds = c.folds;
  config.holdout = c.validation.value_or(0.2);
  config.budget.epochs = c.training.epochs;
  config.budget.batch_size = c.training.batch_size;
  config.budget.schedule = &p.schedule;
  config.budget.schedule_options.power_t = c.training.power_t;
  config.range = RangeTestConfig{c.range, config.min_lr, config.max_lr, c.training.batch_size};
  config.seed = c.seed;
  config.units = hooks.units;
  if (c.check) config.check_lr = c.check->lr;
  config.threads = c.threads;
  AutoOutcome out;
  config.groups = p.groups;
  out.search = run_auto(p.model, p.optimizer, p.X, p.y, p.train_rows, config, hooks.stop, hooks.progress);
  const AutoSearch& s = out.search;
  out.verdict = recommend_auto(s, p.band);
  MethodOutcome outcome;
  outcome.interrupted = s.interrupted_during.has_value();
  if (s.range_tests.front().points.empty()) throw_if_stopped(hooks.stop, "before the first training step");
  // The schedule's step count is that of one training split, as trained.
  outcome.steps_per_epoch = batches_per_epoch(c.training.batch_size, s.split_train_rows);
  if (s.folds < 2) outcome.split_rows = std::make_pair(s.split_train_rows, s.split_validation_rows);
  Recommendation& rec = outcome.recommendation;
  rec.rule = "cross_validated_search";
  rec.lr = out.verdict.lr;
  rec.reason = out.verdict.reason;
  rec.interval = out.verdict.interval;
  rec.confidence = out.verdict.confidence;
  rec.confidence_reason = out.verdict.confidence_reason;
  rec.margin_to_instability = out.verdict.margin_to_instability;
  rec.warnings = out.verdict.warnings;
  rec.band_basis = band_basis(s.untrained_by_run.size(), p.band);
  rec.band = p.band;
  if (s.checked) outcome.check = CheckMeasure{*s.checked, s.untrained_by_run, out.verdict.reference};
  if (s.range_tests.front().stop_reason != StopReason::kInterrupted)  // a cut curve only saw low rates
    rec.suggestions = recommend_range(s.range_tests.front(), c.range.steps, p.rules).suggestions;
  outcome.detail = std::move(out);
  return outcome;
}

}  // namespace

MethodEntry auto_method() {
  MethodEntry e;
  e.name = "auto";
  e.help = "auto (range test, then cross-validated search for your budget)";
  e.default_validation = 0.2;
  e.default_repeats = 3;
  e.default_repeats_for = default_auto_repeats;
  e.unused_options = {"--rates", "--grid-points"};
  e.run = run;
  return e;
}

}  // namespace lrfind
