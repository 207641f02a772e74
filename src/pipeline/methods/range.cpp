// --method range: the LR range test, repeated with seeds seed, seed+1, ...;
// the recommendation is the median of the repeats' minimum_div_10.
#include <fmt/format.h>

#include "pipeline/method.hpp"
#include "recommend/range.hpp"

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

MethodOutcome run(const Problem& p, const Hooks& hooks) {
  RangeOutcome out;
  const RangeTestConfig config{p.config.range, p.config.min_lr, p.config.max_lr, p.config.training.batch_size};
  const std::unique_ptr<Optimizer> optimizer = p.optimizer.make();
  for (int r = 0; r < p.repeats; ++r) out.seeds.push_back(p.config.seed + static_cast<std::uint64_t>(r));
  // Progress: the repeats cost alike, each expected to go as far as the one before.
  ProgressPlan progress(hooks.progress, p.repeats);
  double expected = 1.0;  // of the steps
  for (const std::uint64_t seed : out.seeds) {
    const Progress part = progress.next(expected, "range test");
    part.report(0.0);
    Rng stream(seed);
    out.repeats.push_back(
        run_range_test(p.model, *optimizer, p.X, p.y, p.train_rows, config, stream, hooks.stop, part));
    if (out.repeats.back().stop_reason == StopReason::kInterrupted) break;
    const double ran = std::max(static_cast<double>(out.repeats.back().points.size()), 1.0) / config.settings.steps;
    progress.replan(progress.remaining() * ran / expected);
    expected = ran;
  }
  MethodOutcome outcome;
  outcome.interrupted = out.repeats.back().stop_reason == StopReason::kInterrupted;
  if (out.repeats.front().points.empty()) throw_if_stopped(hooks.stop, "before the first training step");
  outcome.recommendation = outcome.interrupted ? recommend_interrupted(p, out)
                                               : recommend_range_repeats(out.repeats, p.config.range.steps, p.rules);
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
