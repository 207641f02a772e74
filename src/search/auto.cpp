#include "search/auto.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <fmt/format.h>
#include <limits>
#include <mutex>
#include <numeric>
#include <thread>

#include "lrfind/error.hpp"
#include "common/interrupt.hpp"
#include "load/loader.hpp"
#include "train/optimizer.hpp"

namespace lrfind {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// splitmix64: derives independent stream seeds from (seed, index).
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (index + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::vector<double> log_range(double low, double high, int per_decade) {
  const int count = std::max(2, static_cast<int>(std::lround(per_decade * std::log10(high / low))) + 1);
  return log_spaced(low, high, count);
}

}  // namespace

double median_rate(std::vector<double> rates) {
  std::sort(rates.begin(), rates.end());
  const std::size_t n = rates.size();
  return n % 2 == 1 ? rates[n / 2] : std::sqrt(rates[n / 2 - 1] * rates[n / 2]);
}

Confidence spread_confidence(double lowest, double highest) {
  const double spread = highest / lowest;
  if (spread > 4.0)
    return {"low", fmt::format("repeats disagree: their best rates span {:.3g} to {:.3g}", lowest, highest)};
  if (spread > 2.0) return {"medium", fmt::format("repeats' best rates differ by a factor of {:.2g}", spread)};
  return {"high", ""};
}

std::vector<Split> make_splits(Index rows, int k, double holdout, Rng& rng) {
  std::vector<Index> order(static_cast<std::size_t>(rows));
  std::iota(order.begin(), order.end(), Index{0});
  rng.shuffle(order);
  const std::size_t n = order.size();
  std::vector<Split> splits;
  const auto add = [&](std::size_t begin, std::size_t end) {
    Split s;
    s.validation.assign(order.begin() + static_cast<std::ptrdiff_t>(begin), order.begin() + static_cast<std::ptrdiff_t>(end));
    s.train.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(begin));
    s.train.insert(s.train.end(), order.begin() + static_cast<std::ptrdiff_t>(end), order.end());
    std::sort(s.validation.begin(), s.validation.end());
    std::sort(s.train.begin(), s.train.end());
    splits.push_back(std::move(s));
  };
  if (k >= 2) {
    for (int f = 0; f < k; ++f)
      add(n * static_cast<std::size_t>(f) / static_cast<std::size_t>(k),
          n * static_cast<std::size_t>(f + 1) / static_cast<std::size_t>(k));
  } else {
    if (n < 2) throw UsageError("a hold-out split needs at least 2 rows");
    std::size_t held = static_cast<std::size_t>(std::llround(holdout * static_cast<double>(n)));
    held = std::clamp<std::size_t>(held, 1, n - 1);
    add(0, held);
  }
  return splits;
}

CvObjective::CvObjective(const Model& model, const Features& X, const Vector& y,
                         std::vector<std::vector<Split>> splits, std::vector<std::uint64_t> seeds, GridConfig budget,
                         const OptimizerEntry& optimizer)
    : model_(model),
      X_(X),
      y_(y),
      splits_(std::move(splits)),
      seeds_(std::move(seeds)),
      budget_(std::move(budget)),
      optimizer_(optimizer) {
  const Params zero = model_.initial_params();
  double total = 0.0;
  std::size_t count = 0;
  for (const auto& repeat : splits_)
    for (const Split& s : repeat) {
      total += mean_loss(model_, X_, y_, s.validation, zero, false);
      ++count;
    }
  untrained_ = total / static_cast<double>(count);
}

