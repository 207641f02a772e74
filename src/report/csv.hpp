// The report (make_report's JSON) as a long-format CSV for spreadsheets and
// plotting tools: a pure function of the document, so it shows exactly what
// the JSON says.
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

}  // namespace lrfind
