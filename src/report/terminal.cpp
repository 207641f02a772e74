#include "report/terminal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
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

// The plot's own axes, fitted to its one curve and the recommended rate, and
// where its parts go: `gutter` columns of loss labels, the axis, then `cols`
// cells of braille over `rows` lines.
struct Layout {
  Span x_span;  // log10 of the rates, whole decades
  Span y_span;  // losses
  std::size_t total_width;
  std::size_t rows;
  std::string top_label;
  std::string bottom_label;
  std::size_t gutter;
  std::size_t cols;
};

Layout lay_out(const PlotData& d, int width, int height) {
  const std::vector<Point>& curve = d.main();
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
  // Below the plot: the axis, the rates, the recommendation and lr-find check's rate.
  const std::size_t rows = static_cast<std::size_t>(std::max(height, 6)) - (d.checked ? 4 : 3);

  std::string top_label = fmt::format("{:.3g}", y_span.hi);
  std::string bottom_label = fmt::format("{:.3g}", y_span.lo);
  const std::size_t gutter = std::max(top_label.size(), bottom_label.size()) + 1;
  const std::size_t cols = total_width - gutter - 1;
  return {x_span, y_span, total_width, rows, std::move(top_label), std::move(bottom_label), gutter, cols};
}

// The braille dots of the plot's cells: dot x grows with log10(rate), dot y
// downwards from the loss axis's top; a loss beyond the axis sits on its edge.
class DotCanvas {
 public:
  explicit DotCanvas(const Layout& layout)
      : layout_(layout), dots_x_(layout.cols * 2), dots_y_(layout.rows * 4), cells_(layout.rows * layout.cols, 0) {}

  double x(double lr) const {
    const double t = (std::log10(lr) - layout_.x_span.lo) / (layout_.x_span.hi - layout_.x_span.lo);
    return std::clamp(t * static_cast<double>(dots_x_ - 1), 0.0, static_cast<double>(dots_x_ - 1));
  }
  double y(double loss) const {
    const double t = std::clamp((loss - layout_.y_span.lo) / (layout_.y_span.hi - layout_.y_span.lo), 0.0, 1.0);
    return (1.0 - t) * static_cast<double>(dots_y_ - 1);
  }
  void dot(double x, double y) {
    const auto ix = static_cast<std::size_t>(std::lround(x));
    const auto iy = static_cast<std::size_t>(std::lround(y));
    cells_[(iy / 4) * layout_.cols + ix / 2] |= kBrailleBit[ix % 2][iy % 4];
  }
  std::uint8_t cell(std::size_t row, std::size_t col) const { return cells_[row * layout_.cols + col]; }

 private:
  const Layout& layout_;
  std::size_t dots_x_;
  std::size_t dots_y_;
  std::vector<std::uint8_t> cells_;
};

// The curve as dots joined by straight runs of dots. A null breaks a range
// test's curve; scores (auto, grid) are joined across it.
void draw_curve(DotCanvas& canvas, const std::vector<Point>& curve, bool join_across_nulls) {
  bool pen_down = false;
  double px = 0.0;
  double py = 0.0;
  for (const Point& p : curve) {
    if (!p.loss) {
      if (!join_across_nulls) pen_down = false;
      continue;
    }
    const double x = canvas.x(p.lr);
    const double y = canvas.y(*p.loss);
    if (pen_down) {
      const int steps = static_cast<int>(std::ceil(std::max(std::abs(x - px), std::abs(y - py))));
      for (int s = 1; s <= steps; ++s) {
        const double t = static_cast<double>(s) / steps;
        canvas.dot(px + t * (x - px), py + t * (y - py));
      }
    }
    canvas.dot(x, y);
    px = x;
    py = y;
    pen_down = true;
  }
}

// The plot's lines: the loss range's ends labelled on the left, a column │
// at the recommended rate and ┊ at lr-find check's rate where no dot is.
std::string plot_lines(const DotCanvas& canvas, const Layout& l, std::optional<std::size_t> marker_col,
                       std::optional<std::size_t> checked_col) {
  std::string out;
  for (std::size_t r = 0; r < l.rows; ++r) {
    std::string line;
    if (r == 0) {
      line = fmt::format("{:>{}}┤", l.top_label, l.gutter);
    } else if (r + 1 == l.rows) {
      line = fmt::format("{:>{}}┤", l.bottom_label, l.gutter);
    } else {
      line = std::string(l.gutter, ' ') + "│";
    }
    for (std::size_t c = 0; c < l.cols; ++c) {
      const std::uint8_t bits = canvas.cell(r, c);
      if (bits != 0) {
        line += braille(bits);
      } else if (marker_col && c == *marker_col) {
        line += "│";
      } else if (checked_col && c == *checked_col) {
        line += "┊";
      } else {
        line += ' ';
      }
    }
    out += fit(line, l.total_width) + '\n';
  }
  return out;
}

// The rate axis, with the recommended rate's column standing on it.
std::string axis_line(const Layout& l, std::optional<std::size_t> marker_col) {
  std::string axis = std::string(l.gutter, ' ') + "└";
  for (std::size_t c = 0; c < l.cols; ++c) axis += marker_col && c == *marker_col ? "┴" : "─";
  return fit(axis, l.total_width) + '\n';
}

// Rates at both ends of the axis, and the recommended one under its column when it fits.
std::string rate_line(const PlotData& d, const Layout& l, std::optional<std::size_t> marker_col) {
  std::string rates(l.total_width, ' ');
  const std::string left = rate_text(std::pow(10.0, l.x_span.lo));
  const std::string right = rate_text(std::pow(10.0, l.x_span.hi));
  rates.replace(l.gutter, left.size(), left);
  rates.replace(l.total_width - right.size(), right.size(), right);
  if (marker_col) {
    const std::string value = rate_text(*d.recommended);
    const std::size_t centre = l.gutter + 1 + *marker_col;
    const std::size_t start = centre >= value.size() / 2 ? centre - value.size() / 2 : 0;
    if (start > l.gutter + left.size() && start + value.size() < l.total_width - right.size())
      rates.replace(start, value.size(), value);
  }
  return rates + '\n';
}

// The recommended rate and the curve's name, or why there is no rate; then
// lr-find check's rate and verdict.
std::string caption_line(const PlotData& d, const Layout& l) {
  std::string caption;
  if (d.recommended) {
    caption = "│ recommended lr " + rate_text(*d.recommended) + "; curve: " + d.main_name();
  } else {
    caption = "no usable rate" + (d.reason.empty() ? std::string() : ": " + d.reason);
  }
  std::string out = fit(caption, l.total_width) + '\n';
  if (d.checked)
    out += fit("┊ checked " + rate_text(*d.checked) + (d.verdict.empty() ? "" : ": " + d.verdict), l.total_width) +
           '\n';
  return out;
}

}  // namespace

std::string render_terminal_plot(const Json& report, int width, int height) {
  const PlotData d = read_plot_data(report);
  const Layout layout = lay_out(d, width, height);
  DotCanvas canvas(layout);
  draw_curve(canvas, d.main(), !d.scores.empty());
  std::optional<std::size_t> marker_col;
  if (d.recommended) marker_col = static_cast<std::size_t>(std::lround(canvas.x(*d.recommended))) / 2;
  std::optional<std::size_t> checked_col;
  if (d.checked) checked_col = static_cast<std::size_t>(std::lround(canvas.x(*d.checked))) / 2;
  return plot_lines(canvas, layout, marker_col, checked_col) + axis_line(layout, marker_col) + rate_line(d, layout, marker_col) +
         caption_line(d, layout);
}

}  // namespace lrfind
