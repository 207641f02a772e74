#include "report/plot_data.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "report/report_support.hpp"

namespace lrfind::plot {
namespace {

using Json = nlohmann::ordered_json;
using testing::plot_reports;

// A loss as PlotData holds it: empty for null.
std::optional<double> loss_of(const Json& value) {
  return value.is_null() ? std::nullopt : std::optional<double>(value.get<double>());
}

const Marker* marker(const PlotData& d, const std::string& id) {
  const auto it = std::find_if(d.markers.begin(), d.markers.end(), [&](const Marker& m) { return m.id == id; });
  return it == d.markers.end() ? nullptr : &*it;
}

TEST(PlotData, AutoReadsTheRangeTestCandidatesIntervalAndMarkers) {
  const Json& report = plot_reports().iris_auto;
  const PlotData d = read_plot_data(report);
  EXPECT_EQ(d.method, "auto");
  EXPECT_EQ(d.title, fmt::format("lr-find auto: logistic ({}), {} on data/iris.csv",
                                 report.at("model").at("loss").get<std::string>(),
                                 report.at("optimizer").at("name").get<std::string>()));

  const Json& points = report.at("range_test").at("points");
  ASSERT_EQ(d.raw.size(), points.size());
  ASSERT_EQ(d.smoothed.size(), points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    EXPECT_EQ(d.raw[i].lr, points[i].at("lr").get<double>());
    EXPECT_EQ(d.raw[i].loss, loss_of(points[i].at("loss")));
    EXPECT_EQ(d.smoothed[i].loss, loss_of(points[i].at("smoothed_loss")));
  }
  const Json& candidates = report.at("auto").at("candidates");
  ASSERT_EQ(d.scores.size(), candidates.size());
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    EXPECT_EQ(d.scores[i].lr, candidates[i].at("lr").get<double>());
    EXPECT_EQ(d.scores[i].diverged, candidates[i].at("diverged").get<bool>());
  }
  EXPECT_EQ(d.scores_label, "cross-validated validation loss");
  EXPECT_EQ(d.main_name(), "cross-validated loss");
  EXPECT_EQ(d.untrained, report.at("auto").at("untrained_val_loss").get<double>());

  const Json& interval = report.at("recommendation").at("interval");
  ASSERT_TRUE(d.interval);
  EXPECT_EQ(d.interval->first, interval[0].get<double>());
  EXPECT_EQ(d.interval->second, interval[1].get<double>());
  EXPECT_EQ(d.interval_label.rfind("near-best interval [", 0), 0u) << d.interval_label;

