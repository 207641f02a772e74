#include "report/svg.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "pipeline/run.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_support.hpp"
#include "report/report_support.hpp"

namespace lrfind {
namespace {

using Json = nlohmann::ordered_json;
using testing::has_non_finite_text;
using testing::plot_reports;

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

double attribute(const std::string& element, const std::string& name) {
  const std::regex pattern(" " + name + R"re(="([^"]*)")re");
  std::smatch match;
  if (!std::regex_search(element, match, pattern)) ADD_FAILURE() << "no " << name << " in " << element;
  return match.empty() ? std::nan("") : std::stod(match[1].str());
}

std::vector<std::string> elements(const std::string& svg, const std::string& start) {
  std::vector<std::string> out;
  for (std::size_t at = svg.find(start); at != std::string::npos; at = svg.find(start, at + 1))
    out.push_back(svg.substr(at, svg.find('>', at) - at + 1));
  return out;
}

// The rate at an x coordinate, read off the decade ticks as a reader would.
double rate_at(const std::string& svg, double x) {
  const std::vector<std::string> ticks = elements(svg, R"(<line class="xtick")");
  EXPECT_GE(ticks.size(), 2u);
  if (ticks.size() < 2) return std::nan("");
  const double k0 = attribute(ticks.front(), "data-log10");
  const double k1 = attribute(ticks.back(), "data-log10");
  const double x0 = attribute(ticks.front(), "x1");
  const double x1 = attribute(ticks.back(), "x1");
  return std::pow(10.0, k0 + (x - x0) / (x1 - x0) * (k1 - k0));
}

// Every coordinate drawn (path data, circles, lines) lies on the canvas.
void expect_on_canvas(const std::string& svg) {
  const std::string root = elements(svg, "<svg").front();
  const double width = attribute(root, "width");
  const double height = attribute(root, "height");
  const std::regex path(R"re( d="([^"]*)")re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), path); it != std::sregex_iterator(); ++it) {
    const std::string d = (*it)[1].str();
    const std::regex pair(R"((-?[0-9.]+) (-?[0-9.]+))");
    for (auto p = std::sregex_iterator(d.begin(), d.end(), pair); p != std::sregex_iterator(); ++p) {
      const double x = std::stod((*p)[1].str());
      const double y = std::stod((*p)[2].str());
      EXPECT_TRUE(x >= 0 && x <= width && y >= 0 && y <= height) << "(" << x << ", " << y << ") in " << d.substr(0, 80);
    }
  }
  for (const std::string& c : elements(svg, "<circle")) {
    EXPECT_GE(attribute(c, "cx"), 0.0);
    EXPECT_LE(attribute(c, "cx"), width);
    EXPECT_GE(attribute(c, "cy"), 0.0);
    EXPECT_LE(attribute(c, "cy"), height);
  }
}

// The marker lines whose class list names `name` (merged markers name several).
std::vector<std::string> marker_lines(const std::string& svg, const std::string& name) {
  std::vector<std::string> found;
  for (const std::string& line : elements(svg, R"(<line class="marker )")) {
    const std::size_t start = line.find('"') + 1;
    std::istringstream classes(line.substr(start, line.find('"', start) - start));
    for (std::string word; classes >> word;)
      if (word == name) found.push_back(line);
  }
  return found;
}

// The marker labels above the plot: "NAME RATE", or "NAME = NAME RATE" for
// markers merged at one rate.
std::vector<std::string> marker_labels(const std::string& svg) {
  const std::size_t group = svg.find(R"(<g class="marker-labels")");
  EXPECT_NE(group, std::string::npos);
  const std::string text = group == std::string::npos ? "" : svg.substr(group, svg.find("</g>", group) - group);
  std::vector<std::string> labels;
  const std::regex label(R"(<text [^>]*>([^<]*)</text>)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), label); it != std::sregex_iterator(); ++it)
    labels.push_back((*it)[1].str());
  return labels;
}

// Whether a label names `name` at `rate` (written as the plot writes rates).
bool labelled(const std::vector<std::string>& labels, const std::string& name, const std::string& rate) {
  for (const std::string& label : labels) {
    if (label.size() <= rate.size() || label.substr(label.size() - rate.size() - 1) != " " + rate) continue;
    const std::string names = label.substr(0, label.size() - rate.size() - 1);
    for (std::size_t start = 0;;) {
      const std::size_t end = names.find(" = ", start);
      if (names.substr(start, end - start) == name) return true;
      if (end == std::string::npos) break;
      start = end + 3;
    }
  }
  return false;
}

// What every SVG of a real report must show.
void expect_complete_svg(const Json& report, const std::string& svg) {
  ASSERT_EQ(svg.rfind("<svg", 0), 0u);
  ASSERT_GE(svg.size(), 7u);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_FALSE(has_non_finite_text(svg));
  EXPECT_NE(svg.find("<title>"), std::string::npos);
  EXPECT_NE(svg.find("viewBox=\"0 0 "), std::string::npos);
  EXPECT_EQ(svg.find("href"), std::string::npos);  // self-contained: nothing to fetch
  EXPECT_EQ(svg.find("<script"), std::string::npos);

  // Each marker's label, as plain text above the plot (and again in the legend),
  // and one line for it.
  const std::vector<std::string> labels = marker_labels(svg);
  const double recommended = report.at("recommended_lr").get<double>();
  EXPECT_TRUE(labelled(labels, "recommended", fmt::format("{:.3g}", recommended)));
  for (const auto& [name, lr] : report.at("recommendation").at("suggestions").items()) {
    EXPECT_TRUE(labelled(labels, name, fmt::format("{:.3g}", lr.get<double>()))) << name;
    EXPECT_EQ(marker_lines(svg, name).size(), 1u) << name;
  }
  if (report.at("theory").is_null()) {
    EXPECT_EQ(svg.find("2/L"), std::string::npos);
  } else {
    const Json& theory = report.at("theory");
    EXPECT_TRUE(labelled(labels, "2/L", fmt::format("{:.3g}", theory.at("max_stable_lr_full_batch").get<double>())));
    EXPECT_TRUE(labelled(labels, "1/(2L(b))", fmt::format("{:.3g}", theory.at("minibatch_lr_bound").get<double>())));
    EXPECT_EQ(marker_lines(svg, "full_batch_bound").size(), 1u);
    EXPECT_EQ(marker_lines(svg, "minibatch_bound").size(), 1u);
  }

  const std::vector<std::string> marker = marker_lines(svg, "recommended");
  ASSERT_EQ(marker.size(), 1u);
  EXPECT_NEAR(rate_at(svg, attribute(marker[0], "x1")) / recommended, 1.0, 0.01);
  expect_on_canvas(svg);
}

TEST(PlotSvg, AutoShowsRangeTestCandidatesIntervalAndMarkers) {
  const Json& report = plot_reports().iris_auto;
  const std::string svg = render_svg(report);
  expect_complete_svg(report, svg);
  EXPECT_EQ(count(svg, R"(<path class="raw")"), 1u);
  EXPECT_EQ(count(svg, R"(<path class="smoothed")"), 1u);
  EXPECT_EQ(count(svg, R"(<path class="scores")"), 1u);
  EXPECT_EQ(count(svg, R"(<rect class="interval")"), 1u);
  EXPECT_NE(svg.find("near-best interval"), std::string::npos);
  EXPECT_NE(svg.find("cross-validated validation loss"), std::string::npos);
  // One mark per candidate: a dot, a triangle on the top edge, or a cross.
  const std::size_t marks = count(svg, R"(<circle class="score")") + count(svg, R"(<path class="above")") +
                            count(svg, R"(<path class="diverged")");
  EXPECT_EQ(marks, report.at("auto").at("candidates").size());
  // The interval's band spans the interval.
  const std::string band = elements(svg, R"(<rect class="interval")").front();
  const auto& interval = report.at("recommendation").at("interval");
  EXPECT_NEAR(rate_at(svg, attribute(band, "x")) / interval[0].get<double>(), 1.0, 0.01);
  EXPECT_NEAR(rate_at(svg, attribute(band, "x") + attribute(band, "width")) / interval[1].get<double>(), 1.0, 0.01);
}

TEST(PlotSvg, RangeShowsRawAndSmoothedCurves) {
  const Json& report = plot_reports().iris_range;
  const std::string svg = render_svg(report);
  expect_complete_svg(report, svg);
  EXPECT_NE(svg.find("batch loss (range test)"), std::string::npos);
  EXPECT_NE(svg.find("smoothed loss"), std::string::npos);
  EXPECT_EQ(count(svg, "<circle"), 0u);
  // One drawn vertex per range-test point on each curve.
  const std::string smoothed = elements(svg, R"(<path class="smoothed")").front();
  EXPECT_EQ(count(smoothed, "L") + 1, report.at("range_test").at("points").size());
}

TEST(PlotSvg, RangeClipsTheExplodingTailToTheTopEdge) {
  const Json& report = plot_reports().diabetes_range;
  ASSERT_EQ(report.at("range_test").at("stop_reason"), "smoothed_loss_exceeded_stop_factor");
  const std::string svg = render_svg(report);
  expect_complete_svg(report, svg);
  EXPECT_GE(count(svg, R"(<path class="above")"), 1u);
  EXPECT_NE(svg.find("above the loss axis"), std::string::npos);
  // The axis tops out near the curve's start, far below the tail's loss.
  double highest_tick = 0.0;
  const std::regex tick(R"(<text x="[0-9.]+" y="[0-9.]+">([0-9.]+)</text>)");
  const std::string yticks = svg.substr(svg.find(R"(<g class="yticks linear")"));
  for (auto it = std::sregex_iterator(yticks.begin(), yticks.begin() + static_cast<long>(yticks.find("</g>")), tick);
       it != std::sregex_iterator(); ++it)
    highest_tick = std::max(highest_tick, std::stod((*it)[1].str()));
  const double first = report.at("range_test").at("points")[0].at("smoothed_loss").get<double>();
  EXPECT_GT(highest_tick, first * 0.9);
  EXPECT_LT(highest_tick, first * 4.0);
}

TEST(PlotSvg, GridMarksEveryRateAndTheTheoryBounds) {
  const Json& report = plot_reports().diabetes_grid;
  const std::string svg = render_svg(report);
  expect_complete_svg(report, svg);
  EXPECT_NE(svg.find("final validation loss"), std::string::npos);
  const std::size_t marks = count(svg, R"(<circle class="score")") + count(svg, R"(<path class="above")") +
                            count(svg, R"(<path class="diverged")");
  EXPECT_EQ(marks, report.at("grid").size());
  EXPECT_NE(svg.find("untrained model"), std::string::npos);
}

TEST(PlotSvg, MarkersAtOneRateShareOneLineAndOneLabel) {
  Json report = plot_reports().iris_range;
  const double lr = report.at("recommended_lr").get<double>();
  Json& suggestions = report["recommendation"]["suggestions"];
  suggestions["minimum_div_10"] = lr;
  suggestions["steepest"] = lr * 10.0;
  suggestions["valley"] = lr * (1.0 + 1e-6);  // written as the same rate
  const std::string svg = render_svg(report);
  expect_complete_svg(report, svg);
  const std::vector<std::string> lines = marker_lines(svg, "recommended");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(marker_lines(svg, "minimum_div_10"), lines);
  EXPECT_EQ(marker_lines(svg, "valley"), lines);
  EXPECT_NE(lines[0].find(R"(class="marker recommended minimum_div_10 valley")"), std::string::npos) << lines[0];
  EXPECT_EQ(count(svg, R"(<line class="marker )"), marker_labels(svg).size());  // one line per label
  const std::string rate = fmt::format("{:.3g}", lr);
  const std::vector<std::string> labels = marker_labels(svg);
  EXPECT_EQ(std::count(labels.begin(), labels.end(), "recommended = minimum_div_10 = valley " + rate), 1);
  for (const std::string& label : labels)
    if (label != "recommended = minimum_div_10 = valley " + rate) EXPECT_EQ(label.find(" " + rate), std::string::npos);
}

TEST(PlotSvg, ACheckMarksTheCheckedRateAndPutsTheVerdictInTheSubtitle) {
  // The renderers read the check object of the report, as lr-find check writes it.
  Json report = plot_reports().iris_auto;
  const double recommended = report.at("recommended_lr").get<double>();
  report["check"] = {{"lr", recommended / 8}, {"verdict", "too_low"}, {"passed", false}};
  const std::string svg = render_svg(report);
  const std::string rate = fmt::format("{:.3g}", recommended / 8);
  EXPECT_TRUE(labelled(marker_labels(svg), "checked", rate)) << svg;
  const std::vector<std::string> line = marker_lines(svg, "checked");
  ASSERT_EQ(line.size(), 1u);
  EXPECT_NEAR(rate_at(svg, attribute(line[0], "x1")) / (recommended / 8), 1.0, 0.01);
  EXPECT_NE(svg.find("lr-find check: too low"), std::string::npos);  // the legend's detail
  EXPECT_NE(svg.find(">checked " + rate + ": too low; recommended lr"), std::string::npos);  // the subtitle
  report["check"]["verdict"] = "pass";
  EXPECT_NE(render_svg(report).find(">checked " + rate + ": passed; recommended lr"), std::string::npos);
  expect_on_canvas(svg);
}

TEST(PlotSvg, AnIntervalOfOneRateDrawsNoBandAndSaysSo) {
  Json report = plot_reports().iris_range;
  const double lr = report.at("recommended_lr").get<double>();
  report["recommendation"]["interval"] = Json::array({lr, lr});
  const SvgPlot plot = draw_svg(report);
  const std::string& svg = plot.svg;
  expect_complete_svg(report, svg);
  EXPECT_EQ(svg.find(R"(class="interval")"), std::string::npos);
  std::string legend;  // its lines joined, however the entries wrap
  for (const plot::TextBox& t : plot.texts)
    if (t.role == "legend") legend += t.text + " ";
  EXPECT_NE(legend.find(fmt::format("spread of repeats: none, all at {:.3g} ", lr)), std::string::npos) << legend;
  EXPECT_EQ(svg.find(fmt::format(" in [{0:.3g}, {0:.3g}]", lr)), std::string::npos);
  // A real interval, however narrow, is still shaded.
  report["recommendation"]["interval"] = Json::array({lr, lr * 1.01});
  EXPECT_EQ(count(render_svg(report), R"(<rect class="interval")"), 1u);
}

TEST(PlotSvg, SvmGridHasNoTheoryBounds) {
  const Json& report = plot_reports().iris_svm_grid;
  ASSERT_TRUE(report.at("theory").is_null());
  const std::string svg = render_svg(report);
  expect_complete_svg(report, svg);
  EXPECT_EQ(count(svg, R"(<line class="marker)"), 1u);  // only the recommended rate
}

TEST(PlotSvg, GridWithoutValidationPlotsTrainingLossAndCrossesDivergedRates) {
  Json report = plot_reports().iris_svm_grid;
  for (Json& g : report.at("grid")) g["val_loss"] = nullptr;
  report["grid"][8]["train_loss"].back() = nullptr;
  report["grid"][8]["diverged"] = true;
  const std::string svg = render_svg(report);
  EXPECT_NE(svg.find("final training loss"), std::string::npos);
  EXPECT_EQ(count(svg, R"(<path class="diverged")"), 1u);
  EXPECT_NE(svg.find(">diverged<"), std::string::npos);
  EXPECT_FALSE(has_non_finite_text(svg));
}

TEST(PlotSvg, SkipsNullAndNonFiniteNumbers) {
  Json report = plot_reports().iris_auto;
  auto& points = report.at("range_test").at("points");
  points[3]["loss"] = nullptr;
  points[4]["smoothed_loss"] = std::numeric_limits<double>::quiet_NaN();
  points[5]["lr"] = std::numeric_limits<double>::infinity();
  report["auto"]["candidates"][2]["val_loss"] = -std::numeric_limits<double>::infinity();
  report["recommendation"]["suggestions"]["valley"] = std::numeric_limits<double>::quiet_NaN();
  report["theory"]["max_stable_lr_full_batch"] = nullptr;
  const std::string svg = render_svg(report);
  EXPECT_FALSE(has_non_finite_text(svg));
  EXPECT_TRUE(marker_lines(svg, "valley").empty());
  EXPECT_TRUE(marker_lines(svg, "full_batch_bound").empty());
  EXPECT_EQ(marker_lines(svg, "minibatch_bound").size(), 1u);
  expect_on_canvas(svg);
}

TEST(PlotSvg, NoUsableRateSaysWhyAndDrawsNoRecommendedMarker) {
  Json report = plot_reports().diabetes_grid;
  report["recommended_lr"] = nullptr;
  report["recommendation"]["lr"] = nullptr;
  report["recommendation"]["reason"] = "every rate diverged; try smaller rates";
  const std::string svg = render_svg(report);
  EXPECT_NE(svg.find("no usable rate: every rate diverged; try smaller rates"), std::string::npos);
  EXPECT_TRUE(marker_lines(svg, "recommended").empty());
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
}

TEST(PlotSvg, EmptyReportStillGivesAWellFormedDocument) {
  const std::string svg = render_svg(Json::object());
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_NE(svg.find("no finite losses to plot"), std::string::npos);
  EXPECT_FALSE(has_non_finite_text(svg));
}

TEST(PlotSvg, EscapesTextFromTheReport) {
  Json report = plot_reports().iris_range;
  report["dataset"]["path"] = "a<b>&\"c\".csv";
  const std::string svg = render_svg(report);
  EXPECT_NE(svg.find("a&lt;b&gt;&amp;&quot;c&quot;.csv"), std::string::npos);
  EXPECT_EQ(svg.find("a<b>"), std::string::npos);
  // XML allows no control characters: a path holding one still gives valid XML.
  report["dataset"]["path"] = std::string("x\x01y\x1b.csv");
  const std::string with_control = render_svg(report);
  EXPECT_NE(with_control.find("x?y?.csv"), std::string::npos);
  EXPECT_EQ(with_control.find('\x01'), std::string::npos);
}

// Renders each SVG with librsvg, as a browser or image viewer would. Fails,
// rather than skips, without rsvg-convert: a skip passes in ctest's summary,
// so a missing package would silently drop the check.
TEST(PlotRender, RsvgConvertRendersEverySvg) {
  ASSERT_EQ(std::system("command -v rsvg-convert > /dev/null 2>&1"), 0)
      << "rsvg-convert not found: install the Debian package librsvg2-bin (make deps does)";
  const std::string dir = testing::make_temp_dir();
  const std::map<std::string, const Json*> cases = {{"iris_auto", &plot_reports().iris_auto},
                                                    {"iris_range", &plot_reports().iris_range},
                                                    {"iris_svm_grid", &plot_reports().iris_svm_grid},
                                                    {"diabetes_range", &plot_reports().diabetes_range},
                                                    {"diabetes_grid", &plot_reports().diabetes_grid}};
  for (const auto& [name, report] : cases) {
    const std::string svg_path = dir + "/" + name + ".svg";
    const std::string png_path = dir + "/" + name + ".png";
    const std::string svg = render_svg(*report);
    testing::write_file(svg_path, svg);
    const int status = std::system(("rsvg-convert '" + svg_path + "' -o '" + png_path + "' 2>&1").c_str());
    EXPECT_EQ(status, 0) << name;
    const std::string png = testing::read_file(png_path);
    ASSERT_GT(png.size(), 24u) << name;
    EXPECT_EQ(png.substr(0, 8), "\x89PNG\r\n\x1a\n") << name;
    // IHDR: the width and height the SVG declares.
    const auto be32 = [&](std::size_t at) {
      return (static_cast<unsigned>(static_cast<unsigned char>(png[at])) << 24) |
             (static_cast<unsigned>(static_cast<unsigned char>(png[at + 1])) << 16) |
             (static_cast<unsigned>(static_cast<unsigned char>(png[at + 2])) << 8) |
             static_cast<unsigned>(static_cast<unsigned char>(png[at + 3]));
    };
    const std::string root = elements(svg, "<svg").front();
    EXPECT_EQ(be32(16), static_cast<unsigned>(attribute(root, "width"))) << name;
    EXPECT_EQ(be32(20), static_cast<unsigned>(attribute(root, "height"))) << name;
  }
  testing::remove_tree(dir);
}

}  // namespace
}  // namespace lrfind
