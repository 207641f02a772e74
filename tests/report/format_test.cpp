#include "report/format.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "io/input.hpp"
#include "load/csv_support.hpp"
#include "report/report.hpp"
#include "lrfind/run.hpp"

namespace lrfind {
namespace {

using Json = nlohmann::ordered_json;
using test::CsvTable;
using test::parse_csv;

constexpr const char* kTwoClasses =
    "a,b,label\n"
    "1,2,x\n2,1,y\n3,4,x\n4,3,y\n5,6,x\n6,5,y\n7,8,x\n8,7,y\n9,9,x\n0,1,y\n";

// Unscaled features in the hundreds: least squares diverges at rate 1.
constexpr const char* kRegression =
    "x,y\n"
    "100,1\n200,3\n300,2\n400,5\n500,4\n600,7\n700,6\n800,9\n";

RunConfig base_config(ModelKind model, Method method) {
  RunConfig config;
  // Not assigned from a literal: GCC 12 warns falsely there (-Wrestrict, GCC bug 105329).
  config.input = std::string("-");
  config.model = model;
  config.method = method;
  config.steps = 30;
  config.epochs = 3;
  config.grid_points = 4;
  config.seed = 3;
  return config;
}

Json report_of(const RunConfig& config, std::string_view bytes, const std::string& source = "mem.csv") {
  return make_report(run_on_bytes(config, bytes, source, {}));
}

// Iris on a small budget: three classes, enough rows for 5 folds.
Json iris_report(Method method) {
  RunConfig config = base_config(ModelKind::kLogistic, method);
  config.input = "data/iris.csv";
  config.repeats = 1;
  return report_of(config, io::read_text(config.input), config.input);
}

// The CSV parsed back with lr-find's own RFC 4180 reader, which rejects a row
// whose field count differs from the header's.
CsvTable parse(const std::string& csv) { return parse_csv(csv, "format.csv"); }

double number(std::string_view cell) {
  double value = 0.0;
  const auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), value);
  EXPECT_EQ(error, std::errc()) << cell;
  EXPECT_EQ(end, cell.data() + cell.size()) << cell;
  return value;
}

// A JSON number and a cell must be the same double; a JSON null an empty cell.
void expect_cell(std::string_view cell, const Json& value) {
  if (value.is_null()) {
    EXPECT_EQ(cell, "");
  } else {
    EXPECT_EQ(number(cell), value.get<double>()) << cell;
  }
}

enum Col { kSource, kRepeat, kLr, kStep, kEpoch, kLoss, kSmoothed, kTrain, kVal, kDiverged };

