#include "search/auto.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "search/auto_progress.hpp"

namespace lrfind {

std::string_view to_string(AutoStage stage) {
  switch (stage) {
    case AutoStage::kRangeTests: return "range tests";
    case AutoStage::kGrid: return "grid";
    case AutoStage::kWidening: return "widening";
    case AutoStage::kRefinement: return "refinement";
    case AutoStage::kCheck: return "check";
  }
  return "grid";
}

namespace {

std::vector<double> log_range(double low, double high, int per_decade) {
  const int count = std::max(2, static_cast<int>(std::lround(per_decade * std::log10(high / low))) + 1);
  return log_spaced(low, high, count);
}

// The stable scored rate with the lowest loss (the smaller rate on a tie); an
// unstable rate (a run diverged or ended no better than the untrained model)
// is no candidate, whatever its mean.
double best_rate(const std::map<double, CvObjective::Score>& scores) {
  double best = scores.begin()->first;
  double best_loss = std::numeric_limits<double>::infinity();
  for (const auto& [lr, s] : scores)
    if (!s.unstable && s.val_loss < best_loss) {
      best_loss = s.val_loss;
      best = lr;
    }
  return best;
}

// 1. Where does the loss blow up? One range test per repeat; false when stopped.
bool bracket(const Model& model, const OptimizerEntry& optimizer, const Features& X, const Vector& y,
             std::span<const Index> rows, const AutoConfig& config, const StopToken& stop, AutoProgress& progress,
             AutoSearch& search) {
  RangeTestConfig range = config.range;
  range.min_lr = config.min_lr;
  range.max_lr = config.max_lr;
  if (config.units) {  // lr-find plan, shard or merge: the tests run by the plan, its cheap start
    search.range_tests =
        range_test_round(*config.units, model, optimizer, X, y, rows, range, search.seeds, stop, /*at_plan=*/true);
  } else {
    for (const std::uint64_t seed : search.seeds) {
      const Progress part = progress.range_test();
      part.report(0.0);
      Rng rng(seed);
      const std::unique_ptr<Optimizer> opt = optimizer.make();
      search.range_tests.push_back(run_range_test(model, *opt, X, y, rows, range, rng, stop, part));
      const RangeTestResult& rt = search.range_tests.back();
      progress.range_test_ran(rt.points.size(), search.seeds.size() - search.range_tests.size());
      if (rt.stop_reason == StopReason::kInterrupted) return false;
    }
  }
  for (const RangeTestResult& rt : search.range_tests)
    if (rt.stop_reason != StopReason::kCompleted && !rt.points.empty()) search.stop_lrs.push_back(rt.points.back().lr);
  double high = search.stop_lrs.empty() ? config.max_lr : median_rate(search.stop_lrs);
  double low = std::max(config.min_lr, high * 1e-4);
  if (low >= high) {
    // Blew up at once: search below it, or, within given bounds, all of them.
    low = config.min_given ? config.min_lr : high * 1e-4;
    if (low >= high) high = config.max_lr;
  }
  search.bracket_low = low;
  search.bracket_high = high;
  return true;
}

// 2b. Widens while the best rate sits at an edge of what was scored, never
// past a bound the user gave.
void widen(CvObjective& objective, const AutoConfig& config, AutoProgress& progress, AutoSearch& search) {
  const double kCeiling = config.max_given ? config.max_lr : 1e6;
  const double kFloor = config.min_given ? config.min_lr : 1e-12;
  constexpr int kRounds = 8;
  const auto evaluate = [&](const std::vector<double>& rates) {  // one of them is scored already
    objective.evaluate(rates, CandidateStage::kWiden, progress.widening(rates.size() - 1));
  };
  for (int round = 0; round < kRounds && !objective.interrupted(); ++round) {
    const double best = best_rate(objective.scores());
    const double top = objective.scores().rbegin()->first;
    const double bottom = objective.scores().begin()->first;
    if (best == top && top < kCeiling && std::isfinite(objective.scores().at(best).val_loss)) {
      const double to = std::min(kCeiling, top * 100.0);
      search.widenings.push_back(fmt::format("best rate at the top of the range ({:.3g}); searched up to {:.3g}", top, to));
      evaluate(log_range(top, to, 3));
    } else if (best == bottom && bottom > kFloor) {
      const double to = std::max(kFloor, bottom / 100.0);
      search.widenings.push_back(
          fmt::format("best rate at the bottom of the range ({:.3g}); searched down to {:.3g}", bottom, to));
      evaluate(log_range(to, bottom, 3));
    } else {
      break;
    }
  }
}

const double kInvPhi = (std::sqrt(5.0) - 1.0) / 2.0;
const double kRefinedWidth = std::log(1.05);     // refinement ends with its points within 5% of each other

// A golden-section bracket in log(lr): a < c < d < b.
struct Golden {
  double a, c, d, b;
  // The next bracket and the point it evaluates, when f(c) < f(d) (to the
  // left) or not: the very arithmetic of refine's steps, so that the rates
  // agree to the bit.
  Golden left() const { return {a, d - kInvPhi * (d - a), c, d}; }
  Golden right() const { return {c, d, c + kInvPhi * (b - c), b}; }
};

// The rates the next `depth` steps after `g` may evaluate, whichever way
// they go (2 + 4 + ... of them), while the search would go on.
void points_ahead(const Golden& g, int depth, std::vector<double>& out) {
  if (depth == 0 || !(g.b - g.a > kRefinedWidth)) return;
  const Golden l = g.left(), r = g.right();
  out.push_back(std::exp(l.c));
  out.push_back(std::exp(r.d));
  points_ahead(l, depth - 1, out);
  points_ahead(r, depth - 1, out);
}

// 3. Golden-section search in log(lr) between the best rate's neighbours.
// Each step evaluates one rate, as the search is sequential; when cores
// would wait (one hold-out run on two cores), the rates the next two steps
// may ask for train beside it (CvObjective::value), which changes no score.
void refine(CvObjective& objective, double untrained, AutoProgress& progress) {
  const auto& scores = objective.scores();
  const double best = best_rate(scores);
  const auto it = scores.find(best);
  const double left = it == scores.begin() ? best : std::prev(it)->first;
  const double right = std::next(it) == scores.end() ? best : std::next(it)->first;
  double a = std::log(left), b = std::log(right);
  if (!(b > a)) return;
  const double scale = std::max(untrained - scores.at(best).val_loss, 1e-300);
  RefinementForecast forecast(scores, 1e-4 * scale);  // the flatness test's threshold, below
  const bool look_ahead = objective.looks_ahead();
  const auto value = [&](double lr, const std::vector<double>& ahead) {
    const Progress part = progress.refinement(forecast.left(a, b));
    part.report(0.0);
    const double loss = look_ahead ? objective.value(lr, ahead, part) : objective.value(lr, part);
    forecast.saw(lr, loss);
    return loss;
  };
  const auto ahead_of = [&](const Golden& g, std::vector<double> ahead) {
    if (look_ahead) points_ahead(g, 2, ahead);
    return ahead;
  };
  double c = b - kInvPhi * (b - a), d = a + kInvPhi * (b - a);
  double fc = value(std::exp(c), ahead_of({a, c, d, b}, {std::exp(d)}));
  double fd = value(std::exp(d), {});
  while (b - a > kRefinedWidth && !objective.interrupted()) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - kInvPhi * (b - a);
      fc = value(std::exp(c), ahead_of({a, c, d, b}, {}));
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + kInvPhi * (b - a);
      fd = value(std::exp(d), ahead_of({a, c, d, b}, {}));
    }
    // More precision would not change the loss measurably.
    if (std::isfinite(fc) && std::isfinite(fd) && std::abs(fc - fd) <= 1e-4 * scale) break;
  }
}

}  // namespace

