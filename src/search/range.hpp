// The LR range test (Smith, "Cyclical Learning Rates for Training Neural
// Networks", 2017; fastai's LRFinder): one run whose learning rate grows every
// step, recording the batch loss before each update.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "common/progress.hpp"
#include "train/model.hpp"
#include "train/optimizer.hpp"
#include "train/sampling.hpp"
#include "lrfind/run.hpp"
#include "lrfind/stop.hpp"
#include "search/sweep.hpp"

namespace lrfind {

// Bias-corrected exponential moving average (as fastai's SmoothenValue):
// a <- β·a + (1-β)·x; smoothed = a / (1 - β^n) after n values.
class LossSmoother {
 public:
  explicit LossSmoother(double beta) : beta_(beta) {}
  double add(double loss);

 private:
  double beta_;
  double average_ = 0.0;
  double beta_power_ = 1.0;
};

// kInterrupted: a stop was requested (Ctrl-C, SIGTERM; see interrupt.hpp).
enum class StopReason { kCompleted, kNonFiniteLoss, kLossDiverged, kInterrupted };
std::string_view to_string(StopReason reason);

// Stops when the loss is not finite, or when the smoothed loss exceeds
// `factor` times the smallest smoothed loss seen so far.
class StopRule {
 public:
  explicit StopRule(double factor) : factor_(factor) {}
  // Feeds one step; returns the reason to stop, or kCompleted to go on.
  StopReason check(double loss, double smoothed);

 private:
  double factor_;
  double best_ = 0.0;
  bool any_ = false;
};

// One range test: the run's range settings, the sweep's bounds and the batch size.
struct RangeTestConfig {
  RangeSettings settings;
  double min_lr = kDefaultMinLr;
  double max_lr = kDefaultMaxLr;
  Index batch_size = TrainingSettings{}.batch_size;  // 0: all rows
};

struct RangePoint {
  int step;
  double lr;
  double loss;           // batch loss at the weights before this step's update
  double smoothed_loss;
};

struct RangeTestResult {
  std::vector<RangePoint> points;
  StopReason stop_reason = StopReason::kCompleted;
};

// Runs the test on the rows `rows` of (X, y), starting from zero weights,
// until it stops or `stop` is requested (kInterrupted); `progress` hears of
// every step.
RangeTestResult run_range_test(const Model& model, Optimizer& optimizer, const Features& X, const Vector& y,
                               std::span<const Index> rows, const RangeTestConfig& config, Rng& rng,
                               const StopToken& stop, const Progress& progress = {});

}  // namespace lrfind
