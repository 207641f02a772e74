#include "search/sweep.hpp"

#include <algorithm>
#include <cmath>

#include "common/registry.hpp"
#include "lrfind/error.hpp"

namespace lrfind {

const std::vector<std::string>& sweep_names() {
  static const std::vector<std::string> names{"exp", "linear"};
  return names;
}

SweepKind parse_sweep_kind(std::string_view name) {
  if (name == "exp") return SweepKind::kExponential;
  if (name == "linear") return SweepKind::kLinear;
  throw UsageError("--sweep must be " + choice_list(sweep_names()));
}

std::string_view to_string(SweepKind kind) { return sweep_names()[kind == SweepKind::kExponential ? 0 : 1]; }

Sweep::Sweep(double min_lr, double max_lr, int steps, SweepKind kind)
    : min_lr_(min_lr), max_lr_(max_lr), steps_(steps), kind_(kind) {}

double Sweep::lr_at(int step) const {
  if (steps_ <= 1 || step <= 0) return min_lr_;
  if (step >= steps_ - 1) return max_lr_;
  const double fraction = static_cast<double>(step) / static_cast<double>(steps_ - 1);
  if (kind_ == SweepKind::kLinear) return min_lr_ + (max_lr_ - min_lr_) * fraction;
  // min·(max/min)^f, computed in log10 so that decades land on exact powers of ten.
  const double lo = std::log10(min_lr_);
  return std::pow(10.0, lo + (std::log10(max_lr_) - lo) * fraction);
}

std::vector<double> log_spaced(double min_lr, double max_lr, int count) {
  std::vector<double> rates;
  const Sweep sweep(min_lr, max_lr, count, SweepKind::kExponential);
  rates.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) rates.push_back(sweep.lr_at(i));
  return rates;
}

double median_rate(std::vector<double> rates) {
  std::sort(rates.begin(), rates.end());
  const std::size_t n = rates.size();
  return n % 2 == 1 ? rates[n / 2] : std::sqrt(rates[n / 2 - 1] * rates[n / 2]);
}

}  // namespace lrfind
