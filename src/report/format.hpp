// Other renderings of the report (make_report's JSON): a long-format CSV for
// spreadsheets and plotting tools, and an aligned summary for a terminal. Both
// are pure functions of the document, so they show exactly what the JSON says.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace lrfind {

// The columns of render_csv, in order.
inline constexpr const char* kCsvHeader = "source,repeat,lr,step,epoch,loss,smoothed_loss,train_loss,val_loss,diverged";

// RFC 4180 CSV (CRLF record ends), one row per (rate, step or epoch):
//   range_test  one row per range-test point: repeat (index into
//               range_test.repeats, 0 without repeats), lr, step, loss,
//               smoothed_loss;
//   auto        one row per epoch of each candidate: lr, epoch (from 1),
//               train_loss and val_loss (means over folds and repeats, so
//               repeat is empty), diverged;
//   grid        one row per epoch of each rate: repeat 0, lr, epoch (from 1),
//               train_loss, val_loss, diverged.
// A cell that does not apply, or whose JSON value is null (a non-finite
// number), is empty. Numbers are written as in the JSON (shortest round-trip,
// locale-independent), booleans as true/false.
std::string render_csv(const nlohmann::ordered_json& report);

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
