// --method range: the LR range test, repeated with seeds seed, seed+1, ...;
// the recommendation is the median of the repeats' minimum_div_10.
#include <fmt/format.h>

#include "pipeline/method.hpp"
#include "pipeline/run.hpp"
#include "recommend/range.hpp"
#include "search/cv_objective.hpp"

namespace lrfind {

namespace {

// A cut sweep only saw the low rates: the repeats that finished stand.
Recommendation recommend_interrupted(const Problem& p, const RangeOutcome& out) {
  const std::vector<RangeTestResult> finished(out.repeats.begin(), out.repeats.end() - 1);
  Recommendation rec;
  if (finished.empty()) {
    rec.rule = p.rules.begin()->name;
    rec.reason = fmt::format("interrupted before the range test finished ({} of {} steps)",
                             out.repeats.back().points.size(), p.config.range.steps);
    return rec;
  }
  rec = recommend_range_repeats(finished, p.config.range.steps, p.rules);
  if (rec.lr) {
    rec.confidence = Confidence::kLow;
    rec.confidence_reason = fmt::format("interrupted: {} of {} repeats finished", finished.size(), p.repeats);
  }
  return rec;
}

// lr-find check after a range test, which trains no rate for the budget: the
// recommended rate, the other suggestions and the rate under check are trained
// for the budget on cross-validation folds (as auto's, one set per repeat),
// and the check rate is judged against the best of the others.
std::optional<CheckMeasure> measure_check(const Problem& p, const Hooks& hooks, const RangeOutcome& out,
                                          const Recommendation& rec) {
  const RunConfig& c = p.config;
  GridConfig budget;
  budget.epochs = c.training.epochs;
  budget.batch_size = c.training.batch_size;
  budget.schedule = &p.schedule;
  const Index rows = static_cast<Index>(p.train_rows.size());
  const int folds = c.folds > 0 ? static_cast<int>(std::min<Index>(c.folds, rows)) : default_folds(rows);
  CvObjective objective(p.model, p.X, p.y, cv_splits(p.train_rows, out.seeds, folds, c.validation.value_or(0.2)),
                        out.seeds, budget, p.optimizer, hooks.stop);
  objective.set_threads(c.threads);
  std::vector<double> rates{*rec.lr};
  for (const Suggestion& s : rec.suggestions) rates.push_back(s.lr);
  objective.evaluate(rates, CandidateStage::kGrid);
  objective.evaluate({c.check->lr}, CandidateStage::kCheck);
  if (objective.interrupted()) return std::nullopt;
  std::vector<CvObjective::Score> others;
  for (const double r : rates) others.push_back(objective.scores().at(r));
  return CheckMeasure{objective.scores().at(c.check->lr), objective.untrained_by_run(),
                      reference(others, objective.untrained_loss(), objective.untrained_by_run(), p.band)};
}

MethodOutcome run(const Problem& p, const Hooks& hooks) {
  RangeOutcome out;
  const RangeTestConfig config{p.config.range, effective_min_lr(p.config), effective_max_lr(p.config),
                               p.config.training.batch_size};
  const std::unique_ptr<Optimizer> optimizer = p.optimizer.make();
  for (int r = 0; r < p.repeats; ++r) out.seeds.push_back(p.config.seed + static_cast<std::uint64_t>(r));
  for (const std::uint64_t seed : out.seeds) {
    hooks.progress.report(static_cast<double>(out.repeats.size()) / static_cast<double>(p.repeats), "range test");
    Rng stream(seed);
    out.repeats.push_back(run_range_test(p.model, *optimizer, p.X, p.y, p.train_rows, config, stream, hooks.stop));
    if (out.repeats.back().stop_reason == StopReason::kInterrupted) break;
  }
  MethodOutcome outcome;
  outcome.interrupted = out.repeats.back().stop_reason == StopReason::kInterrupted;
  if (out.repeats.front().points.empty()) throw_if_stopped(hooks.stop, "before the first training step");
  outcome.recommendation = outcome.interrupted ? recommend_interrupted(p, out)
                                               : recommend_range_repeats(out.repeats, p.config.range.steps, p.rules);
  if (p.config.check && !outcome.interrupted && outcome.recommendation.lr) {
    outcome.check = measure_check(p, hooks, out, outcome.recommendation);
    outcome.interrupted = !outcome.check.has_value();
  }
  outcome.detail = std::move(out);
  return outcome;
}

}  // namespace

MethodEntry range_method() {
  MethodEntry e;
  e.name = "range";
  e.help = "range (LR range test)";
  e.default_repeats = 3;
  e.unused_options = {"--epochs", "--rates", "--grid-points", "--validation", "--schedule", "--folds"};
  e.run = run;
  return e;
}

}  // namespace lrfind