std::size_t records(const std::string& csv) {
  std::size_t count = 0;
  for (std::size_t at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", at + 2)) ++count;
  return count;
}

TEST(FormatCsv, HeaderAndCrlfRecordsWithTenFieldsEach) {
  const std::string csv = render_csv(report_of(base_config(ModelKind::kLogistic, Method::kGrid), kTwoClasses));
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "source,repeat,lr,step,epoch,loss,smoothed_loss,train_loss,val_loss,diverged");
  ASSERT_GE(csv.size(), 2u);
  EXPECT_EQ(csv.substr(csv.size() - 2), "\r\n");
  // Every line ends with CRLF: no bare LF.
  EXPECT_EQ(records(csv), static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')));
  const CsvTable table = parse(csv);
  EXPECT_EQ(table.columns(), 10u);
  EXPECT_EQ(table.rows() + 1, records(csv));
}

TEST(FormatCsv, RangeRowsAreEveryPointOfEveryRepeat) {
  const Json report = report_of(base_config(ModelKind::kLogistic, Method::kRange), kTwoClasses);
  const Json& repeats = report.at("range_test").at("repeats");
  ASSERT_EQ(repeats.size(), 3u);
  const CsvTable table = parse(render_csv(report));
  std::size_t row = 0;
  for (std::size_t r = 0; r < repeats.size(); ++r) {
    for (const Json& p : repeats[r].at("points")) {
      ASSERT_LT(row, table.rows());
      EXPECT_EQ(table.cell(row, kSource), "range_test");
      EXPECT_EQ(table.cell(row, kRepeat), std::to_string(r));
      expect_cell(table.cell(row, kLr), p.at("lr"));
      EXPECT_EQ(table.cell(row, kStep), p.at("step").dump());
      expect_cell(table.cell(row, kLoss), p.at("loss"));
      expect_cell(table.cell(row, kSmoothed), p.at("smoothed_loss"));
      for (const Col empty : {kEpoch, kTrain, kVal, kDiverged}) EXPECT_EQ(table.cell(row, empty), "");
      ++row;
    }
  }
  EXPECT_EQ(row, table.rows());  // the top-level points (repeat 0's) are not written twice
}

TEST(FormatCsv, RangeWithoutRepeatsIsRepeatZero) {
  RunConfig config = base_config(ModelKind::kSvm, Method::kRange);
  config.repeats = 1;
  const Json report = report_of(config, kTwoClasses);
  ASSERT_FALSE(report.at("range_test").contains("repeats"));
  const Json& points = report.at("range_test").at("points");
  const CsvTable table = parse(render_csv(report));
  ASSERT_EQ(table.rows(), points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    EXPECT_EQ(table.cell(i, kRepeat), "0");
    expect_cell(table.cell(i, kLr), points[i].at("lr"));
  }
}

TEST(FormatCsv, NumbersAreTheJsonTextOfTheNumber) {
  const Json report = report_of(base_config(ModelKind::kLogistic, Method::kRange), kTwoClasses);
  const CsvTable table = parse(render_csv(report));
  const Json& first = report.at("range_test").at("points")[0];
  EXPECT_EQ(table.cell(0, kLr), "1e-07");  // --min-lr 1e-7 in shortest form
  EXPECT_EQ(table.cell(0, kLoss), first.at("loss").dump());
  EXPECT_EQ(table.cell(0, kSmoothed), first.at("smoothed_loss").dump());
}

TEST(FormatCsv, AutoRowsAreTheBracketCurveThenEachCandidatesEpochs) {
  const Json report = iris_report(Method::kAuto);
  const Json& points = report.at("range_test").at("points");
  const Json& candidates = report.at("auto").at("candidates");
  std::size_t epochs = 0;
  for (const Json& c : candidates) epochs += c.at("train_curve").size();
  const CsvTable table = parse(render_csv(report));
  ASSERT_EQ(table.rows(), points.size() + epochs);
  EXPECT_EQ(table.cell(0, kSource), "range_test");
  expect_cell(table.cell(points.size() - 1, kSmoothed), points.back().at("smoothed_loss"));
  std::size_t row = points.size();
  for (const Json& c : candidates) {
    const Json& train = c.at("train_curve");
    const Json& val = c.at("val_curve");
    ASSERT_EQ(train.size(), 3u);  // config.epochs
    ASSERT_EQ(val.size(), train.size());
    for (std::size_t e = 0; e < train.size(); ++e, ++row) {
      EXPECT_EQ(table.cell(row, kSource), "auto");
      EXPECT_EQ(table.cell(row, kRepeat), "");  // means over repeats
      expect_cell(table.cell(row, kLr), c.at("lr"));
      EXPECT_EQ(table.cell(row, kEpoch), std::to_string(e + 1));
      expect_cell(table.cell(row, kTrain), train[e]);
      expect_cell(table.cell(row, kVal), val[e]);
      EXPECT_EQ(table.cell(row, kDiverged), c.at("diverged").get<bool>() ? "true" : "false");
      for (const Col empty : {kStep, kLoss, kSmoothed}) EXPECT_EQ(table.cell(row, empty), "");
    }
  }
}

TEST(FormatCsv, GridRowsPerEpochWithEmptyCellsForNulls) {
  RunConfig config = base_config(ModelKind::kLinear, Method::kGrid);
  config.standardize = false;
  config.rates = {1e-6, 1.0};
  config.epochs = 6;
  config.batch_size = 1;    // the loss overflows in epoch 4
  config.validation = 0.0;  // val_loss: null
  const Json report = report_of(config, kRegression);
  const Json& grid = report.at("grid");
  ASSERT_EQ(grid.size(), 2u);
  ASSERT_TRUE(grid[1].at("diverged").get<bool>());
  ASSERT_TRUE(grid[1].at("train_loss").back().is_null());  // the diverged curve ends with null
  ASSERT_TRUE(grid[0].at("val_loss").is_null());
  const CsvTable table = parse(render_csv(report));
  ASSERT_EQ(table.rows(), grid[0].at("train_loss").size() + grid[1].at("train_loss").size());
  std::size_t row = 0;
  for (const Json& g : grid) {
    const Json& train = g.at("train_loss");
    for (std::size_t e = 0; e < train.size(); ++e, ++row) {
      EXPECT_EQ(table.cell(row, kSource), "grid");
      EXPECT_EQ(table.cell(row, kRepeat), "0");
      expect_cell(table.cell(row, kLr), g.at("lr"));
      EXPECT_EQ(table.cell(row, kEpoch), std::to_string(e + 1));
      expect_cell(table.cell(row, kTrain), train[e]);
      EXPECT_EQ(table.cell(row, kVal), "");
      EXPECT_EQ(table.cell(row, kDiverged), g.at("diverged").get<bool>() ? "true" : "false");
    }
  }
  EXPECT_EQ(table.cell(table.rows() - 1, kTrain), "");  // the null at the end of the diverged curve
}

TEST(FormatCsv, GridWithValidationHasBothCurves) {
  const Json report = iris_report(Method::kGrid);
  const Json& grid = report.at("grid");
  const CsvTable table = parse(render_csv(report));
  ASSERT_EQ(table.rows(), grid.size() * 3);
  const Json& last = grid.back();
  expect_cell(table.cell(table.rows() - 1, kLr), last.at("lr"));
  expect_cell(table.cell(table.rows() - 1, kTrain), last.at("train_loss")[2]);
  expect_cell(table.cell(table.rows() - 1, kVal), last.at("val_loss")[2]);
}

// ---------------------------------------------------------------- table

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
  const Json report = iris_report(Method::kAuto);
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
  EXPECT_NE(table.find(fmt::format("{} full batch", rate(report.at("theory").at("max_stable_lr_full_batch")))),
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
  const Json report = iris_report(Method::kGrid);
  const std::string table = render_table(report);
  EXPECT_NE(
      table.find(fmt::format("recommended lr  {} by lowest_final_validation_loss", rate(report.at("recommended_lr")))),
      std::string::npos)
      << table;
  EXPECT_EQ(table.find("confidence"), std::string::npos) << table;  // null for grid
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
  RunConfig config = base_config(ModelKind::kLogistic, Method::kRange);
  config.steps = 100;
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
  RunConfig config = base_config(ModelKind::kLinear, Method::kGrid);
  config.standardize = false;
  config.rates = {1e3, 1e4};
  config.batch_size = 0;
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
  RunConfig config = base_config(ModelKind::kLogistic, Method::kGrid);
  config.check_lr = 1e3;
  const Json report = report_of(config, kTwoClasses);
  const Json& check = report.at("check");
  EXPECT_NE(render_table(report).find(fmt::format("check           {}: {}\n", check.at("verdict").get<std::string>(),
                                                  check.at("message").get<std::string>())),
            std::string::npos)
      << render_table(report);
}

TEST(FormatTable, ControlCharactersFromTheDataAreReplaced) {
  RunConfig config = base_config(ModelKind::kLogistic, Method::kGrid);
  const Json report = report_of(config,
                                "a,b,label\n1,2,\"x\x1b[31m\"\n2,1,y\n3,4,\"x\x1b[31m\"\n4,3,y\n5,6,y\n"
                                "6,5,\"x\x1b[31m\"\n7,8,y\n8,7,y\n9,9,\"x\x1b[31m\"\n0,1,y\n");
  ASSERT_EQ(report.at("dataset").at("classes")[0], "x\x1b[31m");
  const std::string table = render_table(report);
  EXPECT_EQ(table.find('\x1b'), std::string::npos);
  EXPECT_NE(table.find("2 classes: x?[31m, y"), std::string::npos) << table;
}

TEST(FormatTable, PlainAsciiAndSameReportSameText) {
  const Json report = report_of(base_config(ModelKind::kSvm, Method::kGrid), kTwoClasses);
  const std::string table = render_table(report);
  for (const char c : table) EXPECT_TRUE(c == '\n' || (c >= ' ' && c <= '~')) << static_cast<int>(c);
  EXPECT_EQ(table.find("stable lr"), std::string::npos);  // theory is null for the SVM
  EXPECT_EQ(table, render_table(report));
}

}  // namespace
}  // namespace lrfind
