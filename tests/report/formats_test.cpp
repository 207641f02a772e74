#include "report/formats.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "pipeline/run.hpp"

#include <optional>
#include <string>
#include <vector>

#include "lrfind/error.hpp"
#include "lrfind/run.hpp"
#include "report/csv.hpp"
#include "report/json_read.hpp"
#include "report/report.hpp"
#include "report/report_support.hpp"
#include "report/table.hpp"

namespace lrfind {
namespace {

using Json = nlohmann::ordered_json;
using testing::iris_report;

TEST(BuiltinFormats, JsonCsvAndTableInTheOrderOfTheHelp) {
  const Registry<FormatEntry> formats = builtin_formats();
  EXPECT_EQ(formats.names(), (std::vector<std::string>{"json", "csv", "table"}));
  EXPECT_EQ(formats.option(), "--format");
  EXPECT_EQ(formats.at("json").help, "");
  EXPECT_EQ(formats.at("csv").help, "one row per rate and step or epoch");
  EXPECT_EQ(formats.at("table").help, "");
}

TEST(BuiltinFormats, EachEntryRendersWithItsRenderer) {
  const Json report = iris_report("grid");
  const Registry<FormatEntry> formats = builtin_formats();
  EXPECT_EQ(formats.at("json").render(report), render_report(report));
  EXPECT_EQ(formats.at("csv").render(report), render_csv(report));
  EXPECT_EQ(formats.at("table").render(report), render_table(report));
}

TEST(BuiltinFormats, UnknownNameIsAUsageErrorThatNamesTheChoices) {
  try {
    builtin_formats().at("tabel");
    ADD_FAILURE() << "no error";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "unknown output format 'tabel'; did you mean 'table'? (choose json, csv or table)");
  }
}

// The recipe for a new format: a pure function of the report that reads it
// through json_read's accessors, and one registry entry.
std::string render_lines(const Json& report) {
  std::string out;
  for (const Json& g : json_read::field(report, "grid"))
    if (const std::optional<double> lr = json_read::rate(json_read::field(g, "lr"))) out += fmt::format("{}\n", *lr);
  return out;
}

TEST(FormatRegistry, AToyFormatRendersARealReport) {
  Registry<FormatEntry> formats = builtin_formats();
  formats.add({"lines", "one line per grid rate", render_lines});
  EXPECT_EQ(formats.names(), (std::vector<std::string>{"json", "csv", "table", "lines"}));

  const Json report = iris_report("grid");
  const std::string lines = formats.at("lines").render(report);
  const Json& grid = report.at("grid");
  ASSERT_EQ(grid.size(), 4u);
  std::string expected;
  for (const Json& g : grid) expected += fmt::format("{}\n", g.at("lr").get<double>());
  EXPECT_EQ(lines, expected);
  // Like every renderer, it tolerates a report without the fields it reads.
  EXPECT_EQ(formats.at("lines").render(iris_report("range")), "");
  EXPECT_EQ(formats.at("lines").render(Json::object()), "");
}

}  // namespace
}  // namespace lrfind
