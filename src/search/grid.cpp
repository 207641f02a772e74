#include "search/grid.hpp"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cmath>
#include <limits>
#include <memory>

#include "common/parallel.hpp"
#include "search/cost.hpp"

namespace lrfind {

namespace {

// Some of the rates, trained as one stack: their models side by side in one
// parameter matrix, so that a batch costs one product X_b·W for all of them.
// A rate that diverges leaves the stack.
class RateGroup {
 public:
  // `lazy`: every batch is sparse rows, gathered whole (not large_batches);
  // stepped lazily (Optimizer::lazy) when the optimizer can, with the stack
  // kept feature-major (model.hpp's Layout).
  RateGroup(const Model& model, const OptimizerEntry& optimizer, const GridConfig& config,
            std::vector<GridRateResult>& results, std::size_t first, std::size_t count, bool validating, bool lazy)
      : model_(model), config_(config), results_(results), validating_(validating), outputs_(model.outputs()) {
    for (std::size_t r = first; r < first + count; ++r) active_.push_back(r);
    stacked_ = model.initial_params(static_cast<Index>(count));
    optimizer_ = optimizer.make();
    const bool constant_rate = !config.schedule || config.schedule->name == "constant";
    lazy_ = lazy && optimizer_->lazy(model.l2(), constant_rate);
    if (lazy_) {
      optimizer_->reset_feature_major(stacked_.rows(), stacked_.cols(), model.l2());
      stacked_.transposeInPlace();
    } else {
      optimizer_->reset_model_major(stacked_.rows(), stacked_.cols());
    }
  }

  bool empty() const { return active_.empty(); }
  const std::vector<std::size_t>& active() const { return active_; }

  // One step on the batch at the schedule's factor.
  void train(const Chunk::Rows& batch, double factor);
  // One step on the rows `rows` of X, read a chunk at a time (large batches).
  void train_rows(const Features& X, const Vector& y, std::span<const Index> rows, double factor);
  // Scores every model after an epoch, records the losses, and lets the
  // models whose loss is no longer finite leave.
  void end_epoch(const Features& X, const Vector& y, std::span<const Index> train_rows,
                 std::span<const Index> validation_rows);

 private:
  enum Leave : char { kStay, kDiverged, kStopped };
  // Drops the stacked models marked to leave, marking their rates diverged:
  // kDiverged ends their curves with a non-finite point, kStopped leaves the
  // curves as recorded.
  void drop(const std::vector<Leave>& bad);
  // With the losses (penalty included) in losses_ and their gradients in
  // gradient_: lets diverged models leave and steps the others.
  void step(double factor);
  // Lets the models with a non-finite loss or gradient leave; false when none is left.
  bool drop_diverged();

