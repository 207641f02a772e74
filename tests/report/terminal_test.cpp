#include "report/terminal.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "report/report_support.hpp"

namespace lrfind {
namespace {

using Json = nlohmann::ordered_json;
using testing::has_non_finite_text;
using testing::plot_reports;

// Lines of the terminal plot, each as its code points' count.
std::vector<std::size_t> line_widths(const std::string& text) {
  std::vector<std::size_t> widths;
  std::size_t n = 0;
  for (const char c : text) {
    if (c == '\n') {
      widths.push_back(n);
      n = 0;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++n;
    }
  }
  EXPECT_EQ(n, 0u) << "the plot ends with a newline";
  return widths;
}

TEST(PlotTerminal, HasTheRequestedRowsAndWidth) {
  for (const Json* report : {&plot_reports().iris_auto, &plot_reports().iris_range, &plot_reports().diabetes_grid}) {
    for (const auto& [width, height] : std::vector<std::pair<int, int>>{{60, 12}, {80, 20}, {30, 6}}) {
      const std::string plot = render_terminal_plot(*report, width, height);
      const std::vector<std::size_t> widths = line_widths(plot);
      ASSERT_EQ(widths.size(), static_cast<std::size_t>(height)) << plot;
      for (const std::size_t w : widths) EXPECT_EQ(w, static_cast<std::size_t>(width)) << plot;
      EXPECT_FALSE(has_non_finite_text(plot));
    }
  }
}

TEST(PlotTerminal, DrawsTheCurveAndMarksTheRecommendedRate) {
  const Json& report = plot_reports().iris_range;
  const std::string plot = render_terminal_plot(report, 60, 12);
  const double recommended = report.at("recommended_lr").get<double>();
  const std::string value = fmt::format("{:.3g}", recommended);
  const std::string last_line = plot.substr(plot.rfind('\n', plot.size() - 2) + 1);
  EXPECT_EQ(last_line.rfind("│ recommended lr " + value, 0), 0u) << last_line;
  EXPECT_NE(plot.find("┴"), std::string::npos);  // the marker's foot on the axis
  EXPECT_NE(plot.find("1e-07"), std::string::npos);
  std::size_t braille = 0;
  for (std::size_t i = 0; i + 1 < plot.size(); ++i)
    if (static_cast<unsigned char>(plot[i]) == 0xE2 && (static_cast<unsigned char>(plot[i + 1]) & 0xFC) == 0xA0)
      ++braille;
  EXPECT_GE(braille, 40u);  // a curve across the width
}

TEST(PlotTerminal, ACheckedRateHasItsColumnAndItsVerdictOnTheLastLine) {
  Json report = plot_reports().iris_range;
  const double recommended = report.at("recommended_lr").get<double>();
  report["check"] = {{"lr", recommended * 20}, {"verdict", "too_high"}, {"passed", false}};
  const std::string plot = render_terminal_plot(report, 60, 12);
  const std::vector<std::size_t> widths = line_widths(plot);
  ASSERT_EQ(widths.size(), 12u) << plot;
  for (const std::size_t w : widths) EXPECT_EQ(w, 60u) << plot;
  const std::string last_line = plot.substr(plot.rfind('\n', plot.size() - 2) + 1);
  EXPECT_EQ(last_line.rfind(fmt::format("┊ checked {:.3g}: too high", recommended * 20), 0), 0u) << plot;
  EXPECT_NE(plot.find("┊"), plot.rfind("┊")) << plot;  // a column, besides the legend's
  EXPECT_NE(plot.find("│ recommended lr"), std::string::npos) << plot;
}

TEST(PlotTerminal, RaisesTinySizesAndSurvivesAnEmptyReport) {
  const std::vector<std::size_t> widths = line_widths(render_terminal_plot(plot_reports().iris_auto, 5, 2));
  EXPECT_EQ(widths.size(), 6u);
  for (const std::size_t w : widths) EXPECT_EQ(w, 30u);
  const std::string empty = render_terminal_plot(Json::object(), 40, 8);
  EXPECT_EQ(line_widths(empty).size(), 8u);
  EXPECT_NE(empty.find("no usable rate"), std::string::npos);
}

}  // namespace
}  // namespace lrfind