  // The recommended rate first, then each suggestion, then the bounds.
  const double recommended = report.at("recommended_lr").get<double>();
  ASSERT_FALSE(d.markers.empty());
  EXPECT_EQ(d.markers[0].kind, MarkerKind::kRecommended);
  EXPECT_EQ(d.markers[0].lr, recommended);
  EXPECT_EQ(d.markers[0].label, "recommended " + rate_text(recommended));
  EXPECT_EQ(d.subtitle.rfind("recommended lr " + rate_text(recommended) + " in [", 0), 0u) << d.subtitle;
  for (const auto& [name, lr] : report.at("recommendation").at("suggestions").items()) {
    const Marker* m = marker(d, name);
    ASSERT_NE(m, nullptr) << name;
    EXPECT_EQ(m->kind, MarkerKind::kSuggestion);
    EXPECT_EQ(m->lr, lr.get<double>());
  }
  ASSERT_NE(marker(d, "full_batch_bound"), nullptr);
  EXPECT_EQ(marker(d, "full_batch_bound")->lr, report.at("theory").at("max_stable_lr_full_batch").get<double>());
  EXPECT_EQ(d.markers.back().id, "minibatch_bound");
}

TEST(PlotData, AxesCoverTheCurvesAndMarkersAndClipAnExplodingTail) {
  const Json& report = plot_reports().diabetes_range;
  ASSERT_EQ(report.at("range_test").at("stop_reason"), "smoothed_loss_exceeded_stop_factor");
  const PlotData d = read_plot_data(report);
  for (const auto* curve : {&d.raw, &d.smoothed}) {
    for (const Point& p : *curve) {
      EXPECT_GE(std::log10(p.lr), d.x_lo);
      EXPECT_LE(std::log10(p.lr), d.x_hi);
    }
  }
  for (const Marker& m : d.markers) {
    EXPECT_GE(std::log10(m.lr), d.x_lo) << m.id;
    EXPECT_LE(std::log10(m.lr), d.x_hi) << m.id;
  }
  // The loss axis starts at the lowest loss and tops out far below the tail.
  double lowest = std::numeric_limits<double>::infinity();
  double highest = 0.0;
  for (const Point& p : d.raw) {
    if (!p.loss) continue;
    lowest = std::min(lowest, *p.loss);
    highest = std::max(highest, *p.loss);
  }
  EXPECT_LE(d.y_lo, lowest);
  EXPECT_GT(d.y_hi, d.smoothed.front().loss.value());
  EXPECT_LT(d.y_hi, highest);
}

TEST(PlotData, GridScoresAreFinalValidationLossesElseTrainingLosses) {
  Json report = plot_reports().diabetes_grid;
  const Json& grid = report.at("grid");
  PlotData d = read_plot_data(report);
  ASSERT_EQ(d.scores.size(), grid.size());
  for (std::size_t i = 0; i < grid.size(); ++i) {
    EXPECT_EQ(d.scores[i].lr, grid[i].at("lr").get<double>());
    EXPECT_EQ(d.scores[i].loss, loss_of(grid[i].at("val_loss").back()));
  }
  EXPECT_EQ(d.scores_label, "final validation loss");
  EXPECT_EQ(d.main_name(), "final validation loss");
  EXPECT_EQ(d.untrained, report.at("untrained_loss").at("val_loss").get<double>());
  EXPECT_TRUE(d.raw.empty());

  for (Json& g : report.at("grid")) g["val_loss"] = nullptr;
  d = read_plot_data(report);
  EXPECT_EQ(d.scores_label, "final training loss");
  EXPECT_EQ(d.scores[0].loss, loss_of(report.at("grid")[0].at("train_loss").back()));
  EXPECT_EQ(d.untrained, report.at("untrained_loss").at("train_loss").get<double>());
}

TEST(PlotData, NullAndNonFiniteNumbersAreLeftOut) {
  Json report = plot_reports().iris_auto;
  auto& points = report.at("range_test").at("points");
  const std::size_t n = points.size();
  points[3]["loss"] = nullptr;
  points[5]["lr"] = std::numeric_limits<double>::infinity();
  points[6]["lr"] = 0.0;
  report["recommendation"]["suggestions"]["valley"] = std::numeric_limits<double>::quiet_NaN();
  report["theory"]["max_stable_lr_full_batch"] = nullptr;
  const PlotData d = read_plot_data(report);
  EXPECT_EQ(d.raw.size(), n - 2);  // no place on a log axis for the two bad rates
  EXPECT_FALSE(d.raw[3].loss);
  EXPECT_TRUE(d.smoothed[3].loss);
  EXPECT_EQ(marker(d, "valley"), nullptr);
  EXPECT_EQ(marker(d, "full_batch_bound"), nullptr);
  EXPECT_NE(marker(d, "minibatch_bound"), nullptr);
}

// A hand-made grid report: two rates a decade apart.
Json small_grid() {
  return Json::parse(R"({
    "method": "grid", "recommended_lr": 0.01,
    "recommendation": {"rule": "lowest_final_validation_loss", "interval": null},
    "grid": [{"lr": 0.001, "train_loss": [1.0, 0.8], "val_loss": [1.1, 0.9], "diverged": false},
             {"lr": 0.01, "train_loss": [0.7, 0.5], "val_loss": [0.8, 0.6], "diverged": false}],
    "theory": {"max_stable_lr_full_batch": 1000.0, "minibatch_lr_bound": 0.05, "batch_size": 32},
    "model": {"kind": "logistic"}, "optimizer": {"name": "sgd"}
  })");
}

TEST(PlotData, ABoundFarFromTheDataIsNamedOffScaleNotDrawn) {
  const PlotData d = read_plot_data(small_grid());
  EXPECT_EQ(marker(d, "full_batch_bound"), nullptr);
  EXPECT_EQ(d.off_scale, (std::vector<std::string>{"2/L 1e+03 (off scale)"}));
  const Marker* mini = marker(d, "minibatch_bound");
  ASSERT_NE(mini, nullptr);
  EXPECT_EQ(mini->detail, "mini-batch bound, b = 32: convergence guaranteed below it");
  EXPECT_LE(d.x_hi, std::log10(1000.0));
  EXPECT_GE(d.x_hi, std::log10(0.05));
}

