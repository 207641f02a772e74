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
