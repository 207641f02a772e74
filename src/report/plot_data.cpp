#include "report/plot_data.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

#include "report/json_read.hpp"
#include "report/theory_view.hpp"

namespace lrfind::plot {

namespace {

using Json = nlohmann::ordered_json;
using namespace json_read;

const char* suggestion_color(std::string_view name) {
  if (name == "minimum_div_10") return "#9467bd";
  if (name == "steepest") return "#8c564b";
  if (name == "valley") return "#17becf";
  return "#7f7f7f";
}

std::vector<Point> range_curve(const Json& points, const char* key) {
  std::vector<Point> curve;
  if (!points.is_array()) return curve;
  for (const Json& p : points) {
    const std::optional<double> lr = rate(field(p, "lr"));
    if (!lr) continue;
    curve.push_back({*lr, finite(field(p, key)), false});
  }
  return curve;
}

// The rates' log10 range with a 3% margin each side, first widened to whole
// decades when it would show fewer than two decade ticks.
Span log_range(double lo, double hi) {
  if (!(lo > 0.0) || !(hi >= lo) || !std::isfinite(hi)) return {-7.0, 1.0};
  Span span{std::log10(lo), std::log10(hi)};
  if (std::floor(span.hi + 1e-9) - std::ceil(span.lo - 1e-9) < 1.0) span = decades(lo, hi);
  const double margin = 0.03 * (span.hi - span.lo);
  return {span.lo - margin, span.hi + margin};
}

// The rate axis: the curves, the interval and the markers, and the bounds
// that are not too far away.
void choose_x_range(PlotData& d, const std::vector<Marker>& bounds) {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  const auto include = [&](double lr) {
    lo = std::min(lo, lr);
    hi = std::max(hi, lr);
  };
  for (const auto* series : {&d.raw, &d.smoothed, &d.scores})
    for (const Point& p : *series) include(p.lr);
  if (d.interval) {
    include(d.interval->first);
    include(d.interval->second);
  }
  for (const Marker& m : d.markers) include(m.lr);
  // A bound within two decades of the data widens the axis; one further away
  // would squeeze the curve, so it is only named in the legend.
  const bool has_data = std::isfinite(lo);
  for (const Marker& m : bounds) {
    if (!has_data || (m.lr >= lo / 100.0 && m.lr <= hi * 100.0)) {
      d.markers.push_back(m);
    } else {
      d.off_scale.push_back(m.label + " (off scale)");
    }
  }
  for (const Marker& m : d.markers) include(m.lr);
  const Span span = log_range(lo, hi);
  d.x_lo = span.lo;
  d.x_hi = span.hi;
}

// The loss axis: loss_span of the smoothed curve and the scores (or of the
// batch loss when there are none), padded; on a log axis, from their lowest
// positive loss.
void choose_y_range(PlotData& d, LossScale scale) {
  std::vector<double> core;
  for (const auto* series : {&d.smoothed, &d.scores})
    for (const Point& p : *series)
      if (p.loss) core.push_back(*p.loss);
  if (d.untrained) core.push_back(*d.untrained);
  double raw_min = std::numeric_limits<double>::infinity();
  for (const Point& p : d.raw)
    if (p.loss) raw_min = std::min(raw_min, *p.loss);
  if (core.empty() && std::isfinite(raw_min))
    for (const Point& p : d.raw)
      if (p.loss) core.push_back(*p.loss);
  std::optional<double> reference = d.untrained;
  if (!reference) reference = first_loss(d.smoothed);
  if (!reference) reference = first_loss(d.main());
  double lowest_positive = std::numeric_limits<double>::infinity();
  double raw_lowest_positive = lowest_positive;
  for (const Point& p : d.raw)
    if (p.loss && *p.loss > 0.0) raw_lowest_positive = std::min(raw_lowest_positive, *p.loss);
  Span span = loss_span(core, reference);
  for (const double v : core)
    if (v > 0.0 && v <= span.hi) lowest_positive = std::min(lowest_positive, v);
  d.y_log = wants_log_axis(scale, lowest_positive, span.hi);
  if (d.y_log) {
    span = log_loss_span(lowest_positive, span.hi, raw_lowest_positive);
  } else {
    // The batch loss may dip far below its lagging average: show the dip too,
    // as a loss cannot explode downwards.
    span.lo = std::min(span.lo, raw_min);
    span = padded(span);
  }
  d.y_lo = span.lo;
  d.y_hi = span.hi;
}

// The heading: method, model kind and loss, optimizer and data set, as far as
// the report names them.
void read_heading(const Json& report, PlotData& d) {
  d.method = text(field(report, "method"));
  const Json& model = field(report, "model");
  d.loss_name = text(field(model, "loss"));
  d.dataset = text(field(field(report, "dataset"), "path"));
  d.smoothing = finite(field(field(report, "config"), "smoothing")).value_or(0.0);

  std::string heading = "lr-find";
  if (!d.method.empty()) heading += " " + d.method;
  const std::string kind = text(field(model, "kind"));
  const std::string optimizer = text(field(field(report, "optimizer"), "name"));
  if (!kind.empty()) heading += ": " + kind + (d.loss_name.empty() ? "" : " (" + d.loss_name + ")");
  if (!optimizer.empty()) heading += ", " + optimizer;
  if (!d.dataset.empty()) heading += " on " + d.dataset;
  d.title = heading;
}

// auto: each candidate's cross-validated validation loss.
void read_auto_scores(const Json& automatic, std::optional<long long> epochs, PlotData& d) {
  const Json& candidates = field(automatic, "candidates");
  if (candidates.is_array())
    for (const Json& c : candidates) {
      const std::optional<double> lr = rate(field(c, "lr"));
      if (lr) d.scores.push_back({*lr, finite(field(c, "val_loss")), flag(field(c, "diverged"))});
    }
  d.scores_label = "cross-validated validation loss";
  const std::optional<long long> folds = integer(field(automatic, "folds"));
  const std::optional<long long> repeats = integer(field(automatic, "repeats"));
  std::string detail = epochs ? fmt::format("after {} epochs", *epochs) : "after training";
  if (folds && *folds >= 2) detail += fmt::format(", {} folds", *folds);
  if (repeats) detail += fmt::format(" × {} repeats", *repeats);
  d.scores_detail = detail;
  d.untrained = finite(field(automatic, "untrained_val_loss"));
}

// grid: each rate's final validation loss, or its final training loss when no
// rate has a validation curve.
void read_grid_scores(const Json& report, const Json& grid, std::optional<long long> epochs, PlotData& d) {
  bool validation = false;
  for (const Json& g : grid) validation = validation || field(g, "val_loss").is_array();
  for (const Json& g : grid) {
    const std::optional<double> lr = rate(field(g, "lr"));
    if (!lr) continue;
    const std::optional<double> loss = finite(last_element(field(g, validation ? "val_loss" : "train_loss")));
    d.scores.push_back({*lr, loss, flag(field(g, "diverged"))});
  }
  d.scores_label = validation ? "final validation loss" : "final training loss";
  d.scores_detail = epochs ? fmt::format("after {} epochs at each rate", *epochs) : "at each rate";
  d.untrained = finite(field(field(report, "untrained_loss"), validation ? "val_loss" : "train_loss"));
}

// The recommended rate (its marker first), its rule, the interval and the
// subtitle that says them in words.
void read_recommendation(const Json& report, PlotData& d) {
  const Json& recommendation = field(report, "recommendation");
  d.recommended = rate(field(report, "recommended_lr"));
  d.rule = text(field(recommendation, "rule"));
  d.reason = text(field(recommendation, "reason"));
  if (const Json& interval = field(recommendation, "interval"); length(interval) == 2) {
    const std::optional<double> a = rate(interval[0]);
    const std::optional<double> b = rate(interval[1]);
    if (a && b) d.interval = std::make_pair(std::min(*a, *b), std::max(*a, *b));
  }
  if (d.interval && d.interval_is_one_rate()) {
    // No band to draw: the legend says why.
    d.interval_label = (d.method == "range" ? "spread of repeats: none, all at " : "near-best interval: only ") +
                       rate_text(d.interval->first);
  } else if (d.interval) {
    const std::string range = fmt::format("[{}, {}]", rate_text(d.interval->first), rate_text(d.interval->second));
    d.interval_label = (d.method == "range" ? "spread of repeats " : "near-best interval ") + range;
  }

  if (d.recommended) {
    Marker m{
        "recommended", "recommended " + rate_text(*d.recommended), d.rule, *d.recommended, MarkerKind::kRecommended,
        "#d62728"};
    d.markers.push_back(m);
    std::string sub = "recommended lr " + rate_text(*d.recommended);
    if (d.interval && !d.interval_is_one_rate())
      sub += fmt::format(" in [{}, {}]", rate_text(d.interval->first), rate_text(d.interval->second));
    if (!d.rule.empty()) sub += " by " + d.rule;
    const std::string confidence = text(field(recommendation, "confidence"));
    if (!confidence.empty()) sub += ", confidence " + confidence;
    const std::string why = text(field(recommendation, "confidence_reason"));
    if (!why.empty()) sub += " (" + why + ")";
    d.subtitle = sub;
  } else {
    d.subtitle = "no usable rate" + (d.reason.empty() ? std::string() : ": " + d.reason);
  }
}

// lr-find check's rate, marked after the recommended one, and its verdict in
// words ahead of the subtitle: "checked 0.25: too high; recommended lr ...".
void read_check(const Json& check, PlotData& d) {
  d.checked = rate(field(check, "lr"));
  if (!d.checked) return;
  const std::string verdict = text(field(check, "verdict"));
  if (verdict == "pass") {
    d.verdict = "passed";
  } else if (verdict == "no_recommendation") {
    d.verdict = "no recommendation to check against";
  } else {
    d.verdict = verdict;
    std::replace(d.verdict.begin(), d.verdict.end(), '_', ' ');  // too high, too low, unstable
  }
  const std::string label = "checked " + rate_text(*d.checked);
  d.markers.push_back({"checked", label, d.verdict.empty() ? "lr-find check" : "lr-find check: " + d.verdict,
                       *d.checked, MarkerKind::kChecked, "#e377c2"});
  d.subtitle = label + (d.verdict.empty() ? "" : ": " + d.verdict) + "; " + d.subtitle;
}

// The range test's suggestions with a rate, in the report's order.
void read_suggestions(const Json& suggestions, PlotData& d) {
  if (!suggestions.is_object()) return;
  for (const auto& [name, value] : suggestions.items()) {
    const std::optional<double> lr = rate(value);
    if (!lr) continue;
    d.markers.push_back({name, name + " " + rate_text(*lr), "range-test suggestion", *lr, MarkerKind::kSuggestion,
                         suggestion_color(name)});
  }
}

// The theory's stable-rate bounds, for plain SGD only (report/theory_view.hpp),
// each saying what it is so that a reader does not take it for a limit the
// recommendation must keep; choose_x_range decides which are drawn.
std::vector<Marker> theory_bounds(const Json& report) {
  std::vector<Marker> bounds;
  const BoundsView view = bounds_view(report);
  if (view == BoundsView::kHidden) return bounds;
  const Json& theory = field(report, "theory");
  if (const std::optional<double> lr = rate(field(theory, "max_stable_lr_full_batch")))
    bounds.push_back({"full_batch_bound", "2/L " + rate_text(*lr),
                      view == BoundsView::kTight ? "full-batch stability bound: gradient descent diverges above it"
                                                 : "worst-case full-batch bound (curvature at its largest)",
                      *lr, MarkerKind::kBound, "#444444"});
  if (const std::optional<double> lr = rate(field(theory, "minibatch_lr_bound"))) {
    const std::optional<long long> b = integer(field(theory, "batch_size"));
    bounds.push_back({"minibatch_bound", "1/(2L(b)) " + rate_text(*lr),
                      (b ? fmt::format("mini-batch bound, b = {}", *b) : std::string("mini-batch bound")) +
                          ": convergence guaranteed below it",
                      *lr, MarkerKind::kBound, "#8a8a8a"});
  }
  return bounds;
}

// Markers at one rate, as the plot writes it, become one line and one label,
// "recommended = minimum_div_10 0.394", in the first one's colour and style
// (the markers come most prominent first).
void merge_equal_rates(std::vector<Marker>& markers) {
  std::vector<Marker> merged;
  for (Marker& m : markers) {
    const std::string rate = rate_text(m.lr);
    const auto same = std::find_if(merged.begin(), merged.end(), [&](const Marker& k) { return rate_text(k.lr) == rate; });
    if (same == merged.end()) {
      merged.push_back(std::move(m));
      continue;
    }
    // Each label is "NAME RATE".
    const auto name = [&](const Marker& k) { return k.label.substr(0, k.label.size() - rate.size() - 1); };
    // The recommended rate's detail is its rule, which the label may now name.
    if (same->detail == name(m)) same->detail.clear();
    if (m.detail != same->detail) same->detail += (same->detail.empty() ? "" : "; ") + m.detail;
    same->label = name(*same) + " = " + name(m) + " " + rate;
    same->id += " " + m.id;
  }
  markers = std::move(merged);
}

}  // namespace

PlotData read_plot_data(const Json& report, LossScale scale) {
  PlotData d;
  read_heading(report, d);
  const Json& points = field(field(report, "range_test"), "points");
  d.raw = range_curve(points, "loss");
  d.smoothed = range_curve(points, "smoothed_loss");
  const std::optional<long long> epochs = integer(field(field(report, "config"), "epochs"));
  if (const Json& automatic = field(report, "auto"); automatic.is_object()) read_auto_scores(automatic, epochs, d);
  if (const Json& grid = field(report, "grid"); grid.is_array()) read_grid_scores(report, grid, epochs, d);
  read_recommendation(report, d);
  read_check(field(report, "check"), d);
  read_suggestions(field(field(report, "recommendation"), "suggestions"), d);
  choose_x_range(d, theory_bounds(report));
  merge_equal_rates(d.markers);
  choose_y_range(d, scale);
  return d;
}

bool PlotData::interval_is_one_rate() const {
  return interval && rate_text(interval->first) == rate_text(interval->second);
}

std::string rate_text(double lr) { return fmt::format("{:.3g}", lr); }

std::string loss_text(double loss) {
  return std::abs(loss) >= 1e4 && std::abs(loss) < 1e6 ? fmt::format("{:.0f}", loss) : fmt::format("{:.4g}", loss);
}

Span decades(double lo, double hi) {
  if (!(lo > 0.0) || !(hi >= lo) || !std::isfinite(hi)) return {-7.0, 1.0};
  Span span{std::floor(std::log10(lo) + 1e-9), std::ceil(std::log10(hi) - 1e-9)};
  if (span.hi <= span.lo) span.hi = span.lo + 1.0;
  return span;
}

std::optional<double> first_loss(const std::vector<Point>& curve) {
  for (const Point& p : curve)
    if (p.loss) return p.loss;
  return std::nullopt;
}

Span loss_span(std::vector<double> core, std::optional<double> reference) {
  if (core.empty()) return {0.0, 1.0};
  std::sort(core.begin(), core.end());
  const double lo = core.front();
  const double level = std::max(reference.value_or(lo), core[(core.size() - 1) / 2]);
  const double cap = lo + 4.0 * (level - lo);
  double hi = lo;
  for (const double v : core)
    if (v <= cap) hi = v;
  if (!(hi > lo)) hi = lo + std::max(std::abs(lo) * 0.1, 1e-12);
  if (!std::isfinite(hi - lo)) hi = lo + 1.0;  // losses near the double range
  return {lo, hi};
}

Span padded(Span span) {
  const double pad = 0.05 * (span.hi - span.lo);
  Span out{span.lo - pad, span.hi + pad};
  if (span.lo >= 0.0 && out.lo < 0.0) out.lo = 0.0;
  return out;
}

bool wants_log_axis(LossScale scale, double lowest_positive, double highest) {
  switch (scale) {
    case LossScale::kLinear:
      return false;
    case LossScale::kLog:
      return true;
    case LossScale::kAuto:
      break;
  }
  return std::isfinite(lowest_positive) && lowest_positive > 0.0 && highest > 100.0 * lowest_positive;
}

Span log_loss_span(double lowest_positive, double highest, double dip) {
  if (!(lowest_positive > 0.0) || !std::isfinite(lowest_positive)) return {0.1, 1.0};
  double lo = lowest_positive;
  if (dip > 0.0) lo = std::min(lo, std::max(dip, lowest_positive / 100.0));
  const double hi = std::isfinite(highest) ? std::max(highest, lowest_positive) : lowest_positive;
  // In decades, well inside the normal doubles (so that neither end nor the
  // padding underflows to 0 or overflows), kMaxLogDecades tall at most.
  double top = std::clamp(std::log10(hi), -300.0, 300.0);
  const double bottom = std::clamp(std::log10(lo), top - kMaxLogDecades, top);
  top = std::max(top, bottom + std::log10(1.1));  // a flat curve still gets a height
  const double pad = 0.05 * (top - bottom);
  return {std::pow(10.0, bottom - pad), std::pow(10.0, top + pad)};
}

}  // namespace lrfind::plot
