// Where the SVG writes the marker lines' labels: in rows above the plot, kept
// apart from each other and from the lines they would hide.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "report/plot_data.hpp"

namespace lrfind::plot {

// The number of code points of UTF-8 text.
std::size_t code_points(std::string_view s);

// The advance of text in DejaVu Sans at `size` pixels (regular or bold):
// exact for ASCII without kerning, 0.84 of the size for any other character.
double text_width(std::string_view s, double size, bool bold = false);

struct PlacedLabel {
  const Marker* marker;
  int row;  // 0: the row just above the plot
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
// line_x[i] is the x of markers[i]'s line; a label keeps within
// [2, canvas_width] where it fits.
std::vector<PlacedLabel> place_labels(const std::vector<Marker>& markers, const std::vector<double>& line_x,
                                      double canvas_width);

}  // namespace lrfind::plot
