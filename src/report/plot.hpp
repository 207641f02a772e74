// Plots of a report: a self-contained SVG for a file and a compact Unicode
// plot for a terminal. Both are pure functions of the JSON document that
// make_report produces; neither reads nor writes anything.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace lrfind {

// Loss against learning rate on a log axis (decade ticks) and a linear loss
// axis clipped so that an exploding tail does not flatten the curve (clipped
// points sit on the top edge as ▲). Range and auto: the range test's batch
// loss (thin) and smoothed loss (thick); auto adds every candidate's
// cross-validated validation loss on the same axis and shades the near-best
// interval; grid: each rate's final validation (or training) loss, × for a
// diverged rate. Vertical lines mark the suggestions, the recommended rate and
// the theory's bounds "2/L" and "1/(2L(b))". Every label is plain text; no
// non-finite number is ever written. Ends with "</svg>\n".
//
// For tests and tools the marker lines carry class="marker NAME" (NAME:
// recommended, minimum_div_10, steepest, valley, full_batch_bound,
// minibatch_bound) and each decade tick class="xtick" with data-log10="k".
std::string render_svg(const nlohmann::ordered_json& report);

// The SVG's main curve (range: smoothed loss; auto: cross-validated loss;
// grid: final losses) in braille dots, with the loss range on the left, the
// rate range below and a column │ at the recommended rate, whose value is
// printed on the last line. Exactly `height` lines of exactly `width` columns
// (single-width characters), each ending with a newline; sizes below 30 x 6
// are raised to that.
std::string render_terminal_plot(const nlohmann::ordered_json& report, int width = 60, int height = 12);

}  // namespace lrfind
