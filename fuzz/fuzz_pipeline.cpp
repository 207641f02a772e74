// libFuzzer target: bytes -> a whole run (load, standardise, train, recommend)
// -> the JSON report and every rendering of it: each --format of the registry,
// the SVG and the terminal plot. The first two bytes choose the model, method,
// optimizer and batch size; the budgets are tiny so that one input runs in
// milliseconds. Library errors (lrfind::Error) are expected results; a crash,
// a sanitizer report, another exception, a non-finite number in the JSON or
// JSON that does not parse back is a finding.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "lrfind/error.hpp"
#include "report/formats.hpp"
#include "report/report.hpp"
#include "report/svg.hpp"
#include "report/terminal.hpp"
#include "lrfind/run.hpp"
#include "pipeline/run.hpp"
#include "train/optimizer.hpp"

namespace {

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "finding: %s\n", what);
  std::abort();
}

void check_finite(const nlohmann::json& value) {
  if (value.is_number_float() && !std::isfinite(value.get<double>())) finding("non-finite number in the JSON");
  if (value.is_structured())
    for (const auto& item : value) check_finite(item);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::uint8_t a = data[0];
  const std::uint8_t b = data[1];
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 2, size - 2);
  lrfind::RunConfig config;
  config.training.model = a % 3 == 0 ? "linear" : a % 3 == 1 ? "logistic" : "svm";
  config.method = (a / 3) % 3 == 0 ? "range" : (a / 3) % 3 == 1 ? "grid" : "auto";
  static const std::vector<std::string> optimizers = lrfind::builtin_optimizers().names();
  config.training.optimizer = optimizers[b % optimizers.size()];
  config.training.batch_size = (b / 8) % 4 == 0 ? 0 : (b / 8) % 4 == 1 ? 1 : 4;
  config.data.standardize = (b & 0x40) == 0;
  config.threads = 1 + ((b >> 7) & 1);
  config.range.steps = 12;
  config.training.epochs = 2;
  config.grid.points = 3;
  config.repeats = 1;
  config.folds = 2;
  config.training.schedule = a & 0x80 ? "onecycle" : "constant";
  if (a & 0x40) config.check = lrfind::CheckSettings{0.01, 1.0};
  try {
    const lrfind::RunResult result = lrfind::run_on_bytes(config, bytes, "fuzz.csv", {});
    const nlohmann::ordered_json report = lrfind::make_report(result);
    const std::string json = lrfind::render_report(report);
    const nlohmann::json parsed = nlohmann::json::parse(json, nullptr, false);
    if (parsed.is_discarded()) finding("the JSON does not parse back");
    check_finite(parsed);
    for (const lrfind::FormatEntry& format : lrfind::builtin_formats()) format.render(report);
    lrfind::render_svg(report);
    lrfind::render_terminal_plot(report);
  } catch (const lrfind::Error&) {
    // A documented failure: bad data, bad usage.
  }
  return 0;
}
