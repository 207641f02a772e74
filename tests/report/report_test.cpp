#include "report/report.hpp"

#include "pipeline/run.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace lrfind {
namespace {

constexpr const char* kCsv =
    "a,b,label\n"
    "1,2,x\n2,1,y\n3,4,x\n4,3,y\n5,6,x\n6,5,y\n7,8,x\n8,7,y\n9,9,x\n0,1,y\n";

RunResult small_run(const std::string& method) {
  RunConfig config;
  config.data.input = "-";
  config.training.model = "logistic";
  config.method = method;
  config.range.steps = 20;
  config.grid.points = 3;
  config.training.epochs = 2;
  config.seed = 5;
  return run_on_bytes(config, kCsv, "mem.csv");
}

RangeTestResult& first_range_test(RunResult& result) {
  return std::get<RangeOutcome>(result.outcome.detail).repeats.front();
}

TEST(Report, RangeHasVersionedTopLevelAndCurve) {
  const RunResult result = small_run("range");
  const auto report = make_report(result);
  EXPECT_EQ(report.at("schema_version"), 1);
  EXPECT_EQ(report.at("tool").at("name"), "lr-find");
  EXPECT_EQ(report.at("method"), "range");
  EXPECT_EQ(report.at("recommended_lr"), report.at("recommendation").at("lr"));
  EXPECT_EQ(report.at("dataset").at("classes"), nlohmann::json({"x", "y"}));
  EXPECT_EQ(report.at("dataset").at("rows"), 10);
  EXPECT_EQ(report.at("model").at("loss"), "BCEWithLogitsLoss");
  EXPECT_EQ(report.at("config").at("seed"), 5);
  EXPECT_EQ(report.at("config").at("l2"), 0.0);
  const auto& points = report.at("range_test").at("points");
  ASSERT_EQ(points.size(), std::get<RangeOutcome>(result.outcome.detail).repeats.front().points.size());
  EXPECT_EQ(points[0].at("lr"), 1e-7);
  EXPECT_TRUE(report.at("recommendation").at("suggestions").contains("valley"));
  EXPECT_FALSE(report.contains("grid"));
}

TEST(Report, GridListsEveryRateWithCurves) {
  const RunResult result = small_run("grid");
  const auto report = make_report(result);
  const auto& grid = report.at("grid");
  ASSERT_EQ(grid.size(), 3u);
  EXPECT_EQ(grid[0].at("train_loss").size(), 2u);
  EXPECT_EQ(grid[0].at("val_loss").size(), 2u);
  EXPECT_EQ(report.at("config").at("validation"), 0.2);
  EXPECT_EQ(report.at("dataset").at("validation_rows"), 2);
  EXPECT_EQ(report.at("recommendation").at("rule"), "lowest_final_validation_loss");
  EXPECT_FALSE(report.contains("range_test"));
}

TEST(Report, NonFiniteNumbersBecomeNull) {
  RunResult result = small_run("range");
  first_range_test(result).points[0].loss = std::numeric_limits<double>::infinity();
  first_range_test(result).points[1].smoothed_loss = std::nan("");
  const std::string text = render_report(make_report(result));
  EXPECT_EQ(text.find("inf"), std::string::npos);
  EXPECT_EQ(text.find("nan"), std::string::npos);
  EXPECT_EQ(text.find("NaN"), std::string::npos);
  const auto parsed = nlohmann::json::parse(text);
  EXPECT_TRUE(parsed.at("range_test").at("points")[0].at("loss").is_null());
  EXPECT_TRUE(parsed.at("range_test").at("points")[1].at("smoothed_loss").is_null());
}

TEST(Report, NoUsableRateGivesNullWithReason) {
  RunResult result = small_run("grid");
  result.outcome.recommendation.lr.reset();
  result.outcome.recommendation.reason = "every rate diverged; try smaller rates";
  const auto report = make_report(result);
  EXPECT_TRUE(report.at("recommended_lr").is_null());
  EXPECT_EQ(report.at("recommendation").at("reason"), "every rate diverged; try smaller rates");
}

TEST(Report, NumbersRoundTripInShortestForm) {
  RunResult result = small_run("range");
  result.outcome.recommendation.lr = 0.1;
  const std::string text = render_report(make_report(result));
  EXPECT_NE(text.find("\"recommended_lr\": 0.1,"), std::string::npos);
  EXPECT_EQ(text.back(), '\n');
}

TEST(Report, InvalidUtf8FromTheInputIsReplacedNotFatal) {
  RunResult result = small_run("range");
  result.dataset.target_name = "caf\xe9";  // Latin-1, not UTF-8
  const std::string text = render_report(make_report(result));
  EXPECT_NE(text.find("caf\xef\xbf\xbd"), std::string::npos);  // U+FFFD
  EXPECT_NO_THROW(nlohmann::json::parse(text));
}

}  // namespace
}  // namespace lrfind
