#include "report/report_support.hpp"

#include <regex>

#include "io/input.hpp"
#include "pipeline/run.hpp"
#include "report/report.hpp"

namespace lrfind::testing {

RunConfig base_config(const std::string& model, const std::string& method) {
  RunConfig config;
  // Not assigned from a literal: GCC 12 warns falsely there (-Wrestrict, GCC bug 105329).
  config.data.input = std::string("-");
  config.training.model = model;
  config.method = method;
  config.range.steps = 30;
  config.training.epochs = 3;
  config.grid.points = 4;
  config.seed = 3;
  return config;
}

nlohmann::ordered_json report_of(const RunConfig& config, std::string_view bytes, const std::string& source) {
  return make_report(run_on_bytes(config, bytes, source));
}

nlohmann::ordered_json iris_report(const std::string& method) {
  RunConfig config = base_config("logistic", method);
  config.data.input = "data/iris.csv";
  config.repeats = 1;
  return report_of(config, io::read_text(config.data.input), config.data.input);
}

namespace {

nlohmann::ordered_json report_of_file(const std::string& path, const std::string& model, const std::string& method) {
  RunConfig config;
  config.data.input = path;
  config.training.model = model;
  config.method = method;
  config.grid.points = 9;
  return make_report(run_on_bytes(config, io::read_text(path), path));
}

}  // namespace

const PlotReports& plot_reports() {
  static const PlotReports all{report_of_file("data/iris.csv", "logistic", "auto"),
                               report_of_file("data/iris.csv", "logistic", "range"),
                               report_of_file("data/iris.csv", "svm", "grid"),
                               report_of_file("data/diabetes.csv", "linear", "range"),
                               report_of_file("data/diabetes.csv", "linear", "grid")};
  return all;
}

bool has_non_finite_text(const std::string& text) {
  static const std::regex non_finite(R"((^|[^a-z])(nan|inf))", std::regex::icase);
  return std::regex_search(text, non_finite);
}

}  // namespace lrfind::testing