TEST(PlotData, TheBoundsAreForPlainSgdOnlyAndSayHowTightTheyAre) {
  // Logistic: L is the curvature at its largest, so 2/L is a worst case.
  Json report = small_grid();
  report["theory"]["max_stable_lr_full_batch"] = 0.2;
  const PlotData logistic = read_plot_data(report);
  const Marker* full = marker(logistic, "full_batch_bound");
  ASSERT_NE(full, nullptr);
  EXPECT_EQ(full->label, "2/L 0.2");
  EXPECT_EQ(full->detail, "worst-case full-batch bound (curvature at its largest)");
  // Linear: full-batch gradient descent diverges above 2/L.
  report["model"]["kind"] = "linear";
  const PlotData linear = read_plot_data(report);
  full = marker(linear, "full_batch_bound");
  ASSERT_NE(full, nullptr);
  EXPECT_EQ(full->detail, "full-batch stability bound: gradient descent diverges above it");
  // Not plain SGD (or no optimizer named): no bound is drawn or named, and the axis is the data's.
  for (const Json& optimizer : {Json{{"name", "adam"}}, Json{{"name", "momentum"}}, Json(nullptr)}) {
    report["optimizer"] = optimizer;
    const PlotData d = read_plot_data(report);
    EXPECT_EQ(marker(d, "full_batch_bound"), nullptr) << optimizer;
    EXPECT_EQ(marker(d, "minibatch_bound"), nullptr) << optimizer;
    EXPECT_TRUE(d.off_scale.empty()) << optimizer;
    EXPECT_LT(d.x_hi, std::log10(0.05)) << optimizer;
  }
}

TEST(PlotData, EmptyReportHasNoCurvesAndDefaultAxes) {
  const PlotData d = read_plot_data(Json::object());
  EXPECT_EQ(d.title, "lr-find");
  EXPECT_EQ(d.subtitle, "no usable rate");
  EXPECT_TRUE(d.raw.empty() && d.smoothed.empty() && d.scores.empty() && d.markers.empty());
  EXPECT_FALSE(d.recommended || d.interval || d.untrained);
  EXPECT_EQ(d.x_lo, -7.0);
  EXPECT_EQ(d.x_hi, 1.0);
  EXPECT_EQ(d.y_lo, 0.0);
  EXPECT_DOUBLE_EQ(d.y_hi, 1.05);
}

TEST(PlotData, FieldsOfAnotherTypeReadAsAbsent) {
  const Json report = Json::parse(R"({
    "method": 5, "model": "logistic", "range_test": {"points": {"lr": 0.1}},
    "auto": [], "grid": {"lr": 0.1}, "recommended_lr": "0.1",
    "recommendation": {"rule": ["x"], "interval": [0.1], "suggestions": [0.1]},
    "theory": {"max_stable_lr_full_batch": "1", "minibatch_lr_bound": -1.0}
  })");
  const PlotData d = read_plot_data(report);
  EXPECT_EQ(d.method, "");
  EXPECT_EQ(d.title, "lr-find");
  EXPECT_TRUE(d.raw.empty() && d.scores.empty() && d.markers.empty() && d.off_scale.empty());
  EXPECT_FALSE(d.recommended || d.interval);
}

TEST(PlotDataLossSpan, ClipsAnExplodingTailAtFourTimesTheDrop) {
  // Minimum 0.4, reference 1.0: the axis may reach 0.4 + 4 * 0.6 = 2.8.
  const Span span = loss_span({1.0, 0.5, 0.4, 2.0, 100.0}, 1.0);
  EXPECT_EQ(span.lo, 0.4);
  EXPECT_EQ(span.hi, 2.0);
  // The median stands in for a reference below it.
  EXPECT_EQ(loss_span({0.1, 1.0, 1.1, 1.2, 9.0}, 0.2).hi, 1.2);
}

TEST(PlotDataLossSpan, FlatOrEmptyCurvesStillGetAHeight) {
  const Span flat = loss_span({2.0, 2.0, 2.0}, std::nullopt);
  EXPECT_EQ(flat.lo, 2.0);
  EXPECT_DOUBLE_EQ(flat.hi, 2.2);
  const Span empty = loss_span({}, std::nullopt);
  EXPECT_EQ(empty.lo, 0.0);
  EXPECT_EQ(empty.hi, 1.0);
}

