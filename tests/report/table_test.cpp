#include "report/table.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "pipeline/run.hpp"

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "lrfind/run.hpp"
#include "report/report_support.hpp"

namespace lrfind {
namespace {

using Json = nlohmann::ordered_json;
using testing::base_config;
using testing::iris_report;
using testing::kRegression;
using testing::kTwoClasses;
using testing::report_of;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// The rate table: after the first blank line, its title, then column titles,
// a rule and one line per rate.
std::vector<std::string> table_block(const std::string& text) {
  const std::vector<std::string> lines = lines_of(text);
  std::size_t at = 0;
  while (at < lines.size() && !lines[at].empty()) ++at;
  std::vector<std::string> block;
  for (at += 2; at < lines.size() && !lines[at].empty(); ++at) block.push_back(lines[at]);
  return block;
}

std::string rate(const Json& lr) { return fmt::format("{:.4g}", lr.get<double>()); }

void expect_aligned(const std::vector<std::string>& block) {
  ASSERT_GE(block.size(), 3u);
  for (const std::string& line : block) EXPECT_EQ(line.size(), block[0].size()) << line;
  EXPECT_EQ(block[1].find_first_not_of(" -"), std::string::npos) << block[1];  // the rule under the titles
}

// The one line starting with '*', which must show the recommended rate.
std::string marked_line(const std::vector<std::string>& block) {
  std::string marked;
  int count = 0;
  for (const std::string& line : block)
    if (line.starts_with("*")) {
      marked = line;
      ++count;
    }
  EXPECT_EQ(count, 1);
  return marked;
}

bool has_word(const std::string& line, const std::string& word) {
  return fmt::format(" {} ", line).find(fmt::format(" {} ", word)) != std::string::npos;
}

TEST(FormatTable, AutoShowsRecommendationAndEveryCandidateAligned) {
  const Json report = iris_report("auto");
  const std::string table = render_table(report);
  ASSERT_FALSE(table.empty());
  EXPECT_EQ(table.back(), '\n');
  const Json& rec = report.at("recommendation");
  EXPECT_NE(table.find(fmt::format("recommended lr  {} by cross_validated_search\n", rate(rec.at("lr")))),
            std::string::npos)
      << table;
  EXPECT_NE(
      table.find(fmt::format("interval        [{}, {}]\n", rate(rec.at("interval")[0]), rate(rec.at("interval")[1]))),
      std::string::npos)
      << table;
  EXPECT_NE(table.find(fmt::format("confidence      {}", rec.at("confidence").get<std::string>())), std::string::npos)
      << table;
  EXPECT_NE(table.find(fmt::format("schedule        constant (lr={})", rate(rec.at("lr")))), std::string::npos)
      << table;
  EXPECT_NE(table.find("data/iris.csv: 150 rows, 4 features"), std::string::npos) << table;
  EXPECT_NE(table.find("3 classes: Iris-setosa, Iris-versicolor, Iris-virginica"), std::string::npos) << table;
  EXPECT_NE(table.find("logistic (CrossEntropyLoss)"), std::string::npos) << table;
  EXPECT_NE(table.find(fmt::format("valley {}", rate(rec.at("suggestions").at("valley")))), std::string::npos) << table;
  EXPECT_NE(table.find(fmt::format("sgd bounds      {} full batch (2/L, worst case)",
                                   rate(report.at("theory").at("max_stable_lr_full_batch")))),
            std::string::npos)
      << table;

  const std::vector<std::string> block = table_block(table);
  expect_aligned(block);
  const Json& candidates = report.at("auto").at("candidates");
  ASSERT_EQ(block.size(), candidates.size() + 2);
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    EXPECT_TRUE(has_word(block[i + 2], rate(candidates[i].at("lr")))) << block[i + 2];
    EXPECT_TRUE(has_word(block[i + 2], candidates[i].at("stage").get<std::string>())) << block[i + 2];
  }
  EXPECT_TRUE(has_word(marked_line(block), rate(rec.at("lr"))));
}

TEST(FormatTable, GridListsEveryRateWithFinalLosses) {
  const Json report = iris_report("grid");
  const std::string table = render_table(report);
  EXPECT_NE(
      table.find(fmt::format("recommended lr  {} by lowest_final_validation_loss", rate(report.at("recommended_lr")))),
      std::string::npos)
      << table;
  // Every method states its confidence (since 1.1, grid too).
  const std::string confidence = report.at("recommendation").at("confidence").get<std::string>();
  EXPECT_NE(table.find(fmt::format("\nconfidence      {}", confidence)), std::string::npos) << table;
  const std::vector<std::string> block = table_block(table);
  expect_aligned(block);
  const Json& grid = report.at("grid");
  ASSERT_EQ(block.size(), grid.size() + 2);
  for (std::size_t i = 0; i < grid.size(); ++i) {
    EXPECT_TRUE(has_word(block[i + 2], rate(grid[i].at("lr")))) << block[i + 2];
    EXPECT_TRUE(has_word(block[i + 2], fmt::format("{:.6g}", grid[i].at("val_loss")[2].get<double>()))) << block[i + 2];
  }
  EXPECT_TRUE(has_word(marked_line(block), rate(report.at("recommended_lr"))));
}

TEST(FormatTable, RangeSamplesAboutFifteenPointsAndMarksTheNearestToTheRate) {
  RunConfig config = base_config("logistic", "range");
  config.range.steps = 100;
  const Json report = report_of(config, kTwoClasses);
  const std::string table = render_table(report);
  EXPECT_NE(table.find(fmt::format("recommended lr  {} by minimum_div_10", rate(report.at("recommended_lr")))),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("method          range: "), std::string::npos) << table;
  const std::vector<std::string> block = table_block(table);
  expect_aligned(block);
  EXPECT_GE(block.size() - 2, 15u);
  EXPECT_LE(block.size() - 2, 17u);
  const Json& points = report.at("range_test").at("points");
  EXPECT_TRUE(has_word(block[2], rate(points.front().at("lr"))));
  EXPECT_TRUE(has_word(block.back(), rate(points.back().at("lr"))));
  // The marked point is the curve's nearest to the recommendation in log(lr).
  const double recommended = report.at("recommended_lr").get<double>();
  std::size_t nearest = 0;
  for (std::size_t i = 1; i < points.size(); ++i)
    if (std::abs(std::log(points[i].at("lr").get<double>() / recommended)) <
        std::abs(std::log(points[nearest].at("lr").get<double>() / recommended)))
      nearest = i;
  EXPECT_TRUE(has_word(marked_line(block), rate(points[nearest].at("lr"))));
}

TEST(FormatTable, NoUsableRateSaysWhyAndMarksNothing) {
  RunConfig config = base_config("linear", "grid");
  config.data.standardize = false;
  config.grid.rates = {1e3, 1e4};
  config.training.batch_size = 0;
  const Json report = report_of(config, kRegression);
  ASSERT_TRUE(report.at("recommended_lr").is_null());
  const std::string table = render_table(report);
  EXPECT_NE(table.find(fmt::format("recommended lr  none (lowest_final_validation_loss): {}",
                                   report.at("recommendation").at("reason").get<std::string>())),
            std::string::npos)
      << table;
  const std::vector<std::string> block = table_block(table);
  expect_aligned(block);
  for (const std::string& line : block) EXPECT_FALSE(line.starts_with("*")) << line;
}

TEST(FormatTable, CheckShowsVerdictAndMessage) {
  RunConfig config = base_config("logistic", "grid");
  config.check = CheckSettings{1e3, 1.0};
  const Json report = report_of(config, kTwoClasses);
  const Json& check = report.at("check");
  EXPECT_NE(render_table(report).find(fmt::format("check           {}: {}\n", check.at("verdict").get<std::string>(),
                                                  check.at("message").get<std::string>())),
            std::string::npos)
      << render_table(report);
}

TEST(FormatTable, ControlCharactersFromTheDataAreReplaced) {
  RunConfig config = base_config("logistic", "grid");
  const Json report = report_of(config,
                                "a,b,label\n1,2,\"x\x1b[31m\"\n2,1,y\n3,4,\"x\x1b[31m\"\n4,3,y\n5,6,y\n"
                                "6,5,\"x\x1b[31m\"\n7,8,y\n8,7,y\n9,9,\"x\x1b[31m\"\n0,1,y\n");
  ASSERT_EQ(report.at("dataset").at("classes")[0], "x\x1b[31m");
  const std::string table = render_table(report);
  EXPECT_EQ(table.find('\x1b'), std::string::npos);
  EXPECT_NE(table.find("2 classes: x?[31m, y"), std::string::npos) << table;
}

TEST(FormatTable, TheBoundsOnlyForPlainSgd) {
  // The theory's bounds are about plain SGD: another optimizer's table leaves them out (the JSON keeps them).
  Json report = iris_report("range");
  ASSERT_TRUE(report.at("theory").is_object());
  EXPECT_NE(render_table(report).find("lr / bound"), std::string::npos);
  report["optimizer"]["name"] = "adam";
  const std::string table = render_table(report);
  EXPECT_EQ(table.find("sgd bounds"), std::string::npos) << table;
  EXPECT_EQ(table.find("2/L"), std::string::npos) << table;
  EXPECT_EQ(table.find("lr / bound"), std::string::npos) << table;
}

TEST(FormatTable, PlainAsciiAndSameReportSameText) {
  const Json report = report_of(base_config("svm", "grid"), kTwoClasses);
  const std::string table = render_table(report);
  for (const char c : table) EXPECT_TRUE(c == '\n' || (c >= ' ' && c <= '~')) << static_cast<int>(c);
  EXPECT_EQ(table.find("sgd bounds"), std::string::npos);  // theory is null for the SVM
  EXPECT_EQ(table, render_table(report));
}

}  // namespace
}  // namespace lrfind
