// The rates a search tries: the range test's sweep from min_lr to max_lr, and
// log-spaced grids.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lrfind {

enum class SweepKind { kExponential, kLinear };
// "exp" and "linear", in the order of SweepKind.
const std::vector<std::string>& sweep_names();
SweepKind parse_sweep_kind(std::string_view name);  // throws UsageError
std::string_view to_string(SweepKind kind);

// The range test's sweep over `steps` steps from min_lr to max_lr:
// exponential lr_i = min·(max/min)^(i/(S-1)), or linear spacing. With one
// step the only rate is min_lr.
class Sweep {
 public:
  Sweep(double min_lr, double max_lr, int steps, SweepKind kind);
  double lr_at(int step) const;
  int steps() const { return steps_; }

 private:
  double min_lr_;
  double max_lr_;
  int steps_;
  SweepKind kind_;
};

// `count` rates spaced evenly in log between min_lr and max_lr, both included.
std::vector<double> log_spaced(double min_lr, double max_lr, int count);

// The middle of a set of rates; for an even count, the geometric mean of the
// two middle ones (rates live on a log scale).
double median_rate(std::vector<double> rates);

}  // namespace lrfind