TEST(PlotDataAxes, DecadesAroundTheRatesAndPaddingAboveZero) {
  const Span d1 = decades(0.003, 0.2);
  EXPECT_EQ(d1.lo, -3.0);
  EXPECT_EQ(d1.hi, 0.0);
  const Span d2 = decades(0.01, 0.01);  // one decade at least
  EXPECT_EQ(d2.lo, -2.0);
  EXPECT_EQ(d2.hi, -1.0);
  const Span none = decades(0.0, 1.0);
  EXPECT_EQ(none.lo, -7.0);
  EXPECT_EQ(none.hi, 1.0);
  const Span above_zero = padded({0.0, 1.0});
  EXPECT_EQ(above_zero.lo, 0.0);
  EXPECT_DOUBLE_EQ(above_zero.hi, 1.05);
  const Span both = padded({-1.0, 1.0});
  EXPECT_DOUBLE_EQ(both.lo, -1.1);
  EXPECT_DOUBLE_EQ(both.hi, 1.1);
}

// A hand-made grid report whose final validation losses are `losses`, at
// rates a decade apart from 1e-4.
Json grid_with_losses(const std::vector<double>& losses) {
  Json report = small_grid();
  Json& grid = report["grid"];
  grid = Json::array();
  double lr = 1e-4;
  for (const double loss : losses) {
    grid.push_back({{"lr", lr}, {"train_loss", {loss}}, {"val_loss", {loss}}, {"diverged", false}});
    lr *= 10.0;
  }
  return report;
}

TEST(PlotDataLogAxis, AutoIsLogOnlyWhenTheLossesShownSpanOverTwoDecades) {
  EXPECT_FALSE(wants_log_axis(LossScale::kAuto, 1.0, 100.0));
  EXPECT_TRUE(wants_log_axis(LossScale::kAuto, 1.0, 100.5));
  EXPECT_TRUE(wants_log_axis(LossScale::kAuto, 2e8, 7e10));
  EXPECT_FALSE(wants_log_axis(LossScale::kAuto, std::numeric_limits<double>::infinity(), 5.0));  // none positive
  EXPECT_FALSE(wants_log_axis(LossScale::kLinear, 1e-6, 1.0));
  EXPECT_TRUE(wants_log_axis(LossScale::kLog, 0.5, 0.6));
  EXPECT_TRUE(wants_log_axis(LossScale::kLog, std::numeric_limits<double>::infinity(), 0.0));
}

// Whether a and b agree to a relative 1e-12 (pow and log10 round).
bool close(double a, double b) { return std::abs(a - b) <= 1e-12 * std::abs(b); }

TEST(PlotDataLogAxis, SpanReachesTheDipByTwoDecadesAtMostAndIsPaddedInDecades) {
  // 1 to 1000 with the batch loss dipping to 0.5: three decades and a bit,
  // padded by 5% of them on each side.
  const Span span = log_loss_span(1.0, 1000.0, 0.5);
  const double pad = std::pow(10.0, 0.05 * std::log10(2000.0));
  EXPECT_TRUE(close(span.lo, 0.5 / pad)) << span.lo;
  EXPECT_TRUE(close(span.hi, 1000.0 * pad)) << span.hi;
  // A dip to 1e-9 stops at a hundredth of the lowest loss.
  EXPECT_TRUE(close(log_loss_span(1.0, 1000.0, 1e-9).lo, 0.01 / std::pow(10.0, 0.05 * 5.0)));
  // No dip (0 or infinite: the batch loss never went below) leaves the lowest loss.
  EXPECT_TRUE(close(log_loss_span(1.0, 1000.0, 0.0).lo, 1.0 / std::pow(10.0, 0.05 * 3.0)));
  EXPECT_TRUE(close(log_loss_span(1.0, 1000.0, std::numeric_limits<double>::infinity()).lo,
                    1.0 / std::pow(10.0, 0.05 * 3.0)));
  // A flat curve still gets a height; no positive loss, 0.1 to 1.
  const Span flat = log_loss_span(2.0, 2.0, 0.0);
  EXPECT_LT(flat.lo, 2.0);
  EXPECT_GE(flat.hi, 2.2);
  const Span none = log_loss_span(std::numeric_limits<double>::infinity(), 0.0, 0.0);
  EXPECT_EQ(none.lo, 0.1);
  EXPECT_EQ(none.hi, 1.0);
}

