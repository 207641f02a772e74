#include "report/plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "report/plot_data.hpp"

namespace lrfind {

namespace {

using Json = nlohmann::ordered_json;
using namespace plot;

// ---------------------------------------------------------------------------
// SVG

std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A coordinate: two decimals, and never a non-finite number.
std::string num(double v) {
  if (!std::isfinite(v)) v = 0.0;
  if (std::abs(v) < 0.005) v = 0.0;  // no "-0.00"
  return fmt::format("{:.2f}", v);
}

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Rough advance of sans-serif text: good enough to keep labels apart.
double text_width(std::string_view s, double size, bool bold = false) {
  return static_cast<double>(code_points(s)) * size * (bold ? 0.64 : 0.58);
}

struct Frame {
  double left, right, top, bottom;
  double x_lo, x_hi, y_lo, y_hi;
  double x(double lr) const { return left + (std::log10(lr) - x_lo) / (x_hi - x_lo) * (right - left); }
  // Clamped to the frame: a point beyond the loss range sits on the edge.
  double y(double loss) const {
    const double t = std::clamp((loss - y_lo) / (y_hi - y_lo), 0.0, 1.0);
    return bottom - t * (bottom - top);
  }
  bool above(double loss) const { return loss > y_hi; }
};

double nice_step(double span, int target) {
  const double raw = span / target;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  const double m = raw / p;
  return (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : m < 7.5 ? 5.0 : 10.0) * p;
}

std::string loss_tick(double v, double step) {
  if (std::abs(v) < step * 1e-6) v = 0.0;
  if (std::max(std::abs(v), step) >= 1e6 || step < 1e-4) return fmt::format("{:.3g}", v);
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  return fmt::format("{:.{}f}", v, decimals);
}

std::string decade_label(int k) {
  if (k >= -3 && k <= 3) return fmt::format("{:g}", std::pow(10.0, k));
  return fmt::format("1e{}", k);
}

struct Svg {
  std::string out;
  template <typename... Args>
  void add(fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
    out += '\n';
  }
};

// A polyline through the finite points, broken at each null.
std::string path_data(const std::vector<Point>& points, const Frame& f) {
  std::string d;
  bool pen_down = false;
  for (const Point& p : points) {
    if (!p.loss) {
      pen_down = false;
      continue;
    }
    d += fmt::format("{}{} {} ", pen_down ? "L" : "M", num(f.x(p.lr)), num(f.y(*p.loss)));
    pen_down = true;
  }
  if (!d.empty()) d.pop_back();
  return d;
}

std::string triangle(double x, double y) {
  return fmt::format("M{} {} L{} {} L{} {} Z", num(x), num(y - 1), num(x - 4), num(y + 6), num(x + 4), num(y + 6));
}

std::string cross(double x, double y) {
  return fmt::format("M{} {} L{} {} M{} {} L{} {}", num(x - 4), num(y - 4), num(x + 4), num(y + 4), num(x - 4),
                     num(y + 4), num(x + 4), num(y - 4));
}

const char* dash(MarkerKind kind) {
  switch (kind) {
    case MarkerKind::kRecommended:
      return "none";
    case MarkerKind::kSuggestion:
      return "2,3";
    case MarkerKind::kBound:
      return "7,4";
  }
  return "none";
}

double stroke_width(MarkerKind kind) { return kind == MarkerKind::kRecommended ? 2.5 : 1.4; }

struct PlacedLabel {
  const Marker* marker;
  int row;
  double line_x;
  double lo, hi;       // horizontal extent of the text
  const char* anchor;  // SVG text-anchor
  double text_x;
};

// Marker labels go in rows above the plot, each line rising to its label.
// A label sits centred on its line or beside it, in the lowest row where it
// overlaps no other label and no line runs behind it: a label may only cover
// the lines of markers labelled in a lower row. The recommended rate is
// placed first; a marker boxed in by unplaced neighbours waits until they are
// placed, which always succeeds for the leftmost one (its label can extend
// left over placed lines from a new row).
std::vector<PlacedLabel> place_labels(const std::vector<Marker>& markers, const Frame& f, double canvas_width) {
  const std::size_t n = markers.size();
  std::vector<PlacedLabel> placed;
  std::vector<int> row_of(n, -1);
  std::vector<double> line_x(n);
  for (std::size_t i = 0; i < n; ++i) line_x[i] = f.x(markers[i].lr);

  const auto try_place = [&](std::size_t i) {
    const Marker& m = markers[i];
    const double w = text_width(m.label, 11.0, m.kind == MarkerKind::kRecommended) + 4.0;
    const double x = line_x[i];
    struct Option {
      double lo;
      const char* anchor;
      double text_x;
    };
    const Option options[] = {{x - w / 2, "middle", x}, {x + 3.0, "start", x + 5.0}, {x - 3.0 - w, "end", x - 5.0}};
    int top_row = -1;
    for (const PlacedLabel& p : placed) top_row = std::max(top_row, p.row);
    for (int row = 0; row <= top_row + 1; ++row) {
      const bool line_hidden = std::any_of(placed.begin(), placed.end(), [&](const PlacedLabel& p) {
        return p.row < row && x > p.lo - 2.0 && x < p.hi + 2.0;
      });
      if (line_hidden) continue;
      for (const Option& o : options) {
        const double lo = o.lo;
        const double hi = o.lo + w;
        if (lo < 2.0 || hi > canvas_width) continue;
        const bool clash = std::any_of(placed.begin(), placed.end(), [&](const PlacedLabel& p) {
          return p.row == row && lo < p.hi + 6.0 && hi > p.lo - 6.0;
        });
        bool covers = false;
        for (std::size_t j = 0; j < n && !covers; ++j)
          covers = j != i && line_x[j] > lo - 2.0 && line_x[j] < hi + 2.0 && (row_of[j] < 0 || row_of[j] >= row);
        if (clash || covers) continue;
        placed.push_back({&m, row, x, lo, hi, o.anchor, o.text_x});
        row_of[i] = row;
        return true;
      }
    }
    return false;
  };

  for (std::size_t remaining = n; remaining > 0;) {
    bool progress = false;
    for (std::size_t i = 0; i < n; ++i)
      if (row_of[i] < 0 && try_place(i)) {
        --remaining;
        progress = true;
      }
    if (progress) continue;
    // Only near the canvas's edges can every option fail: take a fresh row.
    const std::size_t i = static_cast<std::size_t>(std::find(row_of.begin(), row_of.end(), -1) - row_of.begin());
    int top_row = -1;
    for (const PlacedLabel& p : placed) top_row = std::max(top_row, p.row);
    const double w = text_width(markers[i].label, 11.0, markers[i].kind == MarkerKind::kRecommended) + 4.0;
    const double lo = std::clamp(line_x[i] - w / 2, 2.0, std::max(2.0, canvas_width - w));
    placed.push_back({&markers[i], top_row + 1, line_x[i], lo, lo + w, "middle", lo + w / 2});
    row_of[i] = top_row + 1;
    --remaining;
  }
  return placed;
}

// Words of `s` in lines of at most `max_chars` code points (a longer word stands alone).
std::vector<std::string> wrap(std::string_view s, std::size_t max_chars) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t end = s.find(' ', start);
    if (end == std::string_view::npos) end = s.size();
    const std::string_view word = s.substr(start, end - start);
    if (!line.empty() && code_points(line) + 1 + code_points(word) > max_chars) {
      lines.push_back(line);
      line.clear();
    }
    if (!line.empty()) line += ' ';
    line += word;
    start = end + 1;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

struct LegendEntry {
  enum class Sample { kLine, kLineDots, kBand, kCross, kTriangle, kMarker, kNone } sample;
  std::string color;
  double width = 1.0;
  std::string dasharray = "none";
  double opacity = 1.0;
  std::string label;
  std::string detail;
  bool bold = false;
};

}  // namespace

std::string render_svg(const Json& report) {
  const PlotData d = read_plot_data(report);

  constexpr double kWidth = 960.0;
  constexpr double kLegendWidth = 250.0;
  constexpr double kRowHeight = 15.0;
  constexpr double kPlotHeight = 340.0;

  Frame f{80.0, kWidth - kLegendWidth - 30.0, 0.0, 0.0, d.x_lo, d.x_hi, d.y_lo, d.y_hi};
  // Labels may run over the legend's column: the legend starts below their rows.
  const std::vector<PlacedLabel> labels = place_labels(d.markers, f, kWidth - 6.0);
  int rows = 0;
  for (const PlacedLabel& p : labels) rows = std::max(rows, p.row + 1);
  f.top = 62.0 + rows * kRowHeight + 8.0;
  f.bottom = f.top + kPlotHeight;

  // Legend, built first: its height can set the canvas's.
  std::vector<LegendEntry> legend;
  using Sample = LegendEntry::Sample;
  const bool any_point = [&] {
    for (const auto* s : {&d.raw, &d.smoothed, &d.scores})
      if (!s->empty()) return true;
    return false;
  }();
  if (!d.raw.empty()) {
    legend.push_back({Sample::kLine, "#9ecae1", 1.0, "none", 1.0, "batch loss (range test)",
                      d.method == "auto" ? "first bracketing test" : "", false});
    legend.push_back({Sample::kLine, "#1f77b4", 2.6, "none", 1.0, "smoothed loss",
                      d.smoothing > 0 ? fmt::format("moving average, beta = {:.4g}", d.smoothing) : "", false});
  }
  bool any_diverged = false;
  bool any_above = false;
  for (const Point& p : d.scores) {
    if (!p.loss || p.diverged) any_diverged = true;
    if (p.loss && f.above(*p.loss)) any_above = true;
  }
  for (const auto* s : {&d.raw, &d.smoothed})
    for (const Point& p : *s)
      if (p.loss && f.above(*p.loss)) any_above = true;
  if (!d.scores.empty()) {
    std::string detail = d.scores_detail;
    if (d.method == "auto" && !d.raw.empty()) detail += "; same loss axis as the range test";
    legend.push_back({Sample::kLineDots, "#ff7f0e", 2.0, "none", 1.0, d.scores_label, detail, false});
  }
  if (any_diverged) legend.push_back({Sample::kCross, "#d62728", 1.8, "none", 1.0, "diverged", "", false});
  if (any_above) legend.push_back({Sample::kTriangle, "#555555", 1.0, "none", 1.0, "above the loss axis", "", false});
  if (d.untrained)
    legend.push_back(
        {Sample::kLine, "#7f7f7f", 1.2, "1,3", 1.0, "untrained model", "loss " + loss_text(*d.untrained), false});
  if (d.interval) legend.push_back({Sample::kBand, "#2ca02c", 1.0, "none", 0.18, d.interval_label, "", false});
  for (const Marker& m : d.markers)
    legend.push_back({Sample::kMarker, m.color, stroke_width(m.kind), dash(m.kind), 1.0, m.label, m.detail,
                      m.kind == MarkerKind::kRecommended});
  for (const std::string& s : d.off_scale) legend.push_back({Sample::kNone, "", 1.0, "none", 1.0, s, "", false});

  constexpr std::size_t kDetailChars = 36;
  double legend_height = 0.0;
  for (const LegendEntry& e : legend)
    legend_height += 20.0 + 13.0 * static_cast<double>(wrap(e.detail, kDetailChars).size());
  const double height = std::ceil(std::max(f.bottom + 56.0, f.top + legend_height + 16.0));

  Svg svg;
  svg.add(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" viewBox="0 0 {0} {1}" )"
          R"(font-family="DejaVu Sans, Verdana, Arial, sans-serif" font-size="12">)",
          kWidth, height);
  svg.add("<title>{}</title>", escape("loss against learning rate: " + d.title));
  svg.add(R"(<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>)", kWidth, height);
  svg.add(R"(<text x="{}" y="24" font-size="15" font-weight="bold" fill="#222222">{}</text>)", num(f.left),
          escape(d.title));
  svg.add(R"(<text x="{}" y="44" font-size="12" fill="#444444">{}</text>)", num(f.left), escape(d.subtitle));
  svg.add(R"(<defs><clipPath id="plot-area"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath></defs>)",
          num(f.left), num(f.top - 7), num(f.right - f.left), num(f.bottom - f.top + 14));

  // Axes: loss grid lines and ticks, then decade ticks with minor ticks between.
  const double y_step = nice_step(d.y_hi - d.y_lo, 5);
  svg.add(R"(<g class="yaxis" stroke="#e6e6e6" stroke-width="1">)");
  std::vector<std::pair<double, std::string>> y_ticks;
  for (double v = std::ceil(d.y_lo / y_step - 1e-9) * y_step; v <= d.y_hi + y_step * 1e-9; v += y_step) {
    y_ticks.emplace_back(f.y(v), loss_tick(v, y_step));
    svg.add(R"(<line x1="{}" y1="{}" x2="{}" y2="{}"/>)", num(f.left), num(f.y(v)), num(f.right), num(f.y(v)));
    if (y_ticks.size() > 20) break;
  }
  svg.add("</g>");
  svg.add(R"(<g class="yticks" font-size="11" fill="#333333" text-anchor="end">)");
  for (const auto& [y, label] : y_ticks)
    svg.add(R"(<text x="{}" y="{}">{}</text>)", num(f.left - 6), num(y + 4), label);
  svg.add("</g>");

  const int first_decade = static_cast<int>(std::ceil(d.x_lo - 1e-9));
  const int last_decade = static_cast<int>(std::floor(d.x_hi + 1e-9));
  const double decade_px = (f.right - f.left) / (d.x_hi - d.x_lo);
  const int label_every = decade_px >= 44.0 ? 1 : decade_px >= 22.0 ? 2 : 5;
  svg.add(R"(<g class="xaxis" stroke="#e6e6e6" stroke-width="1">)");
  for (int k = first_decade; k <= last_decade; ++k) {
    const double x = f.x(std::pow(10.0, k));
    svg.add(R"(<line class="xtick" data-log10="{}" x1="{}" y1="{}" x2="{}" y2="{}"/>)", k, num(x), num(f.top), num(x),
            num(f.bottom));
  }
  svg.add("</g>");
  svg.add(R"(<g class="xminor" stroke="#999999" stroke-width="1">)");
  for (int k = first_decade - 1; k <= last_decade && decade_px >= 30.0; ++k)
    for (int m = 2; m <= 9; ++m) {
      const double lr = m * std::pow(10.0, k);
      if (std::log10(lr) < d.x_lo || std::log10(lr) > d.x_hi) continue;
      svg.add(R"(<line x1="{}" y1="{}" x2="{}" y2="{}"/>)", num(f.x(lr)), num(f.bottom), num(f.x(lr)),
              num(f.bottom + 3));
    }
  for (int k = first_decade; k <= last_decade; ++k) {
    const double x = f.x(std::pow(10.0, k));
    svg.add(R"(<line x1="{}" y1="{}" x2="{}" y2="{}"/>)", num(x), num(f.bottom), num(x), num(f.bottom + 6));
  }
  svg.add("</g>");
  svg.add(R"(<g class="xticks" font-size="11" fill="#333333" text-anchor="middle">)");
  for (int k = first_decade; k <= last_decade; ++k)
    if ((k - first_decade) % label_every == 0)
      svg.add(R"(<text x="{}" y="{}">{}</text>)", num(f.x(std::pow(10.0, k))), num(f.bottom + 19), decade_label(k));
  svg.add("</g>");
  svg.add(R"(<text x="{}" y="{}" text-anchor="middle" fill="#222222">learning rate (log scale)</text>)",
          num((f.left + f.right) / 2), num(f.bottom + 40));
  const double y_mid = (f.top + f.bottom) / 2;
  svg.add(
      R"svg(<text x="{0}" y="{1}" text-anchor="middle" fill="#222222" transform="rotate(-90 {0} {1})">{2}</text>)svg",
      num(20.0), num(y_mid), escape(d.loss_name.empty() ? "loss" : "loss (" + d.loss_name + ")"));

  // Data, back to front: interval band, untrained level, marker lines, curves.
  if (d.interval) {
    const double a = f.x(d.interval->first);
    const double b = std::max(f.x(d.interval->second), a + 2.0);
    svg.add(R"(<rect class="interval" x="{}" y="{}" width="{}" height="{}" fill="#2ca02c" fill-opacity="0.18"/>)",
            num(a - (b - a < 2.5 ? 1.0 : 0.0)), num(f.top), num(b - a), num(f.bottom - f.top));
  }
  if (d.untrained)
    svg.add(R"(<line class="untrained" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#7f7f7f" stroke-width="1.2" )"
            R"(stroke-dasharray="1,3"/>)",
            num(f.left), num(f.y(*d.untrained)), num(f.right), num(f.y(*d.untrained)));

  std::vector<PlacedLabel> by_prominence = labels;  // the recommended line last, on top
  std::stable_partition(by_prominence.begin(), by_prominence.end(),
                        [](const PlacedLabel& p) { return p.marker->kind != MarkerKind::kRecommended; });
  for (auto it = by_prominence.begin(); it != by_prominence.end(); ++it) {
    const Marker& m = *it->marker;
    const double x = f.x(m.lr);
    const double baseline = f.top - 8.0 - it->row * kRowHeight;
    const double line_top = std::string_view(it->anchor) == "middle" ? baseline + 3.0 : baseline - 4.0;
    svg.add(R"(<line class="marker {}" data-lr="{}" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}" )"
            R"(stroke-dasharray="{}"/>)",
            m.id, fmt::format("{:.6g}", m.lr), num(x), num(f.bottom), num(x), num(line_top), m.color,
            stroke_width(m.kind), dash(m.kind));
  }

  svg.add(R"svg(<g clip-path="url(#plot-area)" fill="none" stroke-linejoin="round" stroke-linecap="round">)svg");
  if (!d.raw.empty()) svg.add(R"(<path class="raw" d="{}" stroke="#9ecae1" stroke-width="1"/>)", path_data(d.raw, f));
  if (!d.smoothed.empty())
    svg.add(R"(<path class="smoothed" d="{}" stroke="#1f77b4" stroke-width="2.6"/>)", path_data(d.smoothed, f));
  if (!d.scores.empty()) {
    std::vector<Point> joined;  // a candidate with no loss does not break the line through the others
    for (const Point& p : d.scores)
      if (p.loss) joined.push_back(p);
    svg.add(R"(<path class="scores" d="{}" stroke="#ff7f0e" stroke-width="2"/>)", path_data(joined, f));
  }
  svg.add("</g>");
  // One mark per score: a dot, a cross when diverged, a triangle on the top edge when above the axis.
  for (const Point& p : d.scores)
    if (p.loss && !p.diverged && !f.above(*p.loss))
      svg.add(R"(<circle class="score" cx="{}" cy="{}" r="3.2" fill="#ff7f0e" stroke="#ffffff" stroke-width="0.8"/>)",
              num(f.x(p.lr)), num(f.y(*p.loss)));
  for (const Point& p : d.scores)
    if (!p.loss || p.diverged)
      svg.add(R"(<path class="diverged" d="{}" stroke="#d62728" stroke-width="1.8" fill="none"/>)",
              cross(f.x(p.lr), f.top + 6.0));
  for (const auto* series : {&d.smoothed, &d.scores})
    for (const Point& p : *series)
      if (p.loss && f.above(*p.loss) && !p.diverged)
        svg.add(R"(<path class="above" d="{}" fill="{}"/>)", triangle(f.x(p.lr), f.top),
                series == &d.scores ? "#ff7f0e" : "#1f77b4");
  if (!any_point)
    svg.add(R"(<text x="{}" y="{}" text-anchor="middle" fill="#777777">no finite losses to plot</text>)",
            num((f.left + f.right) / 2), num(y_mid));
  svg.add(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#333333" stroke-width="1"/>)", num(f.left),
          num(f.top), num(f.right - f.left), num(f.bottom - f.top));

  // Marker labels, on white so that a line passing behind does not cross them.
  svg.add(R"(<g class="marker-labels" font-size="11">)");
  for (const PlacedLabel& p : labels) {
    const double baseline = f.top - 8.0 - p.row * kRowHeight;
    const bool bold = p.marker->kind == MarkerKind::kRecommended;
    svg.add(R"(<rect x="{}" y="{}" width="{}" height="13" fill="#ffffff"/>)", num(p.lo), num(baseline - 10),
            num(p.hi - p.lo));
    svg.add(R"(<text x="{}" y="{}" text-anchor="{}" fill="{}"{}>{}</text>)", num(p.text_x), num(baseline), p.anchor,
            p.marker->color, bold ? R"( font-weight="bold")" : "", escape(p.marker->label));
  }
  svg.add("</g>");

  // Legend.
  const double lx = kWidth - kLegendWidth;
  double ly = f.top + 4.0;
  svg.add(R"(<g class="legend" font-size="11" fill="#222222">)");
  for (const LegendEntry& e : legend) {
    const double cy = ly + 6.0;
    switch (e.sample) {
      case Sample::kLine:
      case Sample::kLineDots:
        svg.add(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}" stroke-dasharray="{}"/>)",
                num(lx), num(cy), num(lx + 24), num(cy), e.color, e.width, e.dasharray);
        if (e.sample == Sample::kLineDots)
          svg.add(R"(<circle cx="{}" cy="{}" r="3.2" fill="{}"/>)", num(lx + 12), num(cy), e.color);
        break;
      case Sample::kBand:
        svg.add(R"(<rect x="{}" y="{}" width="24" height="12" fill="{}" fill-opacity="{}"/>)", num(lx), num(cy - 6),
                e.color, e.opacity);
        break;
      case Sample::kCross:
        svg.add(R"(<path d="{}" stroke="{}" stroke-width="1.8" fill="none"/>)", cross(lx + 12, cy), e.color);
        break;
      case Sample::kTriangle:
        svg.add(R"(<path d="{}" fill="{}"/>)", triangle(lx + 12, cy - 3), e.color);
        break;
      case Sample::kMarker:
        svg.add(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}" stroke-dasharray="{}"/>)",
                num(lx + 12), num(cy - 7), num(lx + 12), num(cy + 7), e.color, e.width, e.dasharray);
        break;
      case Sample::kNone:
        break;
    }
    svg.add(R"(<text x="{}" y="{}"{}>{}</text>)", num(lx + 32), num(cy + 4), e.bold ? R"( font-weight="bold")" : "",
            escape(e.label));
    const std::vector<std::string> detail = wrap(e.detail, kDetailChars);
    for (std::size_t i = 0; i < detail.size(); ++i)
      svg.add(R"(<text x="{}" y="{}" font-size="10" fill="#666666">{}</text>)", num(lx + 32),
              num(cy + 17 + 13.0 * static_cast<double>(i)), escape(detail[i]));
    ly += 20.0 + 13.0 * static_cast<double>(detail.size());
  }
  svg.add("</g>");
  svg.add("</svg>");
  return svg.out;
}

// ---------------------------------------------------------------------------
// Terminal

namespace {

// Braille cells hold 2 x 4 dots; bit of dot (column, row) in U+2800 + bits.
constexpr std::uint8_t kBrailleBit[2][4] = {{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}};

std::string braille(std::uint8_t bits) {
  const unsigned code = 0x2800u + bits;
  std::string s;
  s += static_cast<char>(0xE0 | (code >> 12));
  s += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
  s += static_cast<char>(0x80 | (code & 0x3F));
  return s;
}

// The first `width` code points of `s`, padded with spaces to `width`.
std::string fit(std::string_view s, std::size_t width) {
  std::string out;
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool starts = (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    if (starts && n == width) break;
    if (starts) ++n;
    out += s[i];
  }
  out.append(width - n, ' ');
  return out;
}

}  // namespace

std::string render_terminal_plot(const Json& report, int width, int height) {
  const PlotData d = read_plot_data(report);
  const std::vector<Point>& curve = d.main();

  // Axes of their own, fitted to this one curve and the recommended rate.
  double lr_lo = std::numeric_limits<double>::infinity();
  double lr_hi = -lr_lo;
  std::vector<double> losses;
  for (const Point& p : curve) {
    lr_lo = std::min(lr_lo, p.lr);
    lr_hi = std::max(lr_hi, p.lr);
    if (p.loss) losses.push_back(*p.loss);
  }
  if (d.recommended) {
    lr_lo = std::min(lr_lo, *d.recommended);
    lr_hi = std::max(lr_hi, *d.recommended);
  }
  if (d.untrained) losses.push_back(*d.untrained);
  const Span x_span = decades(lr_lo, lr_hi);
  const Span y_span = padded(loss_span(std::move(losses), d.untrained ? d.untrained : first_loss(curve)));
  const std::size_t total_width = static_cast<std::size_t>(std::max(width, 30));
  const std::size_t rows = static_cast<std::size_t>(std::max(height, 6)) - 3;  // axis, rates, recommendation

  const std::string top_label = fmt::format("{:.3g}", y_span.hi);
  const std::string bottom_label = fmt::format("{:.3g}", y_span.lo);
  const std::size_t gutter = std::max(top_label.size(), bottom_label.size()) + 1;
  const std::size_t cols = total_width - gutter - 1;
  const std::size_t dots_x = cols * 2;
  const std::size_t dots_y = rows * 4;

  std::vector<std::uint8_t> cells(rows * cols, 0);
  const auto to_dot_x = [&](double lr) {
    const double t = (std::log10(lr) - x_span.lo) / (x_span.hi - x_span.lo);
    return std::clamp(t * static_cast<double>(dots_x - 1), 0.0, static_cast<double>(dots_x - 1));
  };
  const auto to_dot_y = [&](double loss) {
    const double t = std::clamp((loss - y_span.lo) / (y_span.hi - y_span.lo), 0.0, 1.0);
    return (1.0 - t) * static_cast<double>(dots_y - 1);
  };
  const auto plot_dot = [&](double x, double y) {
    const auto ix = static_cast<std::size_t>(std::lround(x));
    const auto iy = static_cast<std::size_t>(std::lround(y));
    cells[(iy / 4) * cols + ix / 2] |= kBrailleBit[ix % 2][iy % 4];
  };

  bool pen_down = false;
  double px = 0.0;
  double py = 0.0;
  for (const Point& p : curve) {
    if (!p.loss) {
      if (d.scores.empty()) pen_down = false;  // range test: a null breaks the curve; scores join across it
      continue;
    }
    const double x = to_dot_x(p.lr);
    const double y = to_dot_y(*p.loss);
    if (pen_down) {
      const int steps = static_cast<int>(std::ceil(std::max(std::abs(x - px), std::abs(y - py))));
      for (int s = 1; s <= steps; ++s) {
        const double t = static_cast<double>(s) / steps;
        plot_dot(px + t * (x - px), py + t * (y - py));
      }
    }
    plot_dot(x, y);
    px = x;
    py = y;
    pen_down = true;
  }

  std::optional<std::size_t> marker_col;
  if (d.recommended) marker_col = static_cast<std::size_t>(std::lround(to_dot_x(*d.recommended))) / 2;

  std::string out;
  for (std::size_t r = 0; r < rows; ++r) {
    std::string line;
    if (r == 0) {
      line = fmt::format("{:>{}}┤", top_label, gutter);
    } else if (r + 1 == rows) {
      line = fmt::format("{:>{}}┤", bottom_label, gutter);
    } else {
      line = std::string(gutter, ' ') + "│";
    }
    for (std::size_t c = 0; c < cols; ++c) {
      const std::uint8_t bits = cells[r * cols + c];
      if (bits != 0) {
        line += braille(bits);
      } else if (marker_col && c == *marker_col) {
        line += "│";
      } else {
        line += ' ';
      }
    }
    out += fit(line, total_width) + '\n';
  }

  std::string axis = std::string(gutter, ' ') + "└";
  for (std::size_t c = 0; c < cols; ++c) axis += marker_col && c == *marker_col ? "┴" : "─";
  out += fit(axis, total_width) + '\n';

  // Rates at both ends of the axis, and the recommended one under its column when it fits.
  std::string rates(total_width, ' ');
  const std::string left = rate_text(std::pow(10.0, x_span.lo));
  const std::string right = rate_text(std::pow(10.0, x_span.hi));
  rates.replace(gutter, left.size(), left);
  rates.replace(total_width - right.size(), right.size(), right);
  if (marker_col) {
    const std::string value = rate_text(*d.recommended);
    const std::size_t centre = gutter + 1 + *marker_col;
    const std::size_t start = centre >= value.size() / 2 ? centre - value.size() / 2 : 0;
    if (start > gutter + left.size() && start + value.size() < total_width - right.size())
      rates.replace(start, value.size(), value);
  }
  out += rates + '\n';

  std::string caption;
  if (d.recommended) {
    caption = "│ recommended lr " + rate_text(*d.recommended) + "; curve: " + d.main_name();
  } else {
    caption = "no usable rate" + (d.reason.empty() ? std::string() : ": " + d.reason);
  }
  out += fit(caption, total_width) + '\n';
  return out;
}

}  // namespace lrfind
