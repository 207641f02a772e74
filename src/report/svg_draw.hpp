// What the parts of the SVG plot share (report/svg.cpp, report/svg_axes.cpp):
// the document being written with the box of every text written into it,
// coordinates, escaping, and the frame that maps rates and losses to pixels.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "report/plot_data.hpp"
#include "report/svg.hpp"

namespace lrfind::plot {

// Text for an SVG attribute or element: the five XML entities, and "?" for
// the control characters XML forbids.
std::string escape(std::string_view s);

// A coordinate: two decimals, and never a non-finite number.
std::string num(double v);

// The SVG being written, and where its texts went.
struct SvgWriter {
  std::string out;
  std::vector<TextBox> texts;

  template <typename... Args>
  void add(fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
    out += '\n';
  }
  // Records the box of a text just written at x (its text-anchor point) on
  // baseline y, `size` pixels tall, anchored "start", "middle" or "end":
  // text_width wide, from the font's ascent above the baseline to its
  // descent below.
  void note_text(std::string role, std::string_view text, double x, double y, double size, std::string_view anchor,
                 bool bold = false);
  // The same for a text turned a quarter left (rotate(-90)) about its anchor
  // point (x, y), centred there.
  void note_upright_text(std::string role, std::string_view text, double x, double y, double size);
};

struct Frame {
  double left, right, top, bottom;
  double x_lo, x_hi, y_lo, y_hi;
  bool y_log = false;  // y_lo > 0 then
  double x(double lr) const { return left + (std::log10(lr) - x_lo) / (x_hi - x_lo) * (right - left); }
  // Clamped to the frame: a point beyond the loss range sits on the edge (on
  // a log axis, a loss at or below 0 on the bottom edge).
  double y(double loss) const {
    double t = 0.0;
    if (!y_log)
      t = (loss - y_lo) / (y_hi - y_lo);
    else if (loss > 0.0)
      t = std::log10(loss / y_lo) / std::log10(y_hi / y_lo);
    return bottom - std::clamp(t, 0.0, 1.0) * (bottom - top);
  }
  bool above(double loss) const { return loss > y_hi; }
  bool below(double loss) const { return loss < y_lo; }
};

// The axes (report/svg_axes.cpp): loss grid lines and ticks, rate decades
// with minor ticks, and the two axis titles.
void draw_loss_axis(SvgWriter& svg, const PlotData& d, const Frame& f);
void draw_rate_axis(SvgWriter& svg, const PlotData& d, const Frame& f);
void draw_axis_titles(SvgWriter& svg, const PlotData& d, const Frame& f);

}  // namespace lrfind::plot
