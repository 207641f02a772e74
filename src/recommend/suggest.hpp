// Suggestion rules: pure functions of a loss-against-rate curve, as fastai's
// (fastai/callback/schedule.py: minimum, steep, valley).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace lrfind {

struct Suggestion {
  std::string rule;
  double lr;          // the suggested rate
  std::size_t index;  // the curve point it was read from
};

// The rate at the lowest loss, divided by 10.
std::optional<Suggestion> suggest_minimum(std::span<const double> lrs, std::span<const double> losses);
// The rate where the loss falls fastest against log(lr) (forward differences).
std::optional<Suggestion> suggest_steepest(std::span<const double> lrs, std::span<const double> losses);
// fastai's default: the longest strictly decreasing run (a longest decreasing
// subsequence), then a point about 1/2 of the way into it.
std::optional<Suggestion> suggest_valley(std::span<const double> lrs, std::span<const double> losses);

// fastai reads its suggestions from the recorded curve minus the first tenth of
// the planned steps and the last five points; returns that [begin, end) window
// of `recorded` points, or the whole curve when the window would be too short.
struct Window {
  std::size_t begin;
  std::size_t end;
};
Window suggestion_window(std::size_t recorded, int planned_steps);

}  // namespace lrfind
