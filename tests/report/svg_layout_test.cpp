// The SVG plot's layout: every text it writes comes with its box.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <string>

#include "report/report_support.hpp"
#include "report/svg.hpp"

namespace lrfind {
namespace {

using Json = nlohmann::ordered_json;
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

}  // namespace
}  // namespace lrfind
