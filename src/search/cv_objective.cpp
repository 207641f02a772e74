#include "search/cv_objective.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include "common/parallel.hpp"
#include "search/cost.hpp"
#include "lrfind/stop.hpp"

namespace lrfind {

std::string_view to_string(CandidateStage stage) {
  switch (stage) {
    case CandidateStage::kGrid: return "grid";
    case CandidateStage::kWiden: return "widen";
    case CandidateStage::kRefine: return "refine";
    case CandidateStage::kCheck: return "check";
  }
  return "grid";
}

namespace {

// Whether a stop request cut any run of an evaluation short.
bool any_interrupted(const std::vector<std::vector<GridRateResult>>& outcomes) {
  return std::any_of(outcomes.begin(), outcomes.end(), [](const std::vector<GridRateResult>& results) {
    return std::any_of(results.begin(), results.end(), [](const GridRateResult& g) { return g.interrupted; });
  });
}

}  // namespace

std::vector<std::vector<Split>> cv_splits(std::span<const Index> rows, const std::vector<std::uint64_t>& seeds,
                                          int folds, double holdout, std::span<const std::int64_t> groups) {
  std::vector<std::int64_t> position_groups;  // the group of each position in `rows`
  if (!groups.empty())
    for (const Index r : rows) position_groups.push_back(groups[static_cast<std::size_t>(r)]);
  std::vector<std::vector<Split>> splits;
  for (const std::uint64_t seed : seeds) {
    Rng rng(derive_seed(seed, 0xF01D5));
    std::vector<Split> positions = make_splits(static_cast<Index>(rows.size()), folds, holdout, rng, position_groups);
    for (Split& s : positions) {  // positions in `rows` -> row numbers
      for (Index& i : s.train) i = rows[static_cast<std::size_t>(i)];
      for (Index& i : s.validation) i = rows[static_cast<std::size_t>(i)];
    }
    splits.push_back(std::move(positions));
  }
  return splits;
}

int default_auto_repeats(Index rows) { return rows <= kMaxRowsForFolds ? 3 : 1; }

int default_folds(Index rows) { return static_cast<int>(std::min<Index>(rows <= kMaxRowsForFolds ? 5 : 1, rows)); }

CvObjective::CvObjective(const Model& model, const Features& X, const Vector& y,
                         std::vector<std::vector<Split>> splits, std::vector<std::uint64_t> seeds, GridConfig budget,
                         const OptimizerEntry& optimizer, const StopToken& stop)
    : model_(model),
      X_(X),
      y_(y),
      splits_(std::move(splits)),
      seeds_(std::move(seeds)),
      budget_(std::move(budget)),
      optimizer_(optimizer),
      stop_(stop) {
  rates_train_alone_ = std::all_of(splits_.begin(), splits_.end(), [&](const std::vector<Split>& repeat) {
    return std::all_of(repeat.begin(), repeat.end(), [&](const Split& s) {
      return rates_train_alone(X_, budget_.batch_size, s.train.size());
    });
  });
  const Params zero = model_.initial_params();
  double total = 0.0;
  std::size_t count = 0;
  for (const auto& repeat : splits_)
    for (const Split& s : repeat) {
      untrained_by_run_.push_back(mean_loss(model_, X_, y_, s.validation, zero, false));
      total += untrained_by_run_.back();
      ++count;
    }
  untrained_ = total / static_cast<double>(count);
}

CvObjective::Outcomes CvObjective::train(const std::vector<double>& rates, const Progress& progress) const {
  GridConfig config = budget_;
  config.rates = rates;
  config.threads = 1;  // the runs themselves are spread over the threads
  std::vector<std::pair<std::size_t, std::size_t>> jobs;
  for (std::size_t r = 0; r < splits_.size(); ++r)
    for (std::size_t f = 0; f < splits_[r].size(); ++f) jobs.emplace_back(r, f);
  if (units_) return train_in_units(rates, config, jobs, progress);
  // A task per run and stack of rates, cut as the grid cuts them
  // (grid_groups, at most 8 to a stack), spread over the threads. Where a
  // rate trains the same whatever is stacked with it (rates_train_alone:
  // sparse rows), fewer runs than cores (one hold-out run on large data)
  // cut the rates into more, smaller stacks to keep every core busy.
  const unsigned threads = thread_count();
  std::vector<RateGroupSpan> spans = grid_groups(rates.size());
  if (jobs.size() * spans.size() < threads && rates_train_alone_)
    spans = cut_rates(rates.size(), std::min(rates.size(), (threads + jobs.size() - 1) / jobs.size()));
  // The tasks count their work in one count, as they do it (search/cost.hpp).
  double total = 0.0;
  for (const auto& [r, f] : jobs)
    for (const RateGroupSpan& span : spans)
      total += grid_work(span.count, config.epochs, splits_[r][f].train.size(), splits_[r][f].validation.size());
  const Progress work = progress.counting(total);
  work.report(0.0);
  std::vector<std::vector<GridRateResult>> trained(jobs.size() * spans.size());
  parallel_for(trained.size(), threads_, [&](std::size_t t) {
    const std::size_t j = t / spans.size();
    const auto [r, f] = jobs[j];
    const Split& split = splits_[r][f];
    const RateGroupSpan& span = spans[t % spans.size()];
    GridConfig mine = config;
    mine.rates.assign(rates.begin() + static_cast<std::ptrdiff_t>(span.first),
                      rates.begin() + static_cast<std::ptrdiff_t>(span.first + span.count));
    mine.counts_steps = t % spans.size() == 0;  // the run's steps, counted once
    Rng rng(derive_seed(seeds_[r], f));
    trained[t] = run_grid(model_, optimizer_, X_, y_, split.train, split.validation, mine, rng, stop_, work);
  });
  Outcomes outcomes(jobs.size());
  for (std::size_t j = 0; j < jobs.size(); ++j)
    for (std::size_t g = 0; g < spans.size(); ++g)
      for (GridRateResult& result : trained[j * spans.size() + g]) outcomes[j].push_back(std::move(result));
  return outcomes;
}

CvObjective::Outcomes CvObjective::train_in_units(const std::vector<double>& rates, const GridConfig& config,
                                                  const std::vector<std::pair<std::size_t, std::size_t>>& jobs,
                                                  const Progress& progress) const {
  // A unit per (repeat, fold) run and stack of rates, run by run.
  const std::vector<RateGroupSpan> spans = grid_groups(rates.size());
  const std::span<const double> all(rates);
  std::vector<WorkUnit> described;
  for (const auto& [r, f] : jobs) {
    const Split& split = splits_[r][f];
    const double rows = static_cast<double>(split.train.size() + split.validation.size());
    for (const RateGroupSpan& g : spans)
      described.push_back({rates_spec({{"repeat", r}, {"fold", f}}, all.subspan(g.first, g.count)),
                           static_cast<double>(g.count) * config.epochs * rows});
  }
  const auto train = [&](const std::vector<bool>& which) {
    std::vector<std::vector<GridRateResult>> trained(jobs.size());
    const Progress work = progress.counting(static_cast<double>(std::count(which.begin(), which.end(), true)));
    parallel_for(jobs.size(), threads_, [&](std::size_t j) {
      GridConfig mine = config;
      mine.run_groups.assign(which.begin() + static_cast<std::ptrdiff_t>(j * spans.size()),
                             which.begin() + static_cast<std::ptrdiff_t>((j + 1) * spans.size()));
      if (std::none_of(mine.run_groups.begin(), mine.run_groups.end(), [](bool b) { return b; })) return;
      const auto [r, f] = jobs[j];
      Rng rng(derive_seed(seeds_[r], f));
      trained[j] = run_grid(model_, optimizer_, X_, y_, splits_[r][f].train, splits_[r][f].validation, mine, rng,
                            stop_);
      work.add(static_cast<double>(std::count(mine.run_groups.begin(), mine.run_groups.end(), true)));
    });
    std::map<std::size_t, UnitJson> results;
    for (std::size_t j = 0; j < jobs.size(); ++j)
      for (std::size_t g = 0; g < spans.size(); ++g) {
        if (!which[j * spans.size() + g]) continue;
        const auto stack = std::span<const GridRateResult>(trained[j]).subspan(spans[g].first, spans[g].count);
        for (const GridRateResult& result : stack)
          if (result.interrupted) throw_if_stopped(stop_, "before the shard finished");
        results[j * spans.size() + g] = to_unit_json(stack);
      }
    return results;
  };
  const std::vector<UnitJson> results = units_->round("cross-validation", described, train);
  Outcomes outcomes(jobs.size());
  for (std::size_t j = 0; j < jobs.size(); ++j)
    for (std::size_t g = 0; g < spans.size(); ++g)
      for (GridRateResult& r : grid_rates_from_unit_json(results[j * spans.size() + g], spans[g].count))
        outcomes[j].push_back(std::move(r));
  return outcomes;
}

void CvObjective::record(const std::vector<double>& rates, const Outcomes& outcomes, CandidateStage stage) {
  const std::size_t k = rates.size();
  const std::size_t epochs = static_cast<std::size_t>(budget_.epochs);
  std::vector<Score> acc(k);
  for (std::size_t i = 0; i < k; ++i) {
    acc[i].lr = rates[i];
    acc[i].stage = stage;
    acc[i].train_curve.assign(epochs, 0.0);
    acc[i].val_curve.assign(epochs, 0.0);
    acc[i].val_loss_by_repeat.assign(splits_.size(), 0.0);
    acc[i].run_losses.assign(outcomes.size(), std::numeric_limits<double>::infinity());
  }
  // Summed in a fixed order, whatever thread trained which run.
  std::size_t j = 0;
  for (std::size_t r = 0; r < splits_.size(); ++r)
    for (std::size_t f = 0; f < splits_[r].size(); ++f, ++j)
      for (std::size_t i = 0; i < k; ++i) {
        const GridRateResult& g = outcomes[j][i];
        if (g.diverged || g.val_loss.size() != epochs) {
          acc[i].diverged = true;
          acc[i].unstable = true;
          continue;
        }
        acc[i].run_losses[j] = g.val_loss.back();
        for (std::size_t e = 0; e < epochs; ++e) {
          acc[i].train_curve[e] += g.train_loss[e];
          acc[i].val_curve[e] += g.val_loss[e];
        }
        acc[i].val_loss_by_repeat[r] += g.val_loss.back() / static_cast<double>(splits_[r].size());
      }
  for (Score& s : acc) {
    if (s.diverged) {
      s.val_loss = std::numeric_limits<double>::infinity();
      s.train_curve.clear();
      s.val_curve.clear();
      std::fill(s.val_loss_by_repeat.begin(), s.val_loss_by_repeat.end(), s.val_loss);
    } else {
      for (double& v : s.train_curve) v /= static_cast<double>(outcomes.size());
      for (double& v : s.val_curve) v /= static_cast<double>(outcomes.size());
      s.val_loss = s.val_curve.back();
    }
    scores_.emplace(s.lr, std::move(s));
  }
  restate_stability();
}

// Ending a run no better than where it started is as unusable as diverging —
// on a run some scored rate does improve. A run no rate improves (a fold of a
// tiny data set whose rows the others do not predict) says nothing about any
// one rate, so it marks none unstable. Restated after every evaluation, as a
// new rate can show a run to be learnable.
void CvObjective::restate_stability() {
  std::vector<bool> learnable(untrained_by_run_.size(), false);
  for (const auto& [lr, s] : scores_)
    for (std::size_t j = 0; j < learnable.size() && j < s.run_losses.size(); ++j)
      if (s.run_losses[j] < untrained_by_run_[j]) learnable[j] = true;
  for (auto& [lr, s] : scores_) {
    s.unstable = s.diverged;
    for (std::size_t j = 0; j < learnable.size() && j < s.run_losses.size(); ++j)
      if (learnable[j] && !(s.run_losses[j] < untrained_by_run_[j])) s.unstable = true;
  }
}

void CvObjective::evaluate(const std::vector<double>& rates, CandidateStage stage, const Progress& progress) {
  std::vector<double> fresh;
  for (const double r : rates)
    if (!scores_.count(r) && std::find(fresh.begin(), fresh.end(), r) == fresh.end()) fresh.push_back(r);
  if (fresh.empty() || interrupted_) return;
  const Outcomes outcomes = train(fresh, progress);
  // A stop request abandons the whole call: no rate of it is scored.
  if (any_interrupted(outcomes)) {
    interrupted_ = true;
    return;
  }
  record(fresh, outcomes, stage);
}

double CvObjective::value(double lr, const Progress& progress) {
  evaluate({lr}, CandidateStage::kRefine, progress);
  const auto it = scores_.find(lr);
  return it == scores_.end() ? std::numeric_limits<double>::quiet_NaN() : it->second.val_loss;
}

unsigned CvObjective::thread_count() const { return threads_ == 0 ? available_cores() : threads_; }

bool CvObjective::looks_ahead() const {
  std::size_t runs = 0;
  for (const auto& repeat : splits_) runs += repeat.size();
  return !units_ && rates_train_alone_ && runs < thread_count();
}

double CvObjective::value(double lr, const std::vector<double>& ahead, const Progress& progress) {
  if (!scores_.count(lr) && !interrupted_) {
    if (const auto kept = ahead_.find(lr); kept != ahead_.end()) {
      Outcomes outcomes;
      for (GridRateResult& run : kept->second) outcomes.push_back({std::move(run)});
      ahead_.erase(kept);
      ++scored_from_ahead_;
      progress.report(1.0);
      record({lr}, outcomes, CandidateStage::kRefine);
    } else if (looks_ahead()) {
      std::vector<double> rates{lr};
      for (const double r : ahead)
        if (!scores_.count(r) && !ahead_.count(r) && std::find(rates.begin(), rates.end(), r) == rates.end())
          rates.push_back(r);
      const Outcomes outcomes = train(rates, progress);
      if (any_interrupted(outcomes)) {
        interrupted_ = true;  // as evaluate: the call is abandoned
        return std::numeric_limits<double>::quiet_NaN();
      }
      Outcomes first(outcomes.size());
      for (std::size_t j = 0; j < outcomes.size(); ++j) {
        first[j].push_back(outcomes[j][0]);
        for (std::size_t i = 1; i < rates.size(); ++i) ahead_[rates[i]].push_back(outcomes[j][i]);
      }
      record({lr}, first, CandidateStage::kRefine);
    }
  }
  return value(lr, progress);
}

}  // namespace lrfind
