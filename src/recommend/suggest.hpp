// Suggestion rules: pure functions of a loss-against-rate curve, as fastai's
// (fastai/callback/schedule.py: minimum, steep, valley), read from the range
// test's smoothed curve.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "common/registry.hpp"

namespace lrfind {

struct Suggestion {
  std::string rule;
  double lr;          // the suggested rate
  std::size_t index;  // the curve point it was read from
};

struct RuleEntry {
  std::string name;
  std::string help;
  std::optional<Suggestion> (*suggest)(std::span<const double> lrs, std::span<const double> losses) = nullptr;
};

// minimum_div_10, steepest and valley, each in its own file under rules/. The
// first is the range method's recommendation (the most reliable of the
// classic rules on linear models; bench/quality measures it).
Registry<RuleEntry> builtin_rules();

// fastai reads its suggestions from the recorded curve minus the first tenth of
// the planned steps and the last five points; returns that [begin, end) window
// of `recorded` points, or the whole curve when the window would be too short.
struct Window {
  std::size_t begin;
  std::size_t end;
};
Window suggestion_window(std::size_t recorded, int planned_steps);

}  // namespace lrfind
