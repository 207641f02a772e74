#include "report/svg_labels.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lrfind::plot {
namespace {

std::vector<Marker> markers_named(const std::vector<std::string>& labels) {
  std::vector<Marker> markers;
  for (std::size_t i = 0; i < labels.size(); ++i)
    markers.push_back(
        {"m" + std::to_string(i), labels[i], "", 0.1, i == 0 ? MarkerKind::kRecommended : MarkerKind::kSuggestion});
  return markers;
}

TEST(SvgLabels, TextWidthIsDejaVuSansAdvancePerCharacter) {
  EXPECT_EQ(code_points("2/L 0.5"), 7u);
  EXPECT_EQ(code_points("× 3 repeats"), 11u);  // × is two bytes
  // DejaVu Sans: a 0.613, b 0.635, c 0.550 of the size; bold 0.675, 0.716, 0.593.
  EXPECT_DOUBLE_EQ(text_width("abc", 10.0), 17.98);
  EXPECT_DOUBLE_EQ(text_width("abc", 10.0, true), 19.84);
  EXPECT_DOUBLE_EQ(text_width("0.1", 10.0), 6.36 + 3.18 + 6.36);
  EXPECT_DOUBLE_EQ(text_width("×", 10.0), 8.4);  // two bytes, one character
}

TEST(SvgLabels, MarkersFarApartSitCentredInTheFirstRow) {
  const std::vector<Marker> markers = markers_named({"recommended 0.1", "valley 0.01", "steepest 0.3"});
  const std::vector<PlacedLabel> placed = place_labels(markers, {300.0, 100.0, 500.0}, 954.0);
  ASSERT_EQ(placed.size(), 3u);
  for (const PlacedLabel& p : placed) {
    EXPECT_EQ(p.row, 0) << p.marker->label;
    EXPECT_EQ(std::string_view(p.anchor), "middle");
    EXPECT_DOUBLE_EQ(p.text_x, p.line_x);
    EXPECT_NEAR((p.lo + p.hi) / 2, p.line_x, 1e-9);
  }
  EXPECT_EQ(placed[0].marker, &markers[0]);  // the recommended rate is tried first
}

TEST(SvgLabels, CrowdedLabelsNeverOverlapInARowNorHideALine) {
  const std::vector<Marker> markers = markers_named(
      {"recommended 0.1", "minimum_div_10 0.3", "steepest 0.09", "valley 0.11", "2/L 0.12", "1/(2L(b)) 0.095"});
  const std::vector<double> line_x = {400.0, 404.0, 396.0, 402.0, 408.0, 398.0};
  const std::vector<PlacedLabel> placed = place_labels(markers, line_x, 954.0);
  ASSERT_EQ(placed.size(), markers.size());
  int rows = 0;
  for (const PlacedLabel& p : placed) rows = std::max(rows, p.row + 1);
  EXPECT_GE(rows, 3);  // six labels over 12 pixels of lines need rows
  for (std::size_t i = 0; i < placed.size(); ++i) {
    const PlacedLabel& a = placed[i];
    EXPECT_GE(a.lo, 2.0);
    EXPECT_LE(a.hi, 954.0);
    for (std::size_t j = 0; j < placed.size(); ++j) {
      if (i == j) continue;
      const PlacedLabel& b = placed[j];
      if (a.row == b.row) EXPECT_TRUE(a.hi <= b.lo || b.hi <= a.lo) << a.marker->label << " / " << b.marker->label;
      // A label covers only lines that end in a lower row, below it.
      if (b.line_x > a.lo - 2.0 && b.line_x < a.hi + 2.0)
        EXPECT_LT(b.row, a.row) << a.marker->label << " hides " << b.marker->label;
    }
  }
}

TEST(SvgLabels, LabelsAtTheCanvasEdgesStayOnIt) {
  const std::vector<Marker> markers = markers_named({"recommended 1e-07", "valley 10"});
  const std::vector<PlacedLabel> placed = place_labels(markers, {3.0, 950.0}, 954.0);
  ASSERT_EQ(placed.size(), 2u);
  for (const PlacedLabel& p : placed) {
    EXPECT_GE(p.lo, 2.0) << p.marker->label;
    EXPECT_LE(p.hi, 954.0) << p.marker->label;
  }
  EXPECT_EQ(std::string_view(placed[0].anchor), "start");
  EXPECT_EQ(std::string_view(placed[1].anchor), "end");
}

}  // namespace
}  // namespace lrfind::plot
