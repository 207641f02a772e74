#include "lrfind/grid.hpp"

#include <cmath>
#include <limits>

#include "lrfind/interrupt.hpp"
#include "lrfind/optimizer.hpp"

namespace lrfind {

std::vector<GridRateResult> run_grid(const Model& model, const std::string& optimizer_name, const Matrix& X,
                                     const Vector& y, std::span<const Index> train_rows,
                                     std::span<const Index> validation_rows, const GridConfig& config, Rng& rng,
                                     const ProgressFn& progress) {
  // All rates advance together, batch by batch, so that each batch is drawn
  // and gathered once and every rate sees exactly the same sequence.
  struct Run {
    Params params;
    std::unique_ptr<Optimizer> optimizer;
    bool active = true;
  };
  const std::size_t k = config.rates.size();
  std::vector<GridRateResult> results(k);
  std::vector<Run> runs(k);
  for (std::size_t r = 0; r < k; ++r) {
    results[r].lr = config.rates[r];
    runs[r].params = model.initial_params();
    runs[r].optimizer = make_optimizer(optimizer_name);
    runs[r].optimizer->reset(runs[r].params.rows(), runs[r].params.cols());
  }
  EpochSampler sampler(train_rows, config.batch_size, rng);
  const Index batches = sampler.batches_per_epoch();
  const TrainingSchedule schedule(config.schedule, static_cast<long>(batches) * config.epochs);
  long step = 0;
  Matrix Xb;
  Vector yb;
  Params gradient;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const auto mark_diverged = [&](std::size_t r) {
    results[r].diverged = true;
    runs[r].active = false;
    results[r].train_loss.push_back(kNaN);
    if (!validation_rows.empty()) results[r].val_loss.push_back(kNaN);
  };
  for (int epoch = 0; epoch < config.epochs; ++epoch) {
    if (progress) progress(static_cast<double>(epoch) / config.epochs, "grid: training");
    for (Index b = 0; b < batches; ++b) {
      if (stop_training_step()) {
        for (std::size_t r = 0; r < k; ++r) results[r].interrupted = runs[r].active;
        return results;
      }
      gather_rows(X, y, sampler.next(), Xb, yb);
      const double factor = schedule.factor(step++);
      for (std::size_t r = 0; r < k; ++r) {
        if (!runs[r].active) continue;
        const double loss = model.loss_gradient(Xb, yb, runs[r].params, &gradient);
        if (!std::isfinite(loss) || !gradient.allFinite()) {
          mark_diverged(r);
          continue;
        }
        runs[r].optimizer->step(runs[r].params, gradient, config.rates[r] * factor);
      }
    }
    for (std::size_t r = 0; r < k; ++r) {
      if (!runs[r].active) continue;
      const double train = mean_loss(model, X, y, train_rows, runs[r].params, true);
      if (!std::isfinite(train)) {
        mark_diverged(r);
        continue;
      }
      results[r].train_loss.push_back(train);
      if (!validation_rows.empty()) {
        const double validation = mean_loss(model, X, y, validation_rows, runs[r].params, false);
        results[r].val_loss.push_back(validation);
        if (!std::isfinite(validation)) {
          results[r].diverged = true;
          runs[r].active = false;
        }
      }
    }
  }
  return results;
}

}  // namespace lrfind
