// What the two plots of a report draw (report/svg.cpp and report/terminal.cpp),
// read once from make_report's JSON: the curves, the marker lines, the
// interval, the captions and the axis ranges they share. Reading goes through
// report/json_read.hpp, so a missing or mistyped field leaves a curve empty or
// a marker out, and never throws.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lrfind::plot {

// The loss axis: linear, logarithmic, or (auto) logarithmic when the losses
// it shows span more than two decades.
enum class LossScale { kAuto, kLinear, kLog };

struct Point {
  double lr = 0.0;
  std::optional<double> loss;  // empty: null in the report (non-finite)
  bool diverged = false;
};

enum class MarkerKind { kRecommended, kChecked, kSuggestion, kBound };

struct Marker {
  std::string id;     // class name in the SVG; several, space-separated, for merged markers
  std::string label;  // text on the plot and in the legend: "NAME RATE" or "NAME = NAME RATE"
  std::string detail;
  double lr = 0.0;
  MarkerKind kind = MarkerKind::kSuggestion;
  const char* color = "#555555";
};

// Everything the two renderers draw, read once from the report, with the axis
// ranges they share.
struct PlotData {
  std::string method;
  std::string title;     // the visible heading
  std::string subtitle;  // the recommendation in words
  std::string loss_name;
  std::string dataset;

  std::vector<Point> raw;       // range test: batch loss
  std::vector<Point> smoothed;  // range test: smoothed loss
  double smoothing = 0.0;
  std::vector<Point> scores;  // auto: cross-validated loss per candidate; grid: final loss per rate
  std::string scores_label;
  std::string scores_detail;

  std::optional<double> untrained;
  std::optional<std::pair<double, double>> interval;
  std::string interval_label;
  std::vector<Marker> markers;         // the recommended rate first; one per rate as written
  std::vector<std::string> off_scale;  // bounds too far from the data to draw
  std::optional<double> recommended;
  std::optional<double> checked;  // lr-find check: the rate under check (check.lr)
  std::string verdict;            // and its verdict in words: "passed", "too high", ...
  std::string rule;
  std::string reason;

  // log10 of the x range (whole decades) and the clipped loss range; on a
  // log loss axis y_lo > 0 and a loss at or below 0 sits on its bottom edge.
  double x_lo = -7.0;
  double x_hi = 1.0;
  double y_lo = 0.0;
  double y_hi = 1.0;
  bool y_log = false;

  // An interval whose ends the plot writes as one rate: no band to shade.
  bool interval_is_one_rate() const;

  // The curve the recommendation is read from.
  const std::vector<Point>& main() const { return scores.empty() ? smoothed : scores; }
  std::string main_name() const {
    if (method == "auto") return "cross-validated loss";
    if (!scores.empty()) return scores_label;
    return "smoothed loss";
  }
};

// The report read for the plots. Markers: the recommended rate, lr-find
// check's rate (the verdict leads the subtitle), each finite suggestion, then, for plain SGD (bounds_view), the theory's bounds "2/L" and
// "1/(2L(b))" when within two decades of the data (else they are only named in
// off_scale); markers whose
// rates print alike are merged into one, "recommended = minimum_div_10 0.394". The x range
// covers the curves, the interval and the markers; the y range is loss_span
// of the curves, padded, on the axis `scale` chooses (see loss_axis).
PlotData read_plot_data(const nlohmann::ordered_json& report, LossScale scale = LossScale::kAuto);

// A rate as the plots write it: 3 significant digits.
std::string rate_text(double lr);

// A loss as the plots write it: 4 significant digits, without an exponent
// below a million.
std::string loss_text(double loss);

struct Span {
  double lo;
  double hi;
};

// log10 of whole decades around the rates lo..hi, at least one decade wide;
// -7..1 when lo..hi is not a range of positive rates.
Span decades(double lo, double hi);

// The first finite loss of a curve.
std::optional<double> first_loss(const std::vector<Point>& curve);

// The loss axis runs from the lowest loss to the highest one that is not
// exploding: at most 4 times the drop from the reference level (the untrained
// model, else the curve's first point, or the median loss if higher) above
// the minimum, as fastai's stop rule bounds the smoothed loss by 4 times its
// minimum. 0..1 without losses.
Span loss_span(std::vector<double> core, std::optional<double> reference);

// 5% more on each side, never below zero for non-negative losses.
Span padded(Span span);

// Whether the loss axis is logarithmic: always for kLog, never for kLinear,
// and for kAuto when the axis's highest loss is over 100 times the lowest
// positive loss shown (lowest_positive; infinite when there is none).
bool wants_log_axis(LossScale scale, double lowest_positive, double highest);

// The most decades a log loss axis spans (before padding): a loss 1e-10 of
// the highest one shown is as good as 0 for choosing a rate, and a separable
// data set's losses can fall to 1e-224, which would squeeze the curves that
// matter into the top of the plot. Lower losses sit on the bottom edge.
inline constexpr double kMaxLogDecades = 10.0;

// A log axis from the lowest positive loss shown to `highest`, reaching down
// to `dip` (the batch loss's lowest positive value) but by two decades at
// most, and kMaxLogDecades tall at most, 5% of its decades more on each side;
// 0.1..1 without a positive loss.
Span log_loss_span(double lowest_positive, double highest, double dip);

}  // namespace lrfind::plot
