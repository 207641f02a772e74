#include "report/svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string_view>
#include <utility>
#include <vector>

#include "report/plot_data.hpp"
#include "report/svg_draw.hpp"
#include "report/svg_labels.hpp"

namespace lrfind {

namespace {

using Json = nlohmann::ordered_json;
using namespace plot;

using Svg = SvgWriter;

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

// Pointing down, its tip on y.
std::string triangle_down(double x, double y) {
  return fmt::format("M{} {} L{} {} L{} {} Z", num(x), num(y + 1), num(x - 4), num(y - 6), num(x + 4), num(y - 6));
}

std::string cross(double x, double y) {
  return fmt::format("M{} {} L{} {} M{} {} L{} {}", num(x - 4), num(y - 4), num(x + 4), num(y + 4), num(x - 4),
                     num(y + 4), num(x + 4), num(y - 4));
}

const char* dash(MarkerKind kind) {
  switch (kind) {
    case MarkerKind::kRecommended:
      return "none";
    case MarkerKind::kChecked:
      return "8,3,2,3";
    case MarkerKind::kSuggestion:
      return "2,3";
    case MarkerKind::kBound:
      return "7,4";
  }
  return "none";
}

double stroke_width(MarkerKind kind) {
  return kind == MarkerKind::kRecommended ? 2.5 : kind == MarkerKind::kChecked ? 2.0 : 1.4;
}

// `word` shortened from its start, "…" standing for what is cut, to at most
// `max_width` pixels: a long path keeps its file name.
std::string shorten(std::string_view word, double max_width, double size, bool bold) {
  std::size_t cut = 0;
  while (cut < word.size() && text_width("…" + std::string(word.substr(cut)), size, bold) > max_width) {
    ++cut;
    while (cut < word.size() && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) ++cut;  // whole characters
  }
  return "…" + std::string(word.substr(cut));
}

// Words of `s` in lines at most `max_width` pixels wide at `size` (a word
// wider than that is shortened).
std::vector<std::string> wrap(std::string_view s, double max_width, double size, bool bold = false) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t end = s.find(' ', start);
    if (end == std::string_view::npos) end = s.size();
    std::string word(s.substr(start, end - start));
    if (text_width(word, size, bold) > max_width) word = shorten(word, max_width, size, bold);
    if (!line.empty() && text_width(line + ' ' + word, size, bold) > max_width) {
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
  enum class Sample { kLine, kLineDots, kBand, kCross, kTriangle, kTriangleDown, kMarker, kNone } sample;
  std::string color;
  double width = 1.0;
  std::string dasharray = "none";
  double opacity = 1.0;
  std::string label;
  std::string detail;
  bool bold = false;
};

// The canvas: the plot on the left, the legend in a column on the right, the
// marker labels in rows between the heading and the plot.
constexpr double kWidth = 960.0;
constexpr double kLegendWidth = 250.0;
constexpr double kRowHeight = 15.0;
constexpr double kPlotHeight = 340.0;
constexpr double kLegendTextWidth = kLegendWidth - 32.0 - 6.0;  // beside the samples, within the canvas
constexpr double kHeadingWidth = kWidth - 80.0 - 10.0;             // from the frame's left edge

// Every curve, mark, band and marker line, in the order the legend lists them.
std::vector<LegendEntry> legend_entries(const PlotData& d, const Frame& f) {
  std::vector<LegendEntry> legend;
  using Sample = LegendEntry::Sample;
  if (!d.raw.empty()) {
    legend.push_back({Sample::kLine, "#9ecae1", 1.0, "none", 1.0, "batch loss (range test)",
                      d.method == "auto" ? "first bracketing test" : "", false});
    legend.push_back({Sample::kLine, "#1f77b4", 2.6, "none", 1.0, "smoothed loss",
                      d.smoothing > 0 ? fmt::format("moving average, beta = {:.4g}", d.smoothing) : "", false});
  }
  bool any_diverged = false;
  bool any_above = false;
  bool any_below = false;  // only on a log axis
  bool any_zero = false;
  for (const Point& p : d.scores)
    if (!p.loss || p.diverged) any_diverged = true;
  // The series that draw_curves marks with a triangle on the edge; the batch
  // loss is only cut off there, as it is too noisy to mark.
  for (const auto* s : {&d.smoothed, &d.scores})
    for (const Point& p : *s) {
      if (!p.loss || p.diverged) continue;
      any_above = any_above || f.above(*p.loss);
      any_below = any_below || f.below(*p.loss);
      any_zero = any_zero || *p.loss <= 0.0;
    }
  if (!d.scores.empty()) {
    std::string detail = d.scores_detail;
    if (d.method == "auto" && !d.raw.empty()) detail += "; same loss axis as the range test";
    legend.push_back({Sample::kLineDots, "#ff7f0e", 2.0, "none", 1.0, d.scores_label, detail, false});
  }
  if (any_diverged) legend.push_back({Sample::kCross, "#d62728", 1.8, "none", 1.0, "diverged", "", false});
  if (any_above) legend.push_back({Sample::kTriangle, "#555555", 1.0, "none", 1.0, "above the loss axis", "", false});
  if (any_below)
    legend.push_back({Sample::kTriangleDown, "#555555", 1.0, "none", 1.0, "below the loss axis",
                      any_zero ? "a loss of 0 has no place on a log scale" : "", false});
  if (d.untrained)
    legend.push_back(
        {Sample::kLine, "#7f7f7f", 1.2, "1,3", 1.0, "untrained model", "loss " + loss_text(*d.untrained), false});
  if (d.interval)
    legend.push_back({d.interval_is_one_rate() ? Sample::kNone : Sample::kBand, "#2ca02c", 1.0, "none", 0.18,
                      d.interval_label, "", false});
  for (const Marker& m : d.markers)
    legend.push_back({Sample::kMarker, m.color, stroke_width(m.kind), dash(m.kind), 1.0, m.label, m.detail,
                      m.kind == MarkerKind::kRecommended});
  for (const std::string& s : d.off_scale) legend.push_back({Sample::kNone, "", 1.0, "none", 1.0, s, "", false});
  return legend;
}

// A legend entry's lines: its label (11 pixels) and its detail (10 pixels, grey).
struct LegendLines {
  std::vector<std::string> label;
  std::vector<std::string> detail;
};
LegendLines legend_lines(const LegendEntry& e) {
  return {wrap(e.label, kLegendTextWidth, 11.0, e.bold), wrap(e.detail, kLegendTextWidth, 10.0)};
}

double legend_entry_height(const LegendLines& lines) {
  return 20.0 + 13.0 * static_cast<double>(lines.label.size() - 1 + lines.detail.size());
}

double legend_height(const std::vector<LegendEntry>& legend) {
  double height = 0.0;
  for (const LegendEntry& e : legend) height += legend_entry_height(legend_lines(e));
  return height;
}

// The title (15 pixels, bold) and the recommendation in words below it, each
// wrapped to the canvas; `bottom` is the last line's baseline.
struct Heading {
  std::vector<std::string> title;
  std::vector<std::string> subtitle;
  double bottom;
};
Heading lay_out_heading(const PlotData& d) {
  Heading h{wrap(d.title, kHeadingWidth, 15.0, true), wrap(d.subtitle, kHeadingWidth, 12.0), 0.0};
  if (h.title.empty()) h.title.push_back("");
  h.bottom = 24.0 + 19.0 * static_cast<double>(h.title.size() - 1) + 20.0 +
             15.0 * static_cast<double>(std::max<std::size_t>(h.subtitle.size(), 1) - 1);
  return h;
}

// The root element, title, background, heading and the plot area's clip path.
void draw_heading(Svg& svg, const PlotData& d, const Heading& h, const Frame& f, double height) {
  svg.add(R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" viewBox="0 0 {0} {1}" )"
          R"(font-family="DejaVu Sans, Verdana, Arial, sans-serif" font-size="12">)",
          kWidth, height);
  svg.add("<title>{}</title>", escape("loss against learning rate: " + d.title));
  svg.add(R"(<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>)", kWidth, height);
  double y = 24.0;
  for (const std::string& line : h.title) {
    svg.add(R"(<text x="{}" y="{}" font-size="15" font-weight="bold" fill="#222222">{}</text>)", num(f.left), num(y),
            escape(line));
    svg.note_text("title", line, f.left, y, 15.0, "start", true);
    y += 19.0;
  }
  y += 1.0;
  for (const std::string& line : h.subtitle) {
    svg.add(R"(<text x="{}" y="{}" font-size="12" fill="#444444">{}</text>)", num(f.left), num(y), escape(line));
    svg.note_text("subtitle", line, f.left, y, 12.0, "start");
    y += 15.0;
  }
  svg.add(R"(<defs><clipPath id="plot-area"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath></defs>)",
          num(f.left), num(f.top - 7), num(f.right - f.left), num(f.bottom - f.top + 14));
}

// Behind everything else: the interval's band and the untrained model's level.
void draw_backdrop(Svg& svg, const PlotData& d, const Frame& f) {
  if (d.interval && !d.interval_is_one_rate()) {
    const double a = f.x(d.interval->first);
    const double b = std::max(f.x(d.interval->second), a + 2.0);
    svg.add(R"(<rect class="interval" x="{}" y="{}" width="{}" height="{}" fill="#2ca02c" fill-opacity="0.18"/>)",
            num(a - (b - a < 2.5 ? 1.0 : 0.0)), num(f.top), num(b - a), num(f.bottom - f.top));
  }
  if (d.untrained)
    svg.add(R"(<line class="untrained" x1="{}" y1="{}" x2="{}" y2="{}" stroke="#7f7f7f" stroke-width="1.2" )"
            R"(stroke-dasharray="1,3"/>)",
            num(f.left), num(f.y(*d.untrained)), num(f.right), num(f.y(*d.untrained)));
}

// Each marker's line, from the plot's bottom up to its label.
void draw_marker_lines(Svg& svg, const Frame& f, const std::vector<PlacedLabel>& labels) {
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
}

// The curves, clipped to the plot area; one mark per score: a dot, a cross
// when diverged, a triangle on the top edge when above the axis, or pointing
// down on the bottom edge when below a log axis; then the frame.
void draw_curves(Svg& svg, const PlotData& d, const Frame& f) {
  const bool any_point = [&] {
    for (const auto* s : {&d.raw, &d.smoothed, &d.scores})
      if (!s->empty()) return true;
    return false;
  }();
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
  for (const Point& p : d.scores)
    if (p.loss && !p.diverged && !f.above(*p.loss) && !f.below(*p.loss))
      svg.add(R"(<circle class="score" cx="{}" cy="{}" r="3.2" fill="#ff7f0e" stroke="#ffffff" stroke-width="0.8"/>)",
              num(f.x(p.lr)), num(f.y(*p.loss)));
  for (const Point& p : d.scores)
    if (!p.loss || p.diverged)
      svg.add(R"(<path class="diverged" d="{}" stroke="#d62728" stroke-width="1.8" fill="none"/>)",
              cross(f.x(p.lr), f.top + 6.0));
  for (const auto* series : {&d.smoothed, &d.scores})
    for (const Point& p : *series) {
      if (!p.loss || p.diverged) continue;
      const char* colour = series == &d.scores ? "#ff7f0e" : "#1f77b4";
      if (f.above(*p.loss)) svg.add(R"(<path class="above" d="{}" fill="{}"/>)", triangle(f.x(p.lr), f.top), colour);
      if (f.below(*p.loss))
        svg.add(R"(<path class="below" d="{}" fill="{}"/>)", triangle_down(f.x(p.lr), f.bottom), colour);
    }
  if (!any_point) {
    const std::string note = "no finite losses to plot";
    svg.add(R"(<text x="{}" y="{}" text-anchor="middle" fill="#777777">{}</text>)", num((f.left + f.right) / 2),
            num((f.top + f.bottom) / 2), note);
    svg.note_text("note", note, (f.left + f.right) / 2, (f.top + f.bottom) / 2, 12.0, "middle");
  }
  svg.add(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#333333" stroke-width="1"/>)", num(f.left),
          num(f.top), num(f.right - f.left), num(f.bottom - f.top));
}

// Marker labels, on white so that a line passing behind does not cross them.
void draw_marker_labels(Svg& svg, const Frame& f, const std::vector<PlacedLabel>& labels) {
  svg.add(R"(<g class="marker-labels" font-size="11">)");
  for (const PlacedLabel& p : labels) {
    const double baseline = f.top - 8.0 - p.row * kRowHeight;
    const bool bold = p.marker->kind == MarkerKind::kRecommended;
    svg.add(R"(<rect x="{}" y="{}" width="{}" height="13" fill="#ffffff"/>)", num(p.lo), num(baseline - 10),
            num(p.hi - p.lo));
    svg.add(R"(<text x="{}" y="{}" text-anchor="{}" fill="{}"{}>{}</text>)", num(p.text_x), num(baseline), p.anchor,
            p.marker->color, bold ? R"( font-weight="bold")" : "", escape(p.marker->label));
    svg.note_text("marker-label", p.marker->label, p.text_x, baseline, 11.0, p.anchor, bold);
  }
  svg.add("</g>");
}

// A legend entry's sample of what it names, centred on height cy.
void draw_sample(Svg& svg, const LegendEntry& e, double lx, double cy) {
  using Sample = LegendEntry::Sample;
  switch (e.sample) {
    case Sample::kLine:
    case Sample::kLineDots:
      svg.add(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}" stroke-dasharray="{}"/>)", num(lx),
              num(cy), num(lx + 24), num(cy), e.color, e.width, e.dasharray);
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
    case Sample::kTriangleDown:
      svg.add(R"(<path d="{}" fill="{}"/>)", triangle_down(lx + 12, cy + 3), e.color);
      break;
    case Sample::kMarker:
      svg.add(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}" stroke-dasharray="{}"/>)",
              num(lx + 12), num(cy - 7), num(lx + 12), num(cy + 7), e.color, e.width, e.dasharray);
      break;
    case Sample::kNone:
      break;
  }
}

void draw_legend(Svg& svg, const Frame& f, const std::vector<LegendEntry>& legend) {
  const double lx = kWidth - kLegendWidth;
  double ly = f.top + 4.0;
  svg.add(R"(<g class="legend" font-size="11" fill="#222222">)");
  for (const LegendEntry& e : legend) {
    const double cy = ly + 6.0;
    draw_sample(svg, e, lx, cy);
    const LegendLines lines = legend_lines(e);
    double y = cy + 4;
    for (const std::string& line : lines.label) {
      svg.add(R"(<text x="{}" y="{}"{}>{}</text>)", num(lx + 32), num(y), e.bold ? R"( font-weight="bold")" : "",
              escape(line));
      svg.note_text("legend", line, lx + 32, y, 11.0, "start", e.bold);
      y += 13.0;
    }
    for (const std::string& line : lines.detail) {
      svg.add(R"(<text x="{}" y="{}" font-size="10" fill="#666666">{}</text>)", num(lx + 32), num(y),
              escape(line));
      svg.note_text("legend-detail", line, lx + 32, y, 10.0, "start");
      y += 13.0;
    }
    ly += legend_entry_height(lines);
  }
  svg.add("</g>");
}

}  // namespace

SvgPlot draw_svg(const Json& report, LossScale scale) {
  const PlotData d = read_plot_data(report, scale);

  Frame f{80.0, kWidth - kLegendWidth - 30.0, 0.0, 0.0, d.x_lo, d.x_hi, d.y_lo, d.y_hi, d.y_log};
  // Labels may run over the legend's column: the legend starts below their rows.
  std::vector<double> line_x;
  for (const Marker& m : d.markers) line_x.push_back(f.x(m.lr));
  const std::vector<PlacedLabel> labels = place_labels(d.markers, line_x, kWidth - 6.0);
  int rows = 0;
  for (const PlacedLabel& p : labels) rows = std::max(rows, p.row + 1);
  const Heading heading = lay_out_heading(d);
  f.top = heading.bottom + 18.0 + rows * kRowHeight + 8.0;
  f.bottom = f.top + kPlotHeight;

  // The legend first: its height can set the canvas's.
  const std::vector<LegendEntry> legend = legend_entries(d, f);
  const double height = std::ceil(std::max(f.bottom + 56.0, f.top + legend_height(legend) + 16.0));

  Svg svg;
  draw_heading(svg, d, heading, f, height);
  draw_loss_axis(svg, d, f);
  draw_rate_axis(svg, d, f);
  draw_axis_titles(svg, d, f);
  // Data, back to front: interval band, untrained level, marker lines, curves.
  draw_backdrop(svg, d, f);
  draw_marker_lines(svg, f, labels);
  draw_curves(svg, d, f);
  draw_marker_labels(svg, f, labels);
  draw_legend(svg, f, legend);
  svg.add("</svg>");
  return {std::move(svg.out), {0.0, 0.0, kWidth, height}, {f.left, f.top, f.right, f.bottom}, std::move(svg.texts)};
}

std::string render_svg(const Json& report, LossScale scale) { return draw_svg(report, scale).svg; }

}  // namespace lrfind
