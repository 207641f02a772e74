// The SVG plot's layout: every text it writes comes with its box, the boxes
// are as wide as DejaVu Sans draws the text, and on every method and model
// kind with the shipped data sets, on a linear and a log loss axis, no two of
// them overlap.
#include <cairo.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <ostream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "io/input.hpp"
#include "pipeline/run.hpp"
#include "report/report.hpp"
#include "report/report_support.hpp"
#include "report/svg.hpp"
#include "report/svg_labels.hpp"

namespace lrfind {
namespace {

using Json = nlohmann::ordered_json;
using plot::Box;
using plot::TextBox;

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

std::string describe(const TextBox& t) {
  return fmt::format("{} '{}' [{:.1f}, {:.1f}] x [{:.1f}, {:.1f}]", t.role, t.text, t.box.left, t.box.right, t.box.top,
                     t.box.bottom);
}

bool overlap(const Box& a, const Box& b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

bool inside(const Box& inner, const Box& outer) {
  return inner.left >= outer.left && inner.right <= outer.right && inner.top >= outer.top &&
         inner.bottom <= outer.bottom;
}

// Every text on the canvas, none over another, and none inside the frame but
// a note about the plot's content.
void expect_readable_layout(const SvgPlot& plot, const std::string& name) {
  EXPECT_EQ(plot.texts.size(), count(plot.svg, "<text ")) << name;
  for (std::size_t i = 0; i < plot.texts.size(); ++i) {
    const TextBox& a = plot.texts[i];
    EXPECT_TRUE(inside(a.box, plot.canvas)) << name << ": off the canvas: " << describe(a);
    if (a.role != "note") EXPECT_FALSE(overlap(a.box, plot.frame)) << name << ": inside the frame: " << describe(a);
    for (std::size_t j = i + 1; j < plot.texts.size(); ++j)
      EXPECT_FALSE(overlap(a.box, plot.texts[j].box))
          << name << ": " << describe(a) << " overlaps " << describe(plot.texts[j]);
  }
}

TEST(SvgLayout, EveryTextIsNotedWithItsBox) {
  const SvgPlot plot = draw_svg(testing::plot_reports().iris_auto);
  ASSERT_EQ(plot.texts.size(), count(plot.svg, "<text "));
  for (const TextBox& t : plot.texts) {
    EXPECT_LT(t.box.left, t.box.right) << describe(t);
    EXPECT_LT(t.box.top, t.box.bottom) << describe(t);
    EXPECT_NE(plot.svg.find(">" + t.text + "<"), std::string::npos) << describe(t);
  }
  EXPECT_EQ(plot.canvas.left, 0.0);
  EXPECT_EQ(plot.canvas.top, 0.0);
  EXPECT_NE(plot.svg.find(fmt::format(R"(width="{}" height="{}")", plot.canvas.right, plot.canvas.bottom)),
            std::string::npos);
  // The frame is the rectangle drawn around the plot area.
  EXPECT_NE(plot.svg.find(fmt::format(R"(<rect x="{:.2f}" y="{:.2f}" width="{:.2f}" height="{:.2f}" fill="none" )",
                                      plot.frame.left, plot.frame.top, plot.frame.right - plot.frame.left,
                                      plot.frame.bottom - plot.frame.top)),
            std::string::npos);
  EXPECT_EQ(plot.svg, render_svg(testing::plot_reports().iris_auto));
}

// The boxes are only as good as the widths: each text of a real plot, set in
// DejaVu Sans (the font the SVG asks for, which make deps installs) at 12
// pixels, regular and bold, is as wide as Cairo measures it, within 1% or a
// pixel.
TEST(SvgLayout, TextWidthsAreDejaVuSansAsCairoMeasuresThem) {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 8, 8);
  cairo_t* cr = cairo_create(surface);
  for (const bool bold : {false, true}) {
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    for (const TextBox& t : draw_svg(testing::plot_reports().diabetes_grid).texts) {
      const double size = 12.0;
      cairo_set_font_size(cr, size * 100.0);  // large, to measure without hinting
      cairo_text_extents_t extents;
      cairo_text_extents(cr, t.text.c_str(), &extents);
      const double measured = extents.x_advance / 100.0;
      const double estimate = plot::text_width(t.text, size, bold);
      EXPECT_NEAR(estimate, measured, std::max(1.0, 0.01 * measured)) << t.text << (bold ? " (bold)" : "");
    }
  }
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
}

// One real run: a shipped data set, a model kind and a method, with the CLI's
// defaults.
struct RealRun {
  std::string path;
  std::string model;
  std::string method;
};

void PrintTo(const RealRun& run, std::ostream* os) { *os << run.path << " --model " << run.model << " --method " << run.method; }

std::string run_name(const ::testing::TestParamInfo<RealRun>& info) {
  std::string file = info.param.path.substr(info.param.path.rfind('/') + 1);
  file = file.substr(0, file.find('.'));
  std::string name = file + "_" + info.param.model + "_" + info.param.method;
  std::replace_if(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) == 0; }, '_');
  return name;
}

std::vector<RealRun> real_runs() {
  // Regression files for linear; binary and multiclass files for logistic and svm.
  const std::vector<std::tuple<std::string, std::vector<std::string>>> files = {
      {"data/diabetes.csv", {"linear"}},
      {"bench/quality/data/boston.csv", {"linear"}},
      {"bench/quality/data/synth_friedman.csv", {"linear"}},
      {"bench/quality/data/synth_regression.csv", {"linear"}},
      {"data/breast_cancer.csv", {"logistic", "svm"}},
      {"bench/quality/data/synth_imbalanced.csv", {"logistic", "svm"}},
      {"data/iris.csv", {"logistic", "svm"}},
      {"bench/quality/data/wine.csv", {"logistic", "svm"}},
      {"bench/quality/data/digits.csv", {"logistic", "svm"}},
      {"bench/quality/data/synth_multiclass.csv", {"logistic", "svm"}},
  };
  std::vector<RealRun> runs;
  for (const auto& [path, models] : files)
    for (const std::string& model : models)
      for (const std::string method : {"auto", "range", "grid"}) runs.push_back({path, model, method});
  return runs;
}

Json real_report(const RealRun& run) {
  RunConfig config;
  config.data.input = run.path;
  config.training.model = run.model;
  config.method = run.method;
  return make_report(run_on_bytes(config, io::read_text(run.path), run.path));
}

class SvgLayoutOnRealData : public ::testing::TestWithParam<RealRun> {};

// On each loss axis: the one auto picks, and linear and log as asked.
TEST_P(SvgLayoutOnRealData, NoTextOverlapsAnotherOrTheFrame) {
  const Json report = real_report(GetParam());
  for (const auto& [scale, name] :
       {std::pair{plot::LossScale::kAuto, "auto"}, std::pair{plot::LossScale::kLinear, "linear"},
        std::pair{plot::LossScale::kLog, "log"}})
    expect_readable_layout(draw_svg(report, scale), run_name({GetParam(), 0}) + " --plot-scale " + name);
}

INSTANTIATE_TEST_SUITE_P(EveryMethodAndModelKind, SvgLayoutOnRealData, ::testing::ValuesIn(real_runs()), run_name);

}  // namespace
}  // namespace lrfind
