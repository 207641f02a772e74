// The one line lr-find prints on standard error after a run.
#include <algorithm>
#include <fmt/format.h>

#include "pipeline/run.hpp"

namespace lrfind {

namespace {

std::string how_auto(const AutoOutcome& a, const RunConfig& c, const Recommendation& rec) {
  const AutoSearch& s = a.search;
  std::string how = fmt::format(
      "auto: {} rates x {} epochs, {} x {}, confidence {}", s.candidates.size(), c.training.epochs,
      s.folds >= 2 ? fmt::format("{}-fold", s.folds) : std::string("hold-out"),
      fmt::format("{} repeat{}", s.seeds.size(), s.seeds.size() == 1 ? "" : "s"),
      rec.confidence ? to_string(*rec.confidence) : "");
  if (!rec.confidence_reason.empty() && rec.lr) how += fmt::format(" ({})", rec.confidence_reason);
  return how;
}

std::string how_range(const RangeOutcome& range, const RunConfig& c) {
  const RangeTestResult& r = range.repeats.front();
  std::string how = fmt::format("range test, {} of {} steps", r.points.size(), c.range.steps);
  if (r.stop_reason == StopReason::kLossDiverged)
    how += fmt::format(", stopped when the smoothed loss passed {}x its minimum", c.range.stop_factor);
  else if (r.stop_reason == StopReason::kNonFiniteLoss)
    how += ", stopped when the loss was no longer finite";
  return how;
}

std::string how_grid(const GridOutcome& grid, const RunConfig& c) {
  const auto diverged =
      std::count_if(grid.rates.begin(), grid.rates.end(), [](const GridRateResult& g) { return g.diverged; });
  return fmt::format("grid of {} rates x {} epochs, {} diverged", grid.rates.size(), c.training.epochs, diverged);
}

}  // namespace

std::string summary_line(const RunResult& result) {
  const RunConfig& c = result.config;
  const Recommendation& rec = result.recommendation();
  const std::string what = fmt::format("{} {} on {} rows x {} features", c.training.model, c.training.optimizer,
                                       result.dataset.rows, result.dataset.features);
  std::string how;
  if (const auto* a = std::get_if<AutoOutcome>(&result.outcome.detail)) how = how_auto(*a, c, rec);
  if (const auto* r = std::get_if<RangeOutcome>(&result.outcome.detail)) how = how_range(*r, c);
  if (const auto* g = std::get_if<GridOutcome>(&result.outcome.detail)) how = how_grid(*g, c);
  if (!rec.lr) return fmt::format("no usable learning rate: {} ({}; {})", rec.reason, what, how);
  const std::string interval =
      rec.interval ? fmt::format(" in [{:.3g}, {:.3g}]", rec.interval->first, rec.interval->second) : std::string();
  // Every method's confidence (auto's is part of its description).
  if (!std::holds_alternative<AutoOutcome>(result.outcome.detail) && rec.confidence) {
    how += fmt::format(", confidence {}", to_string(*rec.confidence));
    if (!rec.confidence_reason.empty()) how += fmt::format(" ({})", rec.confidence_reason);
  }
  return fmt::format("recommended lr {:.3g}{} by {} ({}; {})", *rec.lr, interval, rec.rule, what, how);
}

}  // namespace lrfind
