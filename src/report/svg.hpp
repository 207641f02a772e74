// The report (make_report's JSON) as a self-contained SVG plot for a file: a
// pure function of the document; it neither reads nor writes anything.
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

}  // namespace lrfind