  const Model& model_;
  const GridConfig& config_;
  std::vector<GridRateResult>& results_;
  const bool validating_;
  const Index outputs_;
  std::vector<std::size_t> active_;  // the rate of each stacked model
  Params stacked_;  // feature-major when lazy_, else model-major
  std::unique_ptr<Optimizer> optimizer_;
  // Reused from batch to batch.
  Workspace ws_;
  Params gradient_;
  SparseGradient sparse_gradient_;
  bool lazy_ = false;  // batches step with sparse_gradient_ on a feature-major stack
  Eigen::RowVectorXd lr_;
  std::vector<double> losses_;
  std::vector<Leave> bad_;
  double rates_factor_ = std::numeric_limits<double>::quiet_NaN();  // the factor lr_ was filled for
};

void RateGroup::drop(const std::vector<Leave>& bad) {
  std::vector<std::size_t> still;
  std::vector<Index> columns;
  for (std::size_t m = 0; m < active_.size(); ++m) {
    if (bad[m] != kStay) {
      GridRateResult& result = results_[active_[m]];
      result.diverged = true;
      if (bad[m] == kDiverged) {
        result.train_loss.push_back(std::numeric_limits<double>::quiet_NaN());
        if (validating_) result.val_loss.push_back(std::numeric_limits<double>::quiet_NaN());
      }
      continue;
    }
    still.push_back(active_[m]);
    for (Index o = 0; o < outputs_; ++o) columns.push_back(static_cast<Index>(m) * outputs_ + o);
  }
  rates_factor_ = std::numeric_limits<double>::quiet_NaN();
  if (still.size() == active_.size()) return;
  active_ = std::move(still);
  if (lazy_)
    keep_rows(stacked_, columns);
  else
    keep_columns(stacked_, columns);
  optimizer_->keep_columns(columns);
}

void RateGroup::train(const Chunk::Rows& batch, double factor) {
  losses_.resize(active_.size());
  if (lazy_) {
    // The batch's weights up to date first (momentum), then its gradient.
    const SparseRows& x = batch.sparse;
    optimizer_->catch_up(stacked_, {x.indices + x.offsets[0], x.indices + x.offsets[batch.count()]});
    model_.sparse_loss_gradient(batch, stacked_, static_cast<Index>(active_.size()), losses_.data(),
                                sparse_gradient_, ws_, optimizer_->weight_scale());
  } else {
    model_.loss_gradient(batch, stacked_, static_cast<Index>(active_.size()), losses_.data(), &gradient_, ws_);
  }
  step(factor);
}

void RateGroup::train_rows(const Features& X, const Vector& y, std::span<const Index> rows, double factor) {
  losses_.resize(active_.size());
  assert(!lazy_);
  model_.rows_loss_gradient(X, y, rows, stacked_, static_cast<Index>(active_.size()), losses_.data(), &gradient_,
                            ws_, true);
  step(factor);
}

bool RateGroup::drop_diverged() {
  const Index models = static_cast<Index>(active_.size());
  // One sum is finite only if every term is (an overflow of the sum sends
  // us to the exact check below, which finds nothing).
  bool any_bad = lazy_ ? !std::isfinite(sparse_gradient_.values.sum() + sparse_gradient_.intercept.sum())
                         : !std::isfinite(gradient_.sum());
  for (Index m = 0; m < models && !any_bad; ++m) any_bad = !std::isfinite(losses_[static_cast<std::size_t>(m)]);
  if (any_bad) {
    any_bad = false;
    bad_.assign(active_.size(), kStay);
    for (Index m = 0; m < models; ++m) {
      const double loss = losses_[static_cast<std::size_t>(m)];
      const bool finite = lazy_ ? sparse_gradient_.values.middleRows(m * outputs_, outputs_).allFinite() &&
                                      sparse_gradient_.intercept.segment(m * outputs_, outputs_).allFinite()
                                : gradient_.middleCols(m * outputs_, outputs_).allFinite();
      if (!std::isfinite(loss) || !finite) {
        bad_[static_cast<std::size_t>(m)] = kDiverged;
        any_bad = true;
      }
    }
  }
  if (any_bad) {
    // The gradient of the models that stay, without those that leave.
    std::vector<Index> columns;
    for (Index m = 0; m < models; ++m)
      if (bad_[static_cast<std::size_t>(m)] == kStay)
        for (Index o = 0; o < outputs_; ++o) columns.push_back(m * outputs_ + o);
    if (lazy_) {
      keep_rows(sparse_gradient_.values, columns);
      Eigen::VectorXd intercept(static_cast<Index>(columns.size()));
      for (std::size_t c = 0; c < columns.size(); ++c) intercept(static_cast<Index>(c)) = sparse_gradient_.intercept(columns[c]);
      sparse_gradient_.intercept.swap(intercept);
    } else {
      keep_columns(gradient_, columns);
    }
    drop(bad_);
  }
  return !active_.empty();
}

void RateGroup::step(double factor) {
  if (!drop_diverged()) return;
  const Index columns = static_cast<Index>(active_.size()) * outputs_;
  if (factor != rates_factor_ || lr_.size() != columns) {
    lr_.resize(columns);
    for (std::size_t m = 0; m < active_.size(); ++m)
      lr_.segment(static_cast<Index>(m) * outputs_, outputs_).setConstant(config_.rates[active_[m]] * factor);
    rates_factor_ = factor;
  }
  if (lazy_)
    optimizer_->step_sparse(stacked_, sparse_gradient_, lr_);
  else
    optimizer_->step(stacked_, gradient_, lr_);
}

void RateGroup::end_epoch(const Features& X, const Vector& y, std::span<const Index> train_rows,
                          std::span<const Index> validation_rows) {
  if (active_.empty()) return;
  const Index models = static_cast<Index>(active_.size());
  losses_.resize(active_.size());
  const Layout layout = lazy_ ? Layout::kFeatureMajor : Layout::kModelMajor;
  if (lazy_) optimizer_->settle(stacked_);
  model_.rows_loss_gradient(X, y, train_rows, stacked_, models, losses_.data(), nullptr, ws_, true, layout);
  bad_.assign(active_.size(), kStay);
  for (Index m = 0; m < models; ++m) {
    const double train = losses_[static_cast<std::size_t>(m)];
    if (!std::isfinite(train)) {
      bad_[static_cast<std::size_t>(m)] = kDiverged;
      continue;
    }
    results_[active_[static_cast<std::size_t>(m)]].train_loss.push_back(train);
  }
  if (!validation_rows.empty()) {
    model_.rows_loss_gradient(X, y, validation_rows, stacked_, models, losses_.data(), nullptr, ws_, false, layout);
    for (Index m = 0; m < models; ++m) {
      if (bad_[static_cast<std::size_t>(m)] != kStay) continue;
      const double validation = losses_[static_cast<std::size_t>(m)];
      results_[active_[static_cast<std::size_t>(m)]].val_loss.push_back(validation);
      if (!std::isfinite(validation)) bad_[static_cast<std::size_t>(m)] = kStopped;  // recorded as it is
    }
  }
  drop(bad_);
}

// Rows a group trained, counted into the grid's work (search/cost.hpp) a
// few thousand at a time; a rate that left the stack still counts as planned.
class RowCount {
 public:
  RowCount(const Progress& work, double per_row) : work_(work), per_row_(per_row) {}
  ~RowCount() { work_.add(rows_ * per_row_); }
  RowCount(const RowCount&) = delete;
  RowCount& operator=(const RowCount&) = delete;
  void add(double rows) {
    rows_ += rows;
    if (rows_ < 2048) return;
    work_.add(rows_ * per_row_);
    rows_ = 0.0;
  }

