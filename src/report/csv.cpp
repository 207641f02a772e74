#include "report/csv.hpp"

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <string_view>

#include "report/json_read.hpp"

namespace lrfind {

namespace {

using Json = nlohmann::ordered_json;
using namespace json_read;

// RFC 4180 ends every record, the header included, with CRLF.
constexpr std::string_view kRecordEnd = "\r\n";

// A JSON value as a cell: numbers and booleans exactly as the JSON writes them
// (nlohmann's shortest round-trip form, independent of the locale), null as
// an empty cell. No column holds free text, so no field needs quoting.
std::string cell(const Json& value) { return value.is_number() || value.is_boolean() ? value.dump() : std::string(); }

void append_record(std::string& out, std::initializer_list<std::string> cells) {
  bool first = true;
  for (const std::string& c : cells) {
    if (!first) out += ',';
    out += c;
    first = false;
  }
  out += kRecordEnd;
}

void append_range_points(std::string& out, const Json& run, std::size_t repeat) {
  const Json& points = field(run, "points");
  for (std::size_t i = 0; i < length(points); ++i) {
    const Json& p = points[i];
    append_record(out, {"range_test", std::to_string(repeat), cell(field(p, "lr")), cell(field(p, "step")), "",
                        cell(field(p, "loss")), cell(field(p, "smoothed_loss")), "", "", ""});
  }
}

// One record per epoch; the curves may differ in length (a diverged grid rate
// stops early, a null val_loss has none).
void append_epoch_curves(std::string& out, std::string_view source, const std::string& repeat, const Json& lr,
                         const Json& train, const Json& val, const Json& diverged) {
  const std::size_t epochs = std::max(length(train), length(val));
  for (std::size_t i = 0; i < epochs; ++i)
    append_record(out, {std::string(source), repeat, cell(lr), "", std::to_string(i + 1), "", "",
                        cell(element(train, i)), cell(element(val, i)), cell(diverged)});
}

}  // namespace

std::string render_csv(const Json& report) {
  std::string out = kCsvHeader;
  out += kRecordEnd;
  const Json& range = field(report, "range_test");
  const Json& repeats = field(range, "repeats");
  if (length(repeats) > 0) {
    for (std::size_t r = 0; r < repeats.size(); ++r) append_range_points(out, repeats[r], r);
  } else if (range.is_object()) {
    append_range_points(out, range, 0);
  }
  for (const Json& c : field(field(report, "auto"), "candidates"))
    append_epoch_curves(out, "auto", "", field(c, "lr"), field(c, "train_curve"), field(c, "val_curve"),
                        field(c, "diverged"));
  for (const Json& g : field(report, "grid"))
    append_epoch_curves(out, "grid", "0", field(g, "lr"), field(g, "train_loss"), field(g, "val_loss"),
                        field(g, "diverged"));
  return out;
}

}  // namespace lrfind
