#include "report/csv.hpp"

#include <gtest/gtest.h>

#include "pipeline/run.hpp"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>

#include "load/csv_support.hpp"
#include "lrfind/run.hpp"
#include "report/report_support.hpp"

namespace lrfind {
namespace {

using Json = nlohmann::ordered_json;
using test::CsvTable;
using test::parse_csv;
using testing::base_config;
using testing::iris_report;
using testing::kRegression;
using testing::kTwoClasses;
using testing::report_of;

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
  const std::string csv = render_csv(report_of(base_config("logistic", "grid"), kTwoClasses));
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
  const Json report = report_of(base_config("logistic", "range"), kTwoClasses);
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
  RunConfig config = base_config("svm", "range");
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
  const Json report = report_of(base_config("logistic", "range"), kTwoClasses);
  const CsvTable table = parse(render_csv(report));
  const Json& first = report.at("range_test").at("points")[0];
  EXPECT_EQ(table.cell(0, kLr), "1e-07");  // --min-lr 1e-7 in shortest form
  EXPECT_EQ(table.cell(0, kLoss), first.at("loss").dump());
  EXPECT_EQ(table.cell(0, kSmoothed), first.at("smoothed_loss").dump());
}

TEST(FormatCsv, AutoRowsAreTheBracketCurveThenEachCandidatesEpochs) {
  const Json report = iris_report("auto");
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
    ASSERT_EQ(train.size(), 3u);  // config.training.epochs
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
  RunConfig config = base_config("linear", "grid");
  config.data.standardize = false;
  config.grid.rates = {1e-6, 1.0};
  config.training.epochs = 6;
  config.training.batch_size = 1;    // the loss overflows in epoch 4
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
  const Json report = iris_report("grid");
  const Json& grid = report.at("grid");
  const CsvTable table = parse(render_csv(report));
  ASSERT_EQ(table.rows(), grid.size() * 3);
  const Json& last = grid.back();
  expect_cell(table.cell(table.rows() - 1, kLr), last.at("lr"));
  expect_cell(table.cell(table.rows() - 1, kTrain), last.at("train_loss")[2]);
  expect_cell(table.cell(table.rows() - 1, kVal), last.at("val_loss")[2]);
}

}  // namespace
}  // namespace lrfind