 private:
  const Progress& work_;
  double per_row_;
  double rows_ = 0.0;
};

// The count of the grid's work: the caller's when it shares one among several
// grids (the cross-validation), else one of this grid's own.
Progress work_count(const Progress& progress, std::size_t rates, int epochs, std::size_t train, std::size_t validation) {
  if (progress.counts()) return progress;
  return progress.part(0.0, 1.0, "grid: training").counting(grid_work(rates, epochs, train, validation));
}

}  // namespace

std::vector<RateGroupSpan> cut_rates(std::size_t rates, std::size_t stacks) {
  std::vector<RateGroupSpan> spans;
  for (std::size_t g = 0, first = 0; g < stacks; ++g) {
    const std::size_t count = rates / stacks + (g < rates % stacks ? 1 : 0);
    spans.push_back({first, count});
    first += count;
  }
  return spans;
}

std::vector<RateGroupSpan> grid_groups(std::size_t rates) {
  return cut_rates(rates, (rates + kGridGroupRates - 1) / kGridGroupRates);
}

bool rates_train_alone(const Features& X, Index batch_size, std::size_t train_rows) {
  const Index rows = static_cast<Index>(train_rows);
  const Index batch = std::max<Index>(1, batch_size > 0 ? std::min(batch_size, rows) : rows);  // as EpochSampler
  return X.sparse() && batch <= Model::chunk_rows(X.row_width());  // run_grid's `lazy`
}

std::vector<GridRateResult> run_grid(const Model& model, const OptimizerEntry& optimizer, const Features& X,
                                     const Vector& y, std::span<const Index> train_rows,
                                     std::span<const Index> validation_rows, const GridConfig& config, Rng& rng,
                                     const StopToken& stop, const Progress& progress) {
  // Every rate trains on the same batches in the same order. The rates are
  // cut into groups by their number alone; each group is one stack, and the
  // groups walk each epoch on their own threads, meeting at its end (for
  // progress, the epoch's losses and a stop request). A model's arithmetic
  // does not depend on which thread runs its group.
  const std::size_t k = config.rates.size();
  std::vector<GridRateResult> results(k);
  for (std::size_t r = 0; r < k; ++r) results[r].lr = config.rates[r];
  if (k == 0) return results;
  EpochSampler sampler(train_rows, config.batch_size, rng);
  const Index batches = sampler.batches_per_epoch();
  const TrainingSchedule schedule(config.schedule ? *config.schedule : schedule_named("constant"),
                                  static_cast<long>(batches) * config.epochs, config.schedule_options);
  // Small batches are random rows of a large matrix, each a wait on memory
  // (and, past the TLB's reach, a page walk) between short computations:
  // they are gathered a chunk of batches (up to 2048 rows, 4 MiB) at a time
  // instead, a copy with many loads in flight, and the batches read from the
  // chunk. Large batches are gathered one at a time.
  const Index batch_rows = sampler.batch_size();
  constexpr Index kGatherRows = 2048;
  const Index gather_rows_at_once = std::min(kGatherRows, Model::chunk_rows(X.row_width()));  // wide files: fewer
  const Index chunk_batches = batch_rows <= 64 ? std::max<Index>(1, gather_rows_at_once / batch_rows) : 1;
  // Batches of more rows than Model::chunk_rows (the whole training set, say)
  // are never gathered whole: each group reads them a chunk at a time, so a
  // group never holds more than about 4 MiB of rows and groups can share threads.
  const bool large_batches = batch_rows > Model::chunk_rows(X.row_width());
  // Sparse rows stepped lazily: the stacks are kept feature-major.
  const bool lazy = X.sparse() && !large_batches;
  assert(lazy == rates_train_alone(X, config.batch_size, train_rows.size()));
  std::vector<std::unique_ptr<RateGroup>> groups;
  std::vector<double> group_work;  // of a row of a group, as search/cost.hpp counts it
  const std::vector<RateGroupSpan> spans = grid_groups(k);
  std::size_t running = 0;  // rates
  assert(config.run_groups.empty() || config.run_groups.size() == spans.size());
  for (std::size_t g = 0; g < spans.size(); ++g) {
    if (!config.run_groups.empty() && !config.run_groups[g]) continue;
    groups.push_back(std::make_unique<RateGroup>(model, optimizer, config, results, spans[g].first, spans[g].count,
                                                 !validation_rows.empty(), lazy));
    group_work.push_back(static_cast<double>(spans[g].count) + kStackOverhead);
    running += spans[g].count;
  }
  if (groups.empty()) return results;
  const auto any_active = [&] {
    return std::any_of(groups.begin(), groups.end(), [](const auto& g) { return !g->empty(); });
  };

  const unsigned threads = config.threads;
  const Progress work = work_count(progress, running, config.epochs, train_rows.size(), validation_rows.size());
  work.report(0.0);

  for (int epoch = 0; epoch < config.epochs && any_active(); ++epoch) {
    sampler.begin_epoch();
    std::atomic<bool> stopped = false;
    parallel_for(groups.size(), threads, [&](std::size_t g) {
      RateGroup& group = *groups[g];
      Chunk chunk;
      RowCount rows_done(work, group_work[g]);
      for (Index b = 0; b < batches; ++b) {
        // The first group counts the steps (for the test hook), even once
        // all its rates have left, while a rate of this call trains; the
        // others, and calls with counts_steps false, only look.
        if (g == 0 && config.counts_steps ? stop.training_step() : stop.requested()) {
          stopped = true;
          return;
        }
        rows_done.add(static_cast<double>(sampler.batch(b).size()));
        if (group.empty()) {
          if (g == 0) continue;
          rows_done.add(std::max(0.0, static_cast<double>(train_rows.size()) - static_cast<double>((b + 1) * batch_rows)));
          return;
        }
        if (large_batches) {
          group.train_rows(X, y, sampler.batch(b), schedule.factor(static_cast<long>(epoch) * batches + b));
          continue;
        }
        const Index in_chunk = b % chunk_batches;
        if (in_chunk == 0) {
          const std::span<const Index> rows = sampler.rows_from(b);
          chunk.gather(X, y, rows.first(std::min(rows.size(), static_cast<std::size_t>(chunk_batches * batch_rows))));
        }
        const Index count = static_cast<Index>(sampler.batch(b).size());
        group.train(chunk.view(in_chunk * batch_rows, count), schedule.factor(static_cast<long>(epoch) * batches + b));
      }
    });
    if (stopped) {
      for (const auto& group : groups)
        for (const std::size_t r : group->active()) results[r].interrupted = true;
      return results;
    }
    parallel_for(groups.size(), threads, [&](std::size_t g) {
      groups[g]->end_epoch(X, y, train_rows, validation_rows);
      work.add(kScoring * static_cast<double>(train_rows.size() + validation_rows.size()) * group_work[g]);
    });
  }
  return results;
}

}  // namespace lrfind
