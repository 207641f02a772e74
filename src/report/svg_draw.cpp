#include "report/svg_draw.hpp"

#include "report/svg_labels.hpp"

namespace lrfind::plot {

namespace {

// DejaVu Sans's ascent and descent, as fractions of the font size: the
// height of a line of text above and below its baseline.
constexpr double kAscent = 0.76;
constexpr double kDescent = 0.24;

}  // namespace

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
        // XML allows no control character but tab, line feed and carriage return.
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7F ? '?' : c;
    }
  }
  return out;
}

std::string num(double v) {
  if (!std::isfinite(v)) v = 0.0;
  if (std::abs(v) < 0.005) v = 0.0;  // no "-0.00"
  return fmt::format("{:.2f}", v);
}

void SvgWriter::note_text(std::string role, std::string_view text, double x, double y, double size,
                          std::string_view anchor, bool bold) {
  const double width = text_width(text, size, bold);
  const double left = anchor == "middle" ? x - width / 2 : anchor == "end" ? x - width : x;
  texts.push_back({std::move(role), std::string(text), {left, y - kAscent * size, left + width, y + kDescent * size}});
}

void SvgWriter::note_upright_text(std::string role, std::string_view text, double x, double y, double size) {
  const double width = text_width(text, size, false);
  // Turned a quarter left, the baseline runs upwards at x and the ascent lies to its left.
  texts.push_back({std::move(role), std::string(text), {x - kAscent * size, y - width / 2, x + kDescent * size,
                                                        y + width / 2}});
}

}  // namespace lrfind::plot
