#include "report/svg_labels.hpp"

#include <algorithm>

namespace lrfind::plot {

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

double text_width(std::string_view s, double size, bool bold) {
  return static_cast<double>(code_points(s)) * size * (bold ? 0.64 : 0.58);
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
