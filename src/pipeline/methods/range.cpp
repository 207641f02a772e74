// --method range: the LR range test, repeated with seeds seed, seed+1, ...;
// the recommendation is the median of the repeats' minimum_div_10.
#include <fmt/format.h>

#include <algorithm>

#include "pipeline/method.hpp"
#include "pipeline/run.hpp"
#include "recommend/range.hpp"
#include "search/cost.hpp"
#include "search/cv_objective.hpp"
#include "lrfind/stop.hpp"

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
// and the check rate is judged against the best of the others. `progress`:
// its part of the bar, shared by the two trainings' estimated times.
std::optional<CheckMeasure> measure_check(const Problem& p, const Hooks& hooks, const RangeOutcome& out,
                                          const Recommendation& rec, const Progress& progress) {
  const RunConfig& c = p.config;
  GridConfig budget;
  budget.epochs = c.training.epochs;
  budget.batch_size = c.training.batch_size;
  budget.schedule = &p.schedule;
  budget.schedule_options.power_t = c.training.power_t;
  const Index rows = static_cast<Index>(p.train_rows.size());
  const int folds = c.folds > 0 ? static_cast<int>(std::min<Index>(c.folds, rows)) : default_folds(rows);
  std::vector<std::vector<Split>> splits = cv_splits(p.train_rows, out.seeds, folds, c.validation.value_or(0.2), p.groups);
  // Progress: the rates to train, each once, by their estimated times (search/cost.hpp).
  const std::size_t runs = out.seeds.size() * splits.front().size();
  const auto scoring_time = [&, train = splits.front().front().train.size(),
                     validation = splits.front().front().validation.size()](std::size_t rates) {
    return cv_time(rates, runs, c.training.epochs, train, validation, c.threads);
  };
  CvObjective objective(p.model, p.X, p.y, std::move(splits), out.seeds, budget, p.optimizer, hooks.stop);
  objective.set_threads(c.threads);
  objective.set_units(hooks.units);
  std::vector<double> rates{*rec.lr};
  for (const Suggestion& s : rec.suggestions) rates.push_back(s.lr);
  std::vector<double> distinct = rates;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  const bool check_apart = !std::binary_search(distinct.begin(), distinct.end(), c.check->lr);
  ProgressPlan plan(progress, scoring_time(distinct.size()) + (check_apart ? scoring_time(1) : 0.0));
  objective.evaluate(rates, CandidateStage::kGrid,
                     plan.next(scoring_time(distinct.size()), "check: training the suggested rates"));
  objective.evaluate({c.check->lr}, CandidateStage::kCheck,
                     plan.next(check_apart ? scoring_time(1) : 0.0, "check: training the rate under check"));
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
  // Progress: the repeats cost alike, each expected to go as far as the one
  // before, and then lr-find check's trainings (in range tests of all the steps).
  const double test_time = range_test_work(config.settings.steps, config.batch_size, p.train_rows.size());
  const double check = p.config.check && test_time > 0.0
                           ? range_check_time(p.config, p.repeats, p.train_rows.size(), p.config.threads) / test_time
                           : 0.0;
  ProgressPlan progress(hooks.progress, p.repeats + check);
  if (hooks.units) {  // lr-find plan, shard or merge: a unit per repeat
    out.repeats = range_test_round(*hooks.units, p.model, p.optimizer, p.X, p.y, p.train_rows, config, out.seeds,
                                   hooks.stop);
  } else {
    double expected = 1.0;  // of the steps
    for (const std::uint64_t seed : out.seeds) {
      const Progress part = progress.next(expected, "range test");
      part.report(0.0);
      Rng stream(seed);
      out.repeats.push_back(
          run_range_test(p.model, *optimizer, p.X, p.y, p.train_rows, config, stream, hooks.stop, part));
      if (out.repeats.back().stop_reason == StopReason::kInterrupted) break;
      const double ran = std::max(static_cast<double>(out.repeats.back().points.size()), 1.0) / config.settings.steps;
      progress.replan((progress.remaining() - check) * ran / expected + check);
      expected = ran;
    }
  }
  MethodOutcome outcome;
  outcome.interrupted = out.repeats.back().stop_reason == StopReason::kInterrupted;
  if (out.repeats.front().points.empty()) throw_if_stopped(hooks.stop, "before the first training step");
  outcome.recommendation = outcome.interrupted ? recommend_interrupted(p, out)
                                               : recommend_range_repeats(out.repeats, p.config.range.steps, p.rules);
  if (p.config.check && !outcome.interrupted && outcome.recommendation.lr) {
    outcome.check = measure_check(p, hooks, out, outcome.recommendation, progress.next(progress.remaining()));
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
  e.used_by_check = {"--epochs", "--validation", "--schedule", "--folds"};  // measure_check's budget and folds
  e.run = run;
  return e;
}

}  // namespace lrfind
