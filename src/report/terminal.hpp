// The report (make_report's JSON) as a compact Unicode plot for a terminal: a
// pure function of the document; it neither reads nor writes anything.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace lrfind {

// The SVG's main curve (range: smoothed loss; auto: cross-validated loss;
// grid: final losses) in braille dots, with the loss range on the left, the
// rate range below and a column │ at the recommended rate, whose value is
// printed on the line below them; for lr-find check, a column ┊ at the rate
// under check, with its verdict on the last line. Exactly `height` lines of exactly `width` columns
// (single-width characters), each ending with a newline; sizes below 30 x 6
// are raised to that.
std::string render_terminal_plot(const nlohmann::ordered_json& report, int width = 60, int height = 12);

}  // namespace lrfind