AutoSearch run_auto(const Model& model, const OptimizerEntry& optimizer, const Features& X, const Vector& y,
                    std::span<const Index> rows, const AutoConfig& config, const StopToken& stop,
                    const Progress& progress) {
  AutoSearch search;
  search.min_given = config.min_given;
  search.max_given = config.max_given;
  const Index n = static_cast<Index>(rows.size());
  for (int r = 0; r < std::max(1, config.repeats); ++r) search.seeds.push_back(config.seed + static_cast<std::uint64_t>(r));
  search.folds = config.folds > 0 ? static_cast<int>(std::min<Index>(config.folds, n)) : default_folds(n);
  // The splits and the untrained model's loss first: they are part of any
  // result, an interrupted one too.
  std::vector<std::vector<Split>> splits = cv_splits(rows, search.seeds, search.folds, config.holdout, config.groups);
  search.split_train_rows = splits.front().front().train.size();
  search.split_validation_rows = splits.front().front().validation.size();
  CvObjective objective(model, X, y, std::move(splits), search.seeds, config.budget, optimizer, stop);
  objective.set_threads(config.threads);
  objective.set_units(config.units);
  search.untrained_loss = objective.untrained_loss();
  search.untrained_by_run = objective.untrained_by_run();

  AutoProgress stages(progress, config, search, rows.size());
  if (!bracket(model, optimizer, X, y, rows, config, stop, stages, search)) {
    search.bracket_low = search.bracket_high = std::numeric_limits<double>::quiet_NaN();
    search.interrupted_during = AutoStage::kRangeTests;
    return search;
  }
  const std::vector<double> rates = log_range(search.bracket_low, search.bracket_high, 3);
  objective.evaluate(rates, CandidateStage::kGrid, stages.grid(rates.size()));
  if (objective.interrupted()) {
    search.interrupted_during = AutoStage::kGrid;
    return search;
  }
  widen(objective, config, stages, search);
  if (objective.interrupted()) search.interrupted_during = AutoStage::kWidening;
  if (!objective.interrupted()) {
    refine(objective, search.untrained_loss, stages);
    if (objective.interrupted()) search.interrupted_during = AutoStage::kRefinement;
  }
  for (const auto& [lr, s] : objective.scores()) search.candidates.push_back(s);
  search.scored_from_ahead = objective.scored_from_ahead();
  // A rate under check is scored last, on the same folds, and is not a candidate.
  if (config.check_lr && !objective.interrupted()) {
    objective.evaluate({*config.check_lr}, CandidateStage::kCheck, stages.check());
    if (objective.interrupted())
      search.interrupted_during = AutoStage::kCheck;
    else
      search.checked = objective.scores().at(*config.check_lr);
  }
  stages.done();
  return search;
}

}  // namespace lrfind
