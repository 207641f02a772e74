#include "recommend/range.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace lrfind {

namespace {

// A range test's answer is an artefact, not a measurement, when the sweep
// never blew up (the minimum is wherever the sweep ended) or the loss never
// fell (every rate tried was too high, or none did anything).
std::pair<Confidence, std::string> curve_confidence(const RangeTestResult& range, const std::vector<double>& smoothed,
                                                    const Window& w) {
  if (range.stop_reason == StopReason::kCompleted)
    return {Confidence::kLow, fmt::format("the range test reached --max-lr ({:.3g}) without the loss blowing up, so "
                                          "the suggestion follows the sweep's end, not a measured optimum; raise "
                                          "--max-lr, or use --method auto",
                                          range.points.back().lr)};
  const auto lowest = std::min_element(smoothed.begin() + static_cast<std::ptrdiff_t>(w.begin),
                                       smoothed.begin() + static_cast<std::ptrdiff_t>(w.end));
  const double first = smoothed[w.begin];
  if (lowest == smoothed.begin() + static_cast<std::ptrdiff_t>(w.begin) || !(*lowest < 0.99 * first))
    return {Confidence::kLow, "the loss hardly fell before it blew up: the rates swept may all be too high, or too "
                              "small to train; try a smaller --min-lr, or use --method auto"};
  return {Confidence::kHigh, ""};
}

}  // namespace

Recommendation recommend_range(const RangeTestResult& range, int planned_steps, const Registry<RuleEntry>& rules) {
  Recommendation rec;
  rec.rule = rules.begin()->name;
  std::vector<double> lrs;
  std::vector<double> smoothed;
  for (const RangePoint& p : range.points) {
    if (!std::isfinite(p.loss) || !std::isfinite(p.smoothed_loss)) break;
    lrs.push_back(p.lr);
    smoothed.push_back(p.smoothed_loss);
  }
  if (lrs.empty()) {
    rec.reason = "the loss was not finite from the first step; try a smaller --min-lr";
    return rec;
  }
  // A test that blew up before its first tenth (where the suggestions start
  // reading) never saw a working rate: every rate tried was too high.
  if (range.stop_reason != StopReason::kCompleted &&
      range.points.size() <= static_cast<std::size_t>(std::max(2, planned_steps / 10))) {
    rec.reason = fmt::format("the loss blew up within the first {} steps, at lr {:.3g}; try a smaller --min-lr",
                             range.points.size(), range.points.back().lr);
    return rec;
  }
  const Window w = suggestion_window(lrs.size(), planned_steps);
  const std::span<const double> wl(lrs.data() + w.begin, w.end - w.begin);
  const std::span<const double> ws(smoothed.data() + w.begin, w.end - w.begin);
  for (const RuleEntry& rule : rules) {
    if (std::optional<Suggestion> s = rule.suggest(wl, ws)) {
      s->index += w.begin;
      rec.suggestions.push_back(*s);
    }
  }
  if (!rec.suggestions.empty() && rec.suggestions.front().rule == rec.rule) rec.lr = rec.suggestions.front().lr;
  if (rec.lr) std::tie(rec.confidence, rec.confidence_reason) = curve_confidence(range, smoothed, w);
  return rec;
}

Recommendation recommend_range_repeats(const std::vector<RangeTestResult>& runs, int planned_steps,
                                       const Registry<RuleEntry>& rules) {
  std::vector<Recommendation> each;
  for (const RangeTestResult& r : runs) each.push_back(recommend_range(r, planned_steps, rules));
  Recommendation rec = each.front();
  if (each.size() == 1) return rec;
  for (const Recommendation& e : each)
    if (e.lr) {
      rec = e;  // suggestions' names from a repeat that has them
      break;
    }
  std::vector<double> chosen;
  for (const Recommendation& e : each)
    if (e.lr) chosen.push_back(*e.lr);
  if (chosen.empty()) return rec;
  rec.lr = median_rate(chosen);
  rec.reason.clear();
  const auto [lo, hi] = std::minmax_element(chosen.begin(), chosen.end());
  rec.interval = std::make_pair(*lo, *hi);
  for (Suggestion& s : rec.suggestions) {
    std::vector<double> values;
    for (const Recommendation& e : each)
      for (const Suggestion& t : e.suggestions)
        if (t.rule == s.rule) values.push_back(t.lr);
    s.lr = median_rate(values);
  }
  if (chosen.size() < each.size()) {
    rec.confidence = Confidence::kLow;
    rec.confidence_reason = "some repeats found no usable rate";
    return rec;
  }
  // The least confident repeat's curve speaks for all, then their agreement.
  for (const Recommendation& e : each)
    if (e.confidence == Confidence::kLow) {
      rec.confidence = Confidence::kLow;
      rec.confidence_reason = e.confidence_reason;
      return rec;
    }
  std::tie(rec.confidence, rec.confidence_reason) = spread_confidence(*lo, *hi);
  return rec;
}

}  // namespace lrfind
