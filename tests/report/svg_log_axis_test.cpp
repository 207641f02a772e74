// The SVG plot's loss axis: logarithmic when the losses shown span more than
// two decades (or when --plot-scale log asks), linear otherwise (or when
// --plot-scale linear asks), read back off the drawing as a reader would: from
// the decade grid lines and the tick labels.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "cli/cli_support.hpp"
#include "report/plot_data.hpp"
#include "report/svg.hpp"

namespace lrfind {
namespace {

using Json = nlohmann::ordered_json;
using plot::LossScale;

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

// log10 of a coordinate read off two ticks (x or y) that carry data-log10.
double log_at(const std::vector<std::string>& ticks, const std::string& axis, double at) {
  EXPECT_GE(ticks.size(), 2u);
  if (ticks.size() < 2) return std::nan("");
  const double k0 = attribute(ticks.front(), "data-log10");
  const double k1 = attribute(ticks.back(), "data-log10");
  const double p0 = attribute(ticks.front(), axis + "1");
  const double p1 = attribute(ticks.back(), axis + "1");
  return k0 + (at - p0) / (p1 - p0) * (k1 - k0);
}

// Each score's dot: its rate and its loss as the axes say.
struct Mark {
  double lr;
  double loss;
};
std::vector<Mark> score_marks(const std::string& svg) {
  const std::vector<std::string> xticks = elements(svg, R"(<line class="xtick")");
  const std::vector<std::string> yticks = elements(svg, R"(<line class="ytick")");
  std::vector<Mark> marks;
  for (const std::string& c : elements(svg, R"(<circle class="score")")) {
    marks.push_back({std::pow(10.0, log_at(xticks, "x", attribute(c, "cx"))),
                     std::pow(10.0, log_at(yticks, "y", attribute(c, "cy")))});
  }
  return marks;
}

// The loss axis's labels, top to bottom: (y, value).
std::vector<std::pair<double, double>> loss_labels(const std::string& svg) {
  const std::size_t group = svg.find(R"(<g class="yticks)");
  EXPECT_NE(group, std::string::npos);
  if (group == std::string::npos) return {};
  const std::string text = svg.substr(group, svg.find("</g>", group) - group);
  std::vector<std::pair<double, double>> labels;
  const std::regex label(R"re(<text x="[0-9.]+" y="([0-9.]+)">([^<]*)</text>)re");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), label); it != std::sregex_iterator(); ++it)
    labels.emplace_back(std::stod((*it)[1].str()), std::strtod((*it)[2].str().c_str(), nullptr));  // 1e-310 too
  std::sort(labels.begin(), labels.end());
  return labels;
}

// A hand-made grid report whose final validation losses are `losses`, at
// rates a decade apart from 1e-4.
Json grid_with_losses(const std::vector<double>& losses) {
  Json report = Json::parse(R"({
    "method": "grid", "recommended_lr": 0.01,
    "recommendation": {"rule": "lowest_final_validation_loss", "interval": null},
    "grid": []
  })");
  double lr = 1e-4;
  for (const double loss : losses) {
    report["grid"].push_back({{"lr", lr}, {"train_loss", {loss}}, {"val_loss", {loss}}, {"diverged", false}});
    lr *= 10.0;
  }
  return report;
}

TEST(PlotSvgLogAxis, EachLossReadsBackOffTheDecadeLines) {
  const std::vector<double> losses = {1.0, 0.2, 0.01, 0.001, 0.0005, 0.003};
  const std::string svg = render_svg(grid_with_losses(losses));
  EXPECT_EQ(count(svg, R"(<g class="yaxis log")"), 1u);
  EXPECT_NE(svg.find(">loss (log scale)</text>"), std::string::npos);
  EXPECT_GE(elements(svg, R"(<line class="ytick")").size(), 4u);  // 1, 0.1, 0.01, 0.001
  const std::vector<Mark> marks = score_marks(svg);
  ASSERT_EQ(marks.size(), losses.size());
  for (std::size_t i = 0; i < losses.size(); ++i) {
    EXPECT_NEAR(marks[i].lr / (1e-4 * std::pow(10.0, static_cast<double>(i))), 1.0, 0.01) << i;
    EXPECT_NEAR(marks[i].loss / losses[i], 1.0, 0.01) << i;
  }
  // Labels name the grid lines' losses: going down, each a smaller number.
  const std::vector<std::pair<double, double>> labels = loss_labels(svg);
  ASSERT_GE(labels.size(), 4u);
  for (std::size_t i = 1; i < labels.size(); ++i) EXPECT_LT(labels[i].second, labels[i - 1].second);
  for (const double decade : {1.0, 0.1, 0.01, 0.001})
    EXPECT_TRUE(std::any_of(labels.begin(), labels.end(), [&](const auto& l) { return l.second == decade; })) << decade;
}