void CvObjective::evaluate(const std::vector<double>& rates, const std::string& stage) {
  std::vector<double> fresh;
  for (const double r : rates)
    if (!scores_.count(r) && std::find(fresh.begin(), fresh.end(), r) == fresh.end()) fresh.push_back(r);
  if (fresh.empty() || interrupted_) return;
  const std::size_t k = fresh.size();
  const std::size_t epochs = static_cast<std::size_t>(budget_.epochs);
  std::vector<Score> acc(k);
  for (std::size_t i = 0; i < k; ++i) {
    acc[i].lr = fresh[i];
    acc[i].stage = stage;
    acc[i].train_curve.assign(epochs, 0.0);
    acc[i].val_curve.assign(epochs, 0.0);
    acc[i].val_loss_by_repeat.assign(splits_.size(), 0.0);
  }
  GridConfig config = budget_;
  config.rates = fresh;
  // Every (repeat, fold) run is independent and seeded on its own: they run
  // on all threads, and are summed afterwards in a fixed order.
  std::vector<std::pair<std::size_t, std::size_t>> jobs;
  for (std::size_t r = 0; r < splits_.size(); ++r)
    for (std::size_t f = 0; f < splits_[r].size(); ++f) jobs.emplace_back(r, f);
  std::vector<std::vector<GridRateResult>> outcomes(jobs.size());
  std::atomic<std::size_t> next = 0;
  std::exception_ptr failure;
  std::mutex failure_mutex;
  const auto work = [&](bool reports) {
    for (std::size_t j; (j = next++) < jobs.size();) {
      if (reports && progress_ && j > 0) progress_(static_cast<double>(j) / static_cast<double>(jobs.size()));
      const auto [r, f] = jobs[j];
      const Split& split = splits_[r][f];
      Rng rng(derive_seed(seeds_[r], f));
      try {
        outcomes[j] = run_grid(model_, optimizer_, X_, y_, split.train, split.validation, config, rng);
      } catch (...) {
        const std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  if (progress_) progress_(0.0);  // at least once per call, whichever thread takes the jobs
  const std::size_t workers =
      std::min<std::size_t>(jobs.size(), threads_ == 0 ? available_cores() : threads_);
  std::vector<std::thread> pool;
  for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work, false);
  work(true);  // progress is reported from this thread only
  for (std::thread& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
  // A stop request abandons the whole call: no rate of it is scored.
  for (const std::vector<GridRateResult>& results : outcomes)
    if (std::any_of(results.begin(), results.end(), [](const GridRateResult& g) { return g.interrupted; })) {
      interrupted_ = true;
      return;
    }
  std::size_t runs = 0;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    const std::size_t r = jobs[j].first;
    {
      const std::vector<GridRateResult>& results = outcomes[j];
      for (std::size_t i = 0; i < k; ++i) {
        const GridRateResult& g = results[i];
        if (g.diverged || g.val_loss.size() != epochs) {
          acc[i].diverged = true;
          continue;
        }
        for (std::size_t e = 0; e < epochs; ++e) {
          acc[i].train_curve[e] += g.train_loss[e];
          acc[i].val_curve[e] += g.val_loss[e];
        }
        acc[i].val_loss_by_repeat[r] += g.val_loss.back() / static_cast<double>(splits_[r].size());
      }
      ++runs;
    }
  }
  for (Score& s : acc) {
    if (s.diverged) {
      s.val_loss = kInf;
      s.train_curve.clear();
      s.val_curve.clear();
      std::fill(s.val_loss_by_repeat.begin(), s.val_loss_by_repeat.end(), kInf);
    } else {
      for (double& v : s.train_curve) v /= static_cast<double>(runs);
      for (double& v : s.val_curve) v /= static_cast<double>(runs);
      s.val_loss = s.val_curve.back();
    }
    scores_.emplace(s.lr, std::move(s));
  }
}

double CvObjective::value(double lr) {
  evaluate({lr}, "refine");
  const auto it = scores_.find(lr);
  return it == scores_.end() ? std::numeric_limits<double>::quiet_NaN() : it->second.val_loss;
}

namespace {

// The scored rate with the lowest loss (the smaller rate on a tie).
double best_rate(const std::map<double, CvObjective::Score>& scores) {
  double best = scores.begin()->first;
  double best_loss = kInf;
  for (const auto& [lr, s] : scores)
    if (s.val_loss < best_loss) {
      best_loss = s.val_loss;
      best = lr;
    }
  return best;
}

}  // namespace

AutoResult run_auto(const Model& model, const OptimizerEntry& optimizer, const Features& X, const Vector& y,
                    std::span<const Index> rows, const AutoConfig& config, const ProgressFn& progress) {
  // Progress by stage: bracket 0-15%, grid 15-55%, widening 55-70%, refinement 70-100%.
  const auto report = [&](double fraction, std::string_view stage) {
    if (progress) progress(std::min(fraction, 1.0), stage);
  };
  AutoResult result;
  const Index n = static_cast<Index>(rows.size());
  const int repeats = std::max(1, config.repeats);
  for (int r = 0; r < repeats; ++r) result.seeds.push_back(config.seed + static_cast<std::uint64_t>(r));
  result.folds = config.folds > 0 ? config.folds : (n <= AutoConfig::kMaxRowsForFolds ? 5 : 1);
  result.folds = static_cast<int>(std::min<Index>(result.folds, n));

  // The splits and the untrained model's loss first (the splits have their own
  // streams): they are part of any result, an interrupted one too.
  std::vector<std::vector<Split>> splits;
  for (const std::uint64_t seed : result.seeds) {
    Rng rng(derive_seed(seed, 0xF01D5));
    std::vector<Split> positions = make_splits(n, result.folds, config.holdout, rng);
    for (Split& s : positions) {  // positions in `rows` -> row numbers
      for (Index& i : s.train) i = rows[static_cast<std::size_t>(i)];
      for (Index& i : s.validation) i = rows[static_cast<std::size_t>(i)];
    }
    splits.push_back(std::move(positions));
  }
  result.split_train_rows = splits.front().front().train.size();
  result.split_validation_rows = splits.front().front().validation.size();

  CvObjective objective(model, X, y, std::move(splits), result.seeds, config.budget, optimizer);
  objective.set_threads(config.threads);
  result.untrained_loss = objective.untrained_loss();

  // 1. Bracket: where does the loss blow up?
  RangeTestConfig range = config.range;
  range.min_lr = config.min_lr;
  range.max_lr = config.max_lr;
  for (const std::uint64_t seed : result.seeds) {
    report(0.15 * static_cast<double>(result.range_tests.size()) / static_cast<double>(repeats), "auto: range tests");
    Rng rng(seed);
    const std::unique_ptr<Optimizer> opt = optimizer.make();
    result.range_tests.push_back(run_range_test(model, *opt, X, y, rows, range, rng));
    const RangeTestResult& rt = result.range_tests.back();
    if (rt.stop_reason == StopReason::kInterrupted) {
      // No bracket, so no candidates: the range tests' curves are all there is.
      result.interrupted_during = "range tests";
      result.bracket_low = result.bracket_high = std::numeric_limits<double>::quiet_NaN();
      result.reason = "interrupted during the range tests, before any candidate rate was scored";
      result.confidence = "low";
      result.confidence_reason = result.reason;
      return result;
    }
    if (rt.stop_reason != StopReason::kCompleted && !rt.points.empty()) result.stop_lrs.push_back(rt.points.back().lr);
  }
  double high = result.stop_lrs.empty() ? config.max_lr : median_rate(result.stop_lrs);
  double low = std::max(config.min_lr, high * 1e-4);
  if (low >= high) low = high * 1e-4;
  result.bracket_low = low;
  result.bracket_high = high;

  // 2. Cross-validated grid inside the bracket, on the user's budget.
  objective.set_progress([&](double f) { report(0.15 + 0.40 * f, "auto: scoring candidate rates"); });
  objective.evaluate(log_range(low, high, 3), "grid");
  if (objective.interrupted()) {
    result.interrupted_during = "grid";
    result.reason = "interrupted while scoring the candidate rates, before any was scored on every fold";
    result.confidence = "low";
    result.confidence_reason = result.reason;
    return result;
  }

  // Widen while the best rate sits at an edge of what was scored.
  constexpr double kCeiling = 1e6;
  constexpr double kFloor = 1e-12;
  for (int round = 0; round < 8 && !objective.interrupted(); ++round) {
    objective.set_progress([&report, round](double f) { report(0.55 + (0.15 * (round + f)) / 8.0, "auto: widening the range"); });
    const double best = best_rate(objective.scores());
    const double top = objective.scores().rbegin()->first;
    const double bottom = objective.scores().begin()->first;
    if (best == top && top < kCeiling && std::isfinite(objective.scores().at(best).val_loss)) {
      const double to = std::min(kCeiling, top * 100.0);
      result.widenings.push_back(fmt::format("best rate at the top of the range ({:.3g}); searched up to {:.3g}", top, to));
      objective.evaluate(log_range(top, to, 3), "widen");
    } else if (best == bottom && bottom > kFloor) {
      const double to = std::max(kFloor, bottom / 100.0);
      result.widenings.push_back(fmt::format("best rate at the bottom of the range ({:.3g}); searched down to {:.3g}", bottom, to));
      objective.evaluate(log_range(to, bottom, 3), "widen");
    } else {
      break;
    }
  }
  if (objective.interrupted()) result.interrupted_during = "widening";

  // 3. Golden-section search in log(lr) between the best rate's neighbours.
  if (!objective.interrupted()) {
    const auto& scores = objective.scores();
    const double best = best_rate(scores);
    auto it = scores.find(best);
    const double left = it == scores.begin() ? best : std::prev(it)->first;
    const double right = std::next(it) == scores.end() ? best : std::next(it)->first;
    double a = std::log(left), b = std::log(right);
    const double inv_phi = (std::sqrt(5.0) - 1.0) / 2.0;
    const double scale = std::max(result.untrained_loss - scores.at(best).val_loss, 1e-300);
    // About 10 evaluations take the bracket from a factor 10^(2/3) to 1.05.
    int evaluations = 0;
    objective.set_progress([&](double f) {
      report(0.70 + 0.30 * std::min(1.0, (evaluations + f) / 10.0), "auto: refining");
    });
    const auto value = [&](double lr) {
      const double v = objective.value(lr);
      ++evaluations;
      return v;
    };
    if (b > a) {
      double c = b - inv_phi * (b - a), d = a + inv_phi * (b - a);
      double fc = value(std::exp(c)), fd = value(std::exp(d));
      while (b - a > std::log(1.05) && !objective.interrupted()) {
        if (fc < fd) {
          b = d;
          d = c;
          fd = fc;
          c = b - inv_phi * (b - a);
          fc = value(std::exp(c));
        } else {
          a = c;
          c = d;
          fc = fd;
          d = a + inv_phi * (b - a);
          fd = value(std::exp(d));
        }
        // More precision would not change the loss measurably.
        if (std::isfinite(fc) && std::isfinite(fd) && std::abs(fc - fd) <= 1e-4 * scale) break;
      }
    }
    if (objective.interrupted()) result.interrupted_during = "refinement";
  }

  // The result: best, near-best interval, agreement between repeats. A rate
  // under check is scored last, on the same folds, and is not a candidate.
  objective.set_progress({});
  report(1.0, "auto: done");
  for (const auto& [lr, s] : objective.scores()) result.candidates.push_back(s);
  if (config.check_lr && !objective.interrupted()) {
    objective.evaluate({*config.check_lr}, "check");
    if (objective.interrupted())
      result.interrupted_during = "check";
    else
      result.checked = objective.scores().at(*config.check_lr);
  }
  std::map<double, CvObjective::Score> scores;
  for (const CvObjective::Score& s : result.candidates) scores.emplace(s.lr, s);
  const double best = best_rate(scores);
  const double best_loss = scores.at(best).val_loss;
  if (!std::isfinite(best_loss) || best_loss >= result.untrained_loss) {
    result.reason = "no rate lowered the validation loss below the untrained model's; check the data or widen "
                    "--min-lr/--max-lr";
    result.confidence = "low";
    result.confidence_reason = result.reason;
    return result;
  }
  result.lr = best;
  const double tolerance = best_loss + AutoConfig::kIntervalTolerance * (result.untrained_loss - best_loss);
  std::size_t at = 0;
  while (result.candidates[at].lr != best) ++at;
  std::size_t lo = at, hi = at;
  while (lo > 0 && result.candidates[lo - 1].val_loss <= tolerance) --lo;
  while (hi + 1 < result.candidates.size() && result.candidates[hi + 1].val_loss <= tolerance) ++hi;
  result.interval_low = result.candidates[lo].lr;
  result.interval_high = result.candidates[hi].lr;

  for (std::size_t r = 0; r < result.seeds.size(); ++r) {
    double rbest = best, rloss = kInf;
    for (const CvObjective::Score& s : result.candidates)
      if (s.val_loss_by_repeat[r] < rloss) {
        rloss = s.val_loss_by_repeat[r];
        rbest = s.lr;
      }
    result.repeat_best.push_back(rbest);
  }
  const auto [min_it, max_it] = std::minmax_element(result.repeat_best.begin(), result.repeat_best.end());
  const bool at_edge = at == 0 || at + 1 == result.candidates.size();
  if (result.untrained_loss - best_loss < 0.01 * std::abs(result.untrained_loss)) {
    result.confidence = "low";
    result.confidence_reason = fmt::format(
        "flat: the best rate lowers the validation loss by only {:.2g}% of the untrained model's",
        100.0 * (result.untrained_loss - best_loss) / std::abs(result.untrained_loss));
  } else if (at_edge) {
    result.confidence = "low";
    result.confidence_reason = "the best rate is at the edge of the searched range";
  } else {
    const Confidence c = spread_confidence(*min_it, *max_it);
    result.confidence = c.level;
    result.confidence_reason = c.reason;
  }
  // Cut short after the grid: the best rate scored is a real candidate, but the
  // search did not settle where the best rate lies.
  if (result.interrupted_during == "widening") {
    result.confidence = "low";
    result.confidence_reason = "interrupted while widening the range: the best rate may lie beyond the rates scored";
  } else if (result.interrupted_during == "refinement" && result.confidence == "high") {
    result.confidence = "medium";
    result.confidence_reason = "interrupted while refining: the best rate scored, not refined to a factor 1.05";
  }
  return result;
}

}  // namespace lrfind
