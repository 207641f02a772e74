// The report (make_report's JSON) as a self-contained SVG plot for a file: a
// pure function of the document; it neither reads nor writes anything.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/plot_data.hpp"

namespace lrfind {

namespace plot {

struct Box {
  double left = 0.0;
  double top = 0.0;
  double right = 0.0;
  double bottom = 0.0;
};

// A text of the plot and the box it takes on the canvas (see
// SvgWriter::note_text). role: "title", "subtitle", "marker-label",
// "loss-tick", "rate-tick", "axis-title", "legend", "legend-detail" or
// "note" (a message inside the frame).
struct TextBox {
  std::string role;
  std::string text;
  Box box;
};

}  // namespace plot

// The SVG with where it put things, for tests of its layout.
struct SvgPlot {
  std::string svg;
  plot::Box canvas;
  plot::Box frame;                   // the plot area, inside the axes
  std::vector<plot::TextBox> texts;  // every <text>, in the order written
};

// Loss against learning rate on a log axis (decade ticks) and a loss axis
// clipped so that an exploding tail does not flatten the curve (clipped points
// sit on the top edge as ▲), linear or logarithmic as `scale` chooses (auto:
// logarithmic when the losses shown span more than two decades; a loss of 0
// then sits on the bottom edge as ▼). Range and auto: the range test's batch
// loss (thin) and smoothed loss (thick); auto adds every candidate's
// cross-validated validation loss on the same axis and shades the near-best
// interval; grid: each rate's final validation (or training) loss, × for a
// diverged rate. Vertical lines mark the suggestions, the recommended rate and
// the theory's bounds "2/L" and "1/(2L(b))". Every label is plain text; no
// non-finite number is ever written. Ends with "</svg>\n".
//
// For tests and tools the marker lines carry class="marker NAME" (NAME:
// recommended, minimum_div_10, steepest, valley, full_batch_bound,
// minibatch_bound; several names for markers at one rate), each decade tick
// class="xtick" with data-log10="k", the loss axis's group class="yaxis
// linear" or "yaxis log", and on a log axis each decade's grid line
// class="ytick" with data-log10="k".
SvgPlot draw_svg(const nlohmann::ordered_json& report, plot::LossScale scale = plot::LossScale::kAuto);

// draw_svg's document alone.
std::string render_svg(const nlohmann::ordered_json& report, plot::LossScale scale = plot::LossScale::kAuto);

}  // namespace lrfind