TEST(PlotDataLogAxis, SpanIsTenDecadesAtMostAndFiniteAtTheEndsOfTheDoubles) {
  // A separable data set's logistic loss fell from 0.68 to 2.9e-224 (found by
  // fuzz/fuzz_pipeline.cpp): the axis keeps the top ten decades.
  const Span deep = log_loss_span(2.9e-224, 0.68, 0.0);
  EXPECT_TRUE(close(std::log10(deep.hi / deep.lo), 11.0)) << deep.lo;  // 10 decades, padded by 5% each side
  EXPECT_TRUE(close(deep.hi, 0.68 * std::pow(10.0, 0.5)));
  // The smallest subnormal, and losses near the largest double: no end is
  // 0 or infinite, and the axis still has a height.
  for (const auto& [lowest, highest] : {std::pair{4.9e-324, 1e-310}, std::pair{4.9e-324, 4.9e-324},
                                        std::pair{1.0, 1.7e308}, std::pair{1e300, 1.7e308}}) {
    const Span span = log_loss_span(lowest, highest, 0.0);
    EXPECT_GT(span.lo, 0.0) << lowest << " " << highest;
    EXPECT_TRUE(std::isfinite(span.hi)) << lowest << " " << highest;
    EXPECT_GT(std::log10(span.hi) - std::log10(span.lo), 0.04) << lowest << " " << highest;
    EXPECT_LE(std::log10(span.hi) - std::log10(span.lo), 11.0 + 1e-9) << lowest << " " << highest;
  }
}

TEST(PlotDataLogAxis, ScoresOverTwoDecadesGetALogAxisUnlessLinearIsAsked) {
  // Losses from 1 down to 0.0099: over two decades. The first loss is the
  // reference, so the axis tops out at 1.
  const Json wide = grid_with_losses({1.0, 0.3, 0.05, 0.0099, 0.02});
  const PlotData d = read_plot_data(wide);
  EXPECT_TRUE(d.y_log);
  EXPECT_GT(d.y_lo, 0.0);
  EXPECT_LT(d.y_lo, 0.0099);
  EXPECT_GT(d.y_lo, 0.0099 / 1.5);  // padded by a fraction of a decade, not to zero
  EXPECT_GT(d.y_hi, 1.0);
  EXPECT_LT(d.y_hi, 1.5);
  EXPECT_EQ(read_plot_data(wide, LossScale::kAuto).y_log, true);
  const PlotData linear = read_plot_data(wide, LossScale::kLinear);
  EXPECT_FALSE(linear.y_log);
  EXPECT_LE(linear.y_lo, 0.0099);
  // Just under two decades: linear; asked for, log.
  const Json narrow = grid_with_losses({1.0, 0.3, 0.05, 0.0101, 0.02});
  EXPECT_FALSE(read_plot_data(narrow).y_log);
  const PlotData log = read_plot_data(narrow, LossScale::kLog);
  EXPECT_TRUE(log.y_log);
  EXPECT_LT(log.y_lo, 0.0101);
  EXPECT_GT(log.y_lo, 0.0);
}

TEST(PlotDataLogAxis, AnExplodingTailDoesNotMakeTheAxisLog) {
  // 1e9 is clipped away (the axis tops out near the reference, 1), and what
  // is shown spans less than a decade.
  const PlotData d = read_plot_data(grid_with_losses({1.0, 0.5, 0.4, 1e9}));
  EXPECT_FALSE(d.y_log);
  EXPECT_LT(d.y_hi, 10.0);
}

TEST(PlotDataLogAxis, ALossOfZeroLeavesTheLogAxisAtTheLowestPositiveLoss) {
  const PlotData d = read_plot_data(grid_with_losses({1.0, 0.1, 0.0, 0.001}));
  EXPECT_TRUE(d.y_log);
  EXPECT_GT(d.y_lo, 0.0001);
  EXPECT_LT(d.y_lo, 0.001);
}

TEST(PlotDataText, RatesWithThreeDigitsLossesWithFour) {
  EXPECT_EQ(rate_text(0.0123456), "0.0123");
  EXPECT_EQ(rate_text(1000.0), "1e+03");
  EXPECT_EQ(loss_text(0.693147), "0.6931");
  EXPECT_EQ(loss_text(12345.6), "12346");  // no exponent below a million
  EXPECT_EQ(loss_text(1234567.0), "1.235e+06");
}

}  // namespace
}  // namespace lrfind::plot
