// Reports of real runs for the renderers' tests: small data sets held in
// memory, and the shipped iris and diabetes files.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "lrfind/run.hpp"

namespace lrfind::testing {

// Two classes, ten rows.
inline constexpr const char* kTwoClasses =
    "a,b,label\n"
    "1,2,x\n2,1,y\n3,4,x\n4,3,y\n5,6,x\n6,5,y\n7,8,x\n8,7,y\n9,9,x\n0,1,y\n";

// Unscaled features in the hundreds: least squares diverges at rate 1.
inline constexpr const char* kRegression =
    "x,y\n"
    "100,1\n200,3\n300,2\n400,5\n500,4\n600,7\n700,6\n800,9\n";

// A small budget (30 range steps, 3 epochs, 4 grid rates, seed 3) on standard input.
RunConfig base_config(const std::string& model, const std::string& method);

// The report of a run on `bytes`, the content of a CSV file.
nlohmann::ordered_json report_of(const RunConfig& config, std::string_view bytes,
                                 const std::string& source = "mem.csv");

// Iris on base_config's budget with one repeat: three classes, enough rows for 5 folds.
nlohmann::ordered_json iris_report(const std::string& method);

// Real runs on the shipped files with the CLI's defaults and 9 grid rates,
// made once for all the plot tests (which run in the source folder).
struct PlotReports {
  nlohmann::ordered_json iris_auto;
  nlohmann::ordered_json iris_range;
  nlohmann::ordered_json iris_svm_grid;
  nlohmann::ordered_json diabetes_range;
  nlohmann::ordered_json diabetes_grid;
};
const PlotReports& plot_reports();

// Whether a rendering shows a non-finite number: "nan" or "inf" (any case)
// not preceded by a letter.
bool has_non_finite_text(const std::string& text);

}  // namespace lrfind::testing
