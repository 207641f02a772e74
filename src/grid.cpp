#include "lrfind/grid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "lrfind/interrupt.hpp"
#include "lrfind/optimizer.hpp"

namespace lrfind {

namespace {

// The data loss of every stacked model over `rows`, a chunk at a time, so that
// no copy of the data is made: one matrix product per chunk for all models.
void stacked_mean_losses(const Model& model, const Features& X, const Vector& y, std::span<const Index> rows,
                         const Params& stacked, Index models, std::vector<double>& out) {
  constexpr std::size_t kChunk = 4096;
  out.assign(static_cast<std::size_t>(models), 0.0);
  if (rows.empty()) return;
  Matrix Xb;
  Vector yb;
  Eigen::MatrixXd z;
  std::vector<double> losses(static_cast<std::size_t>(models));
  for (std::size_t start = 0; start < rows.size(); start += kChunk) {
    const std::span<const Index> chunk = rows.subspan(start, std::min(kChunk, rows.size() - start));
    gather_rows(X, y, chunk, Xb, yb);
    model.stacked_losses(Xb, yb, stacked, models, z, losses.data(), nullptr);
    for (Index k = 0; k < models; ++k)
      out[static_cast<std::size_t>(k)] += losses[static_cast<std::size_t>(k)] * static_cast<double>(chunk.size());
  }
  for (double& loss : out) loss /= static_cast<double>(rows.size());
}

}  // namespace

std::vector<GridRateResult> run_grid(const Model& model, const std::string& optimizer_name, const Features& X,
                                     const Vector& y, std::span<const Index> train_rows,
                                     std::span<const Index> validation_rows, const GridConfig& config, Rng& rng,
                                     const ProgressFn& progress) {
  // Every rate trains on the same batches in the same order, so the models
  // are held side by side in one parameter matrix: a batch costs one product
  // X_b·W for all of them, not one per rate. A rate that diverges leaves the
  // stack.
  const std::size_t k = config.rates.size();
  const Index outputs = model.outputs();
  std::vector<GridRateResult> results(k);
  for (std::size_t r = 0; r < k; ++r) results[r].lr = config.rates[r];
  std::vector<std::size_t> active(k);  // the rate of each stacked model
  for (std::size_t r = 0; r < k; ++r) active[r] = r;
  const Params initial = model.initial_params();
  Params stacked(initial.rows(), initial.cols() * static_cast<Index>(k));
  for (std::size_t r = 0; r < k; ++r) stacked.middleCols(static_cast<Index>(r) * outputs, outputs) = initial;
  const std::unique_ptr<Optimizer> optimizer = make_optimizer(optimizer_name);
  optimizer->reset(stacked.rows(), stacked.cols());

  EpochSampler sampler(train_rows, config.batch_size, rng);
  const Index batches = sampler.batches_per_epoch();
  const TrainingSchedule schedule(config.schedule, static_cast<long>(batches) * config.epochs);
  const Index features = model.features();
  const double l2 = model.l2();
  long step = 0;
  Matrix Xb;
  Vector yb;
  Eigen::MatrixXd z;
  Eigen::MatrixXd dz;
  Params gradient;
  Eigen::RowVectorXd lr;
  std::vector<double> losses;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

  // Drops the stacked models marked to leave, marking their rates diverged:
  // kDiverged ends their curves with a non-finite point, kStopped leaves the
  // curves as recorded.
  enum Leave : char { kStay, kDiverged, kStopped };
  const auto drop = [&](const std::vector<Leave>& bad) {
    std::vector<std::size_t> still;
    std::vector<Index> columns;
    for (std::size_t m = 0; m < active.size(); ++m) {
      if (bad[m] != kStay) {
        GridRateResult& result = results[active[m]];
        result.diverged = true;
        if (bad[m] == kDiverged) {
          result.train_loss.push_back(kNaN);
          if (!validation_rows.empty()) result.val_loss.push_back(kNaN);
        }
        continue;
      }
      still.push_back(active[m]);
      for (Index o = 0; o < outputs; ++o) columns.push_back(static_cast<Index>(m) * outputs + o);
    }
    if (still.size() == active.size()) return;
    active = std::move(still);
    keep_columns(stacked, columns);
    optimizer->keep_columns(columns);
  };
  // The penalty (l2/2)·||W_m||² of each stacked model, the intercept excluded.
  const auto penalty = [&](Index m) {
    return l2 == 0.0 ? 0.0 : 0.5 * l2 * stacked.block(0, m * outputs, features, outputs).squaredNorm();
  };

  // Small batches are random rows of a large matrix: fetch the next ones
  // from memory while this one trains.
  // Each row is asked for once, a few batches ahead of its use.
  const std::size_t batch_rows = static_cast<std::size_t>(sampler.batch_size());
  const std::size_t ahead = batch_rows * std::max<std::size_t>(1, 16 / batch_rows);
  const auto prefetch = [&] {
    const std::span<const Index> next = sampler.upcoming(ahead + batch_rows);
    for (std::size_t i = std::min(ahead, next.size()); i < next.size(); ++i) {
      X.prefetch(next[i]);
      __builtin_prefetch(y.data() + next[i]);
    }
  };
  std::vector<Leave> bad;
  double rates_factor = std::numeric_limits<double>::quiet_NaN();  // the factor `lr` was filled for
  for (int epoch = 0; epoch < config.epochs && !active.empty(); ++epoch) {
    if (progress) progress(static_cast<double>(epoch) / config.epochs, "grid: training");
    for (Index b = 0; b < batches; ++b) {
      if (stop_training_step()) {
        for (const std::size_t r : active) results[r].interrupted = true;
        return results;
      }
      gather_rows(X, y, sampler.next(), Xb, yb);
      if (sampler.batch_size() <= 64) prefetch();
      const double factor = schedule.factor(step++);
      if (active.empty()) continue;  // keep drawing batches: the sampler's stream stays that of every rate
      const Index models = static_cast<Index>(active.size());
      losses.resize(active.size());
      model.stacked_losses(Xb, yb, stacked, models, z, losses.data(), &dz);
      gradient.resize(stacked.rows(), stacked.cols());
      // Tiny batches: a plain loop beats the set-up of a general matrix product.
      if (Xb.rows() <= 4) {
        for (Index c = 0; c < gradient.cols(); ++c) {
          double* g = gradient.col(c).data();
          const double* x = Xb.row(0).data();
          const double d0 = dz(0, c);
          for (Index j = 0; j < features; ++j) g[j] = x[j] * d0;
          for (Index i = 1; i < Xb.rows(); ++i) {
            const double d = dz(i, c);
            x = Xb.row(i).data();
            for (Index j = 0; j < features; ++j) g[j] += x[j] * d;
          }
        }
      } else {
        gradient.topRows(features).noalias() = Xb.transpose() * dz;
      }
      gradient.row(features) = dz.colwise().sum();
      if (l2 != 0.0) gradient.topRows(features) += l2 * stacked.topRows(features);
      // One sum is finite only if every term is (an overflow of the sum sends
      // us to the exact check below, which finds nothing).
      bool any_bad = !std::isfinite(gradient.sum());
      for (Index m = 0; m < models && !any_bad; ++m)
        any_bad = !std::isfinite(losses[static_cast<std::size_t>(m)] + penalty(m));
      if (any_bad) {
        any_bad = false;
        bad.assign(active.size(), kStay);
        for (Index m = 0; m < models; ++m) {
          const double loss = losses[static_cast<std::size_t>(m)] + penalty(m);
          if (!std::isfinite(loss) || !gradient.middleCols(m * outputs, outputs).allFinite()) {
            bad[static_cast<std::size_t>(m)] = kDiverged;
            any_bad = true;
          }
        }
      }
      if (any_bad) {
        // The gradient of the models that stay, without those that leave.
        std::vector<Index> columns;
        for (Index m = 0; m < models; ++m)
          if (bad[static_cast<std::size_t>(m)] == kStay)
            for (Index o = 0; o < outputs; ++o) columns.push_back(m * outputs + o);
        keep_columns(gradient, columns);
        drop(bad);
        rates_factor = std::numeric_limits<double>::quiet_NaN();
        if (active.empty()) continue;
      }
      if (factor != rates_factor || lr.size() != stacked.cols()) {
        lr.resize(stacked.cols());
        for (std::size_t m = 0; m < active.size(); ++m)
          lr.segment(static_cast<Index>(m) * outputs, outputs).setConstant(config.rates[active[m]] * factor);
        rates_factor = factor;
      }
      optimizer->step_columns(stacked, gradient, lr);
    }
    if (active.empty()) break;
    const Index models = static_cast<Index>(active.size());
    stacked_mean_losses(model, X, y, train_rows, stacked, models, losses);
    bad.assign(active.size(), kStay);
    for (Index m = 0; m < models; ++m) {
      const double train = losses[static_cast<std::size_t>(m)] + penalty(m);
      if (!std::isfinite(train)) {
        bad[static_cast<std::size_t>(m)] = kDiverged;
        continue;
      }
      results[active[static_cast<std::size_t>(m)]].train_loss.push_back(train);
    }
    if (!validation_rows.empty()) {
      stacked_mean_losses(model, X, y, validation_rows, stacked, models, losses);
      for (Index m = 0; m < models; ++m) {
        if (bad[static_cast<std::size_t>(m)] != kStay) continue;
        const double validation = losses[static_cast<std::size_t>(m)];
        results[active[static_cast<std::size_t>(m)]].val_loss.push_back(validation);
        if (!std::isfinite(validation)) bad[static_cast<std::size_t>(m)] = kStopped;  // recorded as it is
      }
    }
    drop(bad);
    rates_factor = std::numeric_limits<double>::quiet_NaN();
  }
  return results;
}

}  // namespace lrfind