TEST(PlotSvgLogAxis, LinearAsAskedOrWhenTheLossesSpanTwoDecadesAtMost) {
  const Json wide = grid_with_losses({1.0, 0.2, 0.01, 0.001});
  for (const std::string& svg :
       {render_svg(wide, LossScale::kLinear), render_svg(grid_with_losses({1.0, 0.2, 0.05, 0.0101}))}) {
    EXPECT_EQ(count(svg, R"(<g class="yaxis linear")"), 1u);
    EXPECT_EQ(svg.find(R"(class="ytick")"), std::string::npos);
    EXPECT_NE(svg.find(">loss</text>"), std::string::npos);  // not "loss (log scale)"
    // Equal steps of loss are equal steps of height.
    const std::vector<std::pair<double, double>> labels = loss_labels(svg);
    ASSERT_GE(labels.size(), 3u);
    const double per_loss = (labels[1].first - labels[0].first) / (labels[0].second - labels[1].second);
    for (std::size_t i = 2; i < labels.size(); ++i)
      EXPECT_NEAR((labels[i].first - labels[i - 1].first) / (labels[i - 1].second - labels[i].second), per_loss,
                  0.002 * per_loss);  // coordinates have two decimals
  }
  // Narrow losses, log asked for.
  EXPECT_EQ(count(render_svg(grid_with_losses({0.9, 0.7, 0.6}), LossScale::kLog), R"(<g class="yaxis log")"), 1u);
}

