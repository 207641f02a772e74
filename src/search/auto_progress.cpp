#include "search/auto_progress.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "search/cost.hpp"

namespace lrfind {

namespace {

constexpr double kInvPhi = 0.6180339887498949;  // (sqrt(5) - 1) / 2

// The parabola a (x - m)^2 through the lowest of `losses` and its neighbours,
// when it has a minimum.
struct Parabola {
  double a = 0.0;
  double m = 0.0;
  double operator()(double x) const { return a * (x - m) * (x - m); }
};
std::optional<Parabola> lowest_parabola(const std::map<double, double>& losses) {
  const auto lowest = std::min_element(losses.begin(), losses.end(),
                                       [](const auto& p, const auto& q) { return p.second < q.second; });
  if (lowest == losses.end() || lowest == losses.begin() || std::next(lowest) == losses.end()) return std::nullopt;
  const auto [x0, y0] = *std::prev(lowest);
  const auto [x1, y1] = *lowest;
  const auto [x2, y2] = *std::next(lowest);
  // Newton's divided differences: q(x) = y0 + s (x - x0) + a (x - x0)(x - x1).
  const double s = (y1 - y0) / (x1 - x0);
  const double a = ((y2 - y1) / (x2 - x1) - s) / (x2 - x0);
  if (!(a > 0.0) || !std::isfinite(a)) return std::nullopt;
  return Parabola{a, (x0 + x1) / 2 - s / (2 * a)};
}

}  // namespace

AutoProgress::AutoProgress(const Progress& whole, const AutoConfig& config, const AutoSearch& search,
                           std::size_t rows)
    : whole_(whole),
      plan_(whole, 0.0),
      step_(range_step_work(config.range.batch_size, rows)),
      steps_(config.range.settings.steps),
      runs_(search.seeds.size() * static_cast<std::size_t>(std::max(search.folds, 1))),
      train_(search.split_train_rows),
      validation_(search.split_validation_rows),
      epochs_(config.budget.epochs),
      threads_(config.threads),
      checks_(config.check_lr ? 1 : 0) {
  constexpr std::size_t kBracketRates = 13;  // four decades, three rates per decade
  const double tests = static_cast<double>(search.seeds.size());
  plan_.replan(tests * steps_ * step_ + scoring(kBracketRates) + refinement_left(kBracketWidth));
}

Progress AutoProgress::range_test() { return plan_.next(steps_ * step_, "auto: range tests"); }

void AutoProgress::range_test_ran(std::size_t steps, std::size_t tests_left) {
  plan_.replan(plan_.remaining() + static_cast<double>(tests_left) * (static_cast<double>(steps) - steps_) * step_);
  steps_ = static_cast<double>(steps);
}

Progress AutoProgress::grid(std::size_t rates) {
  plan_.replan(scoring(rates) + refinement_left(kBracketWidth));
  return plan_.next(scoring(rates), "auto: scoring candidate rates");
}

Progress AutoProgress::widening(std::size_t fresh_rates) {
  plan_.replan(plan_.remaining() + scoring(fresh_rates));
  return plan_.next(scoring(fresh_rates), "auto: widening the range");
}

Progress AutoProgress::refinement(double left) {
  plan_.replan(std::max(left, 1.0) * scoring(1) + checks_ * scoring(1));
  return plan_.next(scoring(1), "auto: refining");
}

Progress AutoProgress::check() { return plan_.next(scoring(1), "auto: checking the rate"); }

void AutoProgress::done() const { whole_.report(1.0, "auto: done"); }

double AutoProgress::scoring(std::size_t rates) const {
  return static_cast<double>(runs_) * grid_work(rates, epochs_, train_, validation_) /
         parallel_speedup(runs_, threads_);
}

// Before the refinement: as many evaluations as it typically makes (3 to 10,
// 6 on the median, in the runs of tests/golden), at most as the bracket's
// width allows, and the check.
double AutoProgress::refinement_left(double log_width) const {
  constexpr int kTypicalRefinement = 6;
  return (std::min(kTypicalRefinement, refinement_evaluations(log_width, false)) + checks_) * scoring(1);
}

RefinementForecast::RefinementForecast(const std::map<double, CvObjective::Score>& scores, double threshold)
    : threshold_(threshold) {
  for (const auto& [lr, score] : scores)
    if (std::isfinite(score.val_loss)) losses_[std::log(lr)] = score.val_loss;
}

// The same steps as refine() in search/auto.cpp, on the parabola.
int RefinementForecast::left(double a, double b) const {
  const double min_width = std::log(1.05);
  // The first two evaluations come whatever happens; each later one shrinks the bracket once.
  const int opening = evaluations_ < 2 ? 2 - evaluations_ : 1;
  const std::optional<Parabola> q = lowest_parabola(losses_);
  if (!q) return opening + refinement_evaluations(b - a, true);
  double c = b - kInvPhi * (b - a), d = a + kInvPhi * (b - a);
  const auto flat = [&] { return std::abs((*q)(c) - (*q)(d)) <= threshold_; };
  if (evaluations_ >= 2 && flat()) return 1;  // the test right after the next evaluation
  int count = opening;
  while (b - a > min_width) {
    if ((*q)(c) < (*q)(d)) {
      b = d;
      d = c;
      c = b - kInvPhi * (b - a);
    } else {
      a = c;
      c = d;
      d = a + kInvPhi * (b - a);
    }
    ++count;
    if (flat()) break;
  }
  return count;
}

void RefinementForecast::saw(double lr, double loss) {
  if (std::isfinite(loss)) losses_[std::log(lr)] = loss;
  ++evaluations_;
}

}  // namespace lrfind
