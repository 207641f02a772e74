#include "report/svg_labels.hpp"

#include <algorithm>

namespace lrfind::plot {

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

namespace {

// Advance widths of DejaVu Sans, the font the SVG asks for first, in
// thousandths of the font size, for the printable ASCII characters ' '..'~'
// (measured with Cairo at size 1000).
constexpr short kRegularWidths[95] = {
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838};
constexpr short kBoldWidths[95] = {
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365,
    696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580,
    1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850,
    733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500,
    500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687,
    716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838};
// Any other character: as wide as the widest of DejaVu's common symbols (×, ≥).
constexpr double kOtherWidth = 0.84;

}  // namespace

double text_width(std::string_view s, double size, bool bold) {
  double em = 0.0;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7F)
      em += (bold ? kBoldWidths : kRegularWidths)[u - 0x20] / 1000.0;
    else if ((u & 0xC0) != 0x80)  // the first byte of any other character
      em += kOtherWidth;
  }
  return em * size;
}

std::vector<PlacedLabel> place_labels(const std::vector<Marker>& markers, const std::vector<double>& line_x,
                                      double canvas_width) {
  const std::size_t n = markers.size();
  std::vector<PlacedLabel> placed;
  std::vector<int> row_of(n, -1);

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

}  // namespace lrfind::plot
