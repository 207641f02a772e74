#include "report/report_support.hpp"

#include <regex>

#include "load/csv.hpp"
#include "report/report.hpp"

namespace lrfind::testing {

RunConfig base_config(ModelKind model, Method method) {
  RunConfig config;
  // Not assigned from a literal: GCC 12 warns falsely there (-Wrestrict, GCC bug 105329).
  config.input = std::string("-");
  config.model = model;
  config.method = method;
  config.steps = 30;
  config.epochs = 3;
  config.grid_points = 4;
  config.seed = 3;
  return config;
}

nlohmann::ordered_json report_of(const RunConfig& config, std::string_view bytes, const std::string& source) {
  return make_report(run_on_bytes(config, bytes, source, {}));
}

nlohmann::ordered_json iris_report(Method method) {
  RunConfig config = base_config(ModelKind::kLogistic, method);
  config.input = "data/iris.csv";
  config.repeats = 1;
  return report_of(config, read_input(config.input), config.input);
}

namespace {

nlohmann::ordered_json report_of_file(const std::string& path, ModelKind model, Method method) {
  RunConfig config;
  config.input = path;
  config.model = model;
  config.method = method;
  config.grid_points = 9;
  return make_report(run_on_bytes(config, read_input(path), path, {}));
}

}  // namespace

const PlotReports& plot_reports() {
  static const PlotReports all{report_of_file("data/iris.csv", ModelKind::kLogistic, Method::kAuto),
                               report_of_file("data/iris.csv", ModelKind::kLogistic, Method::kRange),
                               report_of_file("data/iris.csv", ModelKind::kSvm, Method::kGrid),
                               report_of_file("data/diabetes.csv", ModelKind::kLinear, Method::kRange),
                               report_of_file("data/diabetes.csv", ModelKind::kLinear, Method::kGrid)};
  return all;
}

bool has_non_finite_text(const std::string& text) {
  static const std::regex non_finite(R"((^|[^a-z])(nan|inf))", std::regex::icase);
  return std::regex_search(text, non_finite);
}

}  // namespace lrfind::testing
