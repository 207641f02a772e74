// The report (make_report's JSON) as an aligned summary for a terminal: a pure
// function of the document, so it shows exactly what the JSON says.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace lrfind {

// A summary for a person: the recommendation (rate, rule, interval,
// confidence, schedule parameters, lr-find check's verdict), the data set,
// model, optimizer, method, theory bounds and classic suggestions as aligned
// "label  value" lines, then a table of the scored rates (auto candidates or
// grid rates; for range about 15 points of the first curve) with the
// recommended row marked '*'. Every line of that table has the same width.
// Rates are written with 4 significant digits (fmt "{:.4g}"), losses with 6;
// text from the data has control characters replaced by '?'; ends with a
// newline.
std::string render_table(const nlohmann::ordered_json& report);

}  // namespace lrfind
