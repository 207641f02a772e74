#include "search/range.hpp"

#include <cmath>


namespace lrfind {

double LossSmoother::add(double loss) {
  average_ = beta_ * average_ + (1.0 - beta_) * loss;
  beta_power_ *= beta_;
  return average_ / (1.0 - beta_power_);
}

std::string_view to_string(StopReason reason) {
  switch (reason) {
    case StopReason::kCompleted: return "completed";
    case StopReason::kNonFiniteLoss: return "loss_not_finite";
    case StopReason::kLossDiverged: return "smoothed_loss_exceeded_stop_factor";
    case StopReason::kInterrupted: return "interrupted";
  }
  return "completed";
}

StopReason StopRule::check(double loss, double smoothed) {
  if (!std::isfinite(loss) || !std::isfinite(smoothed)) return StopReason::kNonFiniteLoss;
  if (any_ && smoothed > factor_ * best_) return StopReason::kLossDiverged;
  if (!any_ || smoothed < best_) best_ = smoothed;
  any_ = true;
  return StopReason::kCompleted;
}

RangeTestResult run_range_test(const Model& model, Optimizer& optimizer, const Features& X, const Vector& y,
                               std::span<const Index> rows, const RangeTestConfig& config, Rng& rng,
                               const StopToken& stop_token, const Progress& progress) {
  RangeTestResult result;
  const RangeSettings& s = config.settings;
  const Sweep sweep(config.min_lr, config.max_lr, s.steps, parse_sweep_kind(s.sweep));
  EpochSampler sampler(rows, config.batch_size, rng);
  LossSmoother smoother(s.smoothing);
  StopRule stop(s.stop_factor);
  // Sparse rows stepped lazily (the batches gathered whole) keep their one
  // model feature-major: the same numbers in the same order.
  const bool lazy = X.sparse() && optimizer.lazy(model.l2(), /*constant_rate=*/false) &&
                    static_cast<Index>(sampler.batch_size()) <= Model::chunk_rows(X.row_width());
  Params params = model.initial_params();
  Params gradient;
  if (lazy) {
    optimizer.reset_feature_major(params.rows(), params.cols(), model.l2());
    params.transposeInPlace();
  } else {
    optimizer.reset_model_major(params.rows(), params.cols());
  }
  Workspace ws;
  Chunk batch_rows;
  SparseGradient sparse_gradient;
  Eigen::RowVectorXd rates;
  result.points.reserve(static_cast<std::size_t>(s.steps));
  const Progress steps_done = progress.counting(s.steps);
  for (int step = 0; step < s.steps; ++step) {
    if (stop_token.training_step()) {
      result.stop_reason = StopReason::kInterrupted;
      break;
    }
    const double lr = sweep.lr_at(step);
    const std::span<const Index> batch = sampler.next();
    double loss = 0.0;
    if (lazy) {
      batch_rows.gather(X, y, batch);
      model.sparse_loss_gradient(batch_rows.all(), params, 1, &loss, sparse_gradient, ws, optimizer.weight_scale());
    } else if (static_cast<Index>(batch.size()) > Model::chunk_rows(X.row_width())) {
      model.rows_loss_gradient(X, y, batch, params, 1, &loss, &gradient, ws, true);  // a large batch: by chunks
    } else {
      batch_rows.gather(X, y, batch);
      model.loss_gradient(batch_rows.all(), params, 1, &loss, &gradient, ws);
    }
    const double smoothed = smoother.add(loss);
    result.points.push_back({step, lr, loss, smoothed});
    result.stop_reason = stop.check(loss, smoothed);
    if (result.stop_reason != StopReason::kCompleted) break;
    if (lazy) {
      rates.setConstant(params.rows(), lr);
      optimizer.step_sparse(params, sparse_gradient, rates);
    } else {
      optimizer.step(params, gradient, lr);
    }
    steps_done.add(1.0);
  }
  return result;
}

}  // namespace lrfind