TEST(PlotSvgLogAxis, ALossOfZeroSitsOnTheBottomEdgePointingDown) {
  const std::string svg = render_svg(grid_with_losses({1.0, 0.1, 0.0, 0.001}));
  ASSERT_EQ(count(svg, R"(<g class="yaxis log")"), 1u);
  EXPECT_EQ(count(svg, R"(<circle class="score")"), 3u);
  const std::vector<std::string> below = elements(svg, R"(<path class="below")");
  ASSERT_EQ(below.size(), 1u);
  // The tip (the path's first point) is just under the frame's bottom edge.
  const std::string frame = elements(svg, R"(<rect x="80.00")").back();
  const double bottom = attribute(frame, "y") + attribute(frame, "height");
  std::smatch tip;
  ASSERT_TRUE(std::regex_search(below[0], tip, std::regex(R"re(d="M[0-9.]+ ([0-9.]+))re")));
  EXPECT_NEAR(std::stod(tip[1].str()), bottom + 1.0, 0.01);
  EXPECT_NE(svg.find(">below the loss axis</text>"), std::string::npos);
  EXPECT_NE(svg.find(">a loss of 0 has no place on a log scale</text>"), std::string::npos);
  // On a linear axis, 0 is a loss like any other.
  const std::string linear = render_svg(grid_with_losses({1.0, 0.1, 0.0, 0.001}), LossScale::kLinear);
  EXPECT_EQ(count(linear, R"(<circle class="score")"), 4u);
  EXPECT_EQ(linear.find("below the loss axis"), std::string::npos);
}

// A hand-made range test: the smoothed loss falls from 1 to 0.5 while the
// batch loss spikes to 100 and dips to 1e-6 (a batch the model fits).
Json range_with_spike_and_dip() {
  Json report = Json::parse(R"({"method": "range", "recommended_lr": 0.01, "range_test": {"points": []}})");
  for (int i = 0; i <= 20; ++i) {
    const double smoothed = 1.0 - 0.025 * i;
    const double raw = i == 5 ? 100.0 : i == 15 ? 1e-6 : smoothed;
    report["range_test"]["points"].push_back(
        {{"step", i}, {"lr", 1e-4 * std::pow(10.0, 0.2 * i)}, {"loss", raw}, {"smoothed_loss", smoothed}});
  }
  return report;
}

// The batch loss is cut off at the edges, not marked: the legend names only
// the triangles it draws.
TEST(PlotSvgLogAxis, TheLegendNamesOnlyTheEdgeMarksDrawn) {
  for (const LossScale scale : {LossScale::kLinear, LossScale::kLog}) {
    const std::string svg = render_svg(range_with_spike_and_dip(), scale);
    EXPECT_EQ(count(svg, R"(class="above")"), 0u);
    EXPECT_EQ(count(svg, R"(class="below")"), 0u);
    EXPECT_EQ(svg.find("above the loss axis"), std::string::npos);
    EXPECT_EQ(svg.find("below the loss axis"), std::string::npos);
  }
  // On a log axis the batch loss's dip shows, two decades under the smoothed
  // loss at most: the lowest label is between 0.001 and 0.01.
  const std::vector<std::pair<double, double>> labels =
      loss_labels(render_svg(range_with_spike_and_dip(), LossScale::kLog));
  ASSERT_FALSE(labels.empty());
  EXPECT_GE(labels.back().second, 0.001);
  EXPECT_LE(labels.back().second, 0.01);
}

// Whatever the span, the labels are in order, a line apart, and there are at
// least two of them.
TEST(PlotSvgLogAxis, TickLabelsAreInOrderAndApartOnAnySpan) {
  const std::vector<std::vector<double>> spans = {
      {0.6, 0.5},               // within a decade: 1-2-3-...-9 steps or the ends
      {0.441, 0.44, 0.4405},    // a hundredth of a decade
      {1.0, 0.1, 0.5, 0.02},    // 1-2-5
      {1e4, 1.0, 1e-4},         // 8 decades: 2 and 5 where they fit
      {1e30, 1.0, 1e-3},        // 33 decades: the top ten shown
      {1e-300, 1e-310, 1e-320}, // subnormal losses
      {1e300, 1e307, 1e-300},   // near the largest double
      {5e9, 3e8, 2e10, 7e10}};  // large losses, labels like 2e10; 7e10 above the axis
  for (const std::vector<double>& losses : spans) {
    const std::string svg = render_svg(grid_with_losses(losses), LossScale::kLog);
    const std::vector<std::pair<double, double>> labels = loss_labels(svg);
    ASSERT_GE(labels.size(), 2u) << losses[0];
    for (std::size_t i = 1; i < labels.size(); ++i) {
      EXPECT_LT(labels[i].second, labels[i - 1].second) << losses[0];
      EXPECT_GE(labels[i].first - labels[i - 1].first, 14.0) << losses[0];  // 11-pixel digits
    }
    if (elements(svg, R"(<line class="ytick")").size() < 2) continue;  // fewer than two decade lines to read off
    const std::vector<Mark> marks = score_marks(svg);
    for (std::size_t i = 0; i < marks.size(); ++i) EXPECT_NEAR(marks[i].loss / losses[i], 1.0, 0.01) << losses[0];
  }
}

// Found by fuzz/fuzz_pipeline.cpp under UBSan: logistic regression on a
// separable sample, whose validation losses fall to 2.9e-224 and then 0. The
// axis shows ten decades under the highest loss; what lies lower sits on the
// bottom edge as a triangle, named in the legend.
TEST(PlotSvgLogAxis, ShowsTenDecadesAtMostAndMarksWhatLiesBelow) {
  const std::vector<double> losses = {0.68, 0.3, 0.05, 1e-3, 1e-6, 1e-13, 2.9e-224, 0.0};
  const std::string svg = render_svg(grid_with_losses(losses));
  ASSERT_EQ(count(svg, R"(<g class="yaxis log")"), 1u);
  const std::vector<std::pair<double, double>> labels = loss_labels(svg);
  ASSERT_GE(labels.size(), 2u);
  EXPECT_GE(labels.back().second, 1e-11);  // the lowest label
  EXPECT_EQ(count(svg, R"(<circle class="score")"), 5u);
  EXPECT_EQ(count(svg, R"(<path class="below")"), 3u);  // 1e-13, 2.9e-224 and 0
  EXPECT_NE(svg.find(">below the loss axis</text>"), std::string::npos);
  const std::vector<Mark> marks = score_marks(svg);
  ASSERT_EQ(marks.size(), 5u);
  for (std::size_t i = 0; i < marks.size(); ++i) EXPECT_NEAR(marks[i].loss / losses[i], 1.0, 0.01) << i;
}

// --- --plot-scale end to end ------------------------------------------------

// The regression of bench/quality/data/synth_regression.csv: the candidates
// lose from 6e10 down to 3.5e8. On a linear axis every good candidate sits on
// the bottom edge; on the log axis auto picks, losses a factor of 2 apart are
// drawn well apart.
TEST(CliPlotScale, AutoDrawsRegressionCandidatesOverDecadesOnALogAxis) {
  const std::string dir = testing::make_temp_dir();
  std::vector<std::pair<std::string, std::size_t>> close_pairs;  // scale, pairs drawn too close
  for (const std::string scale : {"auto", "linear"}) {
    const std::string plot = dir + "/" + scale + ".svg";
    const testing::CliResult r = testing::run_cli(
        {"bench/quality/data/synth_regression.csv", "--model", "linear", "--plot", plot, "--plot-scale", scale, "-q"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string svg = testing::read_file(plot);
    EXPECT_EQ(count(svg, scale == "auto" ? R"(<g class="yaxis log")" : R"(<g class="yaxis linear")"), 1u);
    // Each dot's loss from the report, by its rate.
    std::vector<std::pair<double, double>> dots;  // loss, y
    const Json report = Json::parse(r.out);
    const std::vector<std::string> xticks = elements(svg, R"(<line class="xtick")");
    for (const std::string& c : elements(svg, R"(<circle class="score")")) {
      const double lr = std::pow(10.0, log_at(xticks, "x", attribute(c, "cx")));
      for (const Json& candidate : report.at("auto").at("candidates"))
        if (std::abs(candidate.at("lr").get<double>() / lr - 1.0) < 0.02)
          dots.emplace_back(candidate.at("val_loss").get<double>(), attribute(c, "cy"));
    }
    ASSERT_GE(dots.size(), 10u);
    std::size_t close = 0;
    for (const auto& [loss_a, y_a] : dots)
      for (const auto& [loss_b, y_b] : dots)
        if (loss_a >= 2.0 * loss_b && y_b - y_a < 10.0) ++close;
    close_pairs.emplace_back(scale, close);
  }
  EXPECT_EQ(close_pairs[0].second, 0u) << "auto";
  EXPECT_GT(close_pairs[1].second, 5u) << "linear: what the issue saw";
  testing::remove_tree(dir);
}

TEST(CliPlotScale, LogAndLinearAsAskedAnythingElseIsExit64) {
  const std::string dir = testing::make_temp_dir();
  const std::vector<std::string> run = {"data/iris.csv", "--model",         "logistic",    "--method",
                                        "range",         "--steps",         "40",          "-q",
                                        "--plot",        dir + "/plot.svg", "--plot-scale"};
  for (const std::string scale : {"log", "linear", "auto"}) {
    std::vector<std::string> args = run;
    args.push_back(scale);
    const testing::CliResult r = testing::run_cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string svg = testing::read_file(dir + "/plot.svg");
    EXPECT_EQ(count(svg, scale == "log" ? R"(<g class="yaxis log")" : R"(<g class="yaxis linear")"), 1u) << scale;
  }
  std::vector<std::string> args = run;
  args.push_back("logarithmic");
  args[9] = dir + "/other.svg";
  const testing::CliResult r = testing::run_cli(args);
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_EQ(r.err,
            "lr-find: error: --plot-scale: must be auto, linear or log, not 'logarithmic' (see lr-find --help)\n");
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(std::filesystem::exists(dir + "/other.svg"));
  testing::remove_tree(dir);
}

TEST(CliPlotScale, WithoutAPlotFileItWarnsThatItDoesNothing) {
  const std::vector<std::string> run = {"data/iris.csv", "--model", "logistic",     "--method", "range",
                                        "--steps",       "40",      "--plot-scale", "log"};
  const testing::CliResult none = testing::run_cli(run);
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_NE(none.err.find("lr-find: warning: --plot-scale has no effect without a --plot file\n"), std::string::npos)
      << none.err;
  std::vector<std::string> text = run;
  text.insert(text.end(), {"--plot", "-"});
  const testing::CliResult terminal = testing::run_cli(text);
  ASSERT_EQ(terminal.exit_code, 0) << terminal.err;
  EXPECT_NE(terminal.err.find("lr-find: warning: --plot-scale has no effect on the text plot of --plot -\n"),
            std::string::npos)
      << terminal.err;
  std::vector<std::string> file = run;
  file.insert(file.end(), {"--plot", testing::make_temp_dir() + "/plot.svg"});
  const testing::CliResult quiet = testing::run_cli(file);
  EXPECT_EQ(quiet.err.find("--plot-scale"), std::string::npos) << quiet.err;
  testing::remove_tree(file.back().substr(0, file.back().rfind('/')));
}

}  // namespace
}  // namespace lrfind
