#include "load/layout.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/byte_stream.hpp"
#include "lrfind/error.hpp"

namespace lrfind::load {
namespace {

using Names = std::vector<std::string>;

const std::string kSource = "in.csv";

Header header_of(const Names& names) {
  Header h;
  h.names = names;
  for (std::size_t c = 0; c < names.size(); ++c) h.columns.push_back(static_cast<long>(1 + 2 * c));
  return h;
}

std::string usage_error(const Names& names, const LoadOptions& options) {
  try {
    make_layout(header_of(names), kSource, options);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no UsageError";
}

TEST(ResolveColumn, ByNameThenByNumber) {
  const Names header = {"a", "2", "c"};
  EXPECT_EQ(resolve_column(header, "c", "--target"), 2u);
  EXPECT_EQ(resolve_column(header, "2", "--target"), 1u);  // a name wins over a number
  EXPECT_EQ(resolve_column(header, "3", "--target"), 2u);
}

TEST(ResolveColumn, AmbiguousOrUnknownIsUsageError) {
  try {
    resolve_column({"x", "y", "x"}, "x", "--drop");
    FAIL() << "no UsageError";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(),
                 "--drop: 'x' is ambiguous: columns 1 and 3 are both named so; give the column number instead");
  }
  Names many;
  for (int c = 0; c < 13; ++c) many.push_back("c" + std::to_string(c));
  try {
    resolve_column(many, "14", "--target");
    FAIL() << "no UsageError";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(),
                 "--target: no column named '14' and no column number 14 (columns: c0, c1, c2, c3, c4, c5, c6, c7, "
                 "c8, c9, c10, c11, ...)");
  }
}

TEST(MakeLayout, FeaturesInOrderAndTheLastColumnAsTarget) {
  const Layout layout = make_layout(header_of({"a", "b", "y"}), kSource, {});
  EXPECT_EQ(layout.width, 3u);
  EXPECT_EQ(layout.role, (std::vector<int>{0, 1, kTarget}));
  EXPECT_EQ(layout.slots, 2u);
  EXPECT_EQ(layout.names, (Names{"a", "b", "y"}));
  EXPECT_EQ(*layout.source, kSource);
}

TEST(MakeLayout, TargetAndDroppedColumnsByOption) {
  LoadOptions options;
  options.columns.target = "a";
  options.columns.drop = {"2"};
  options.kind = TargetKind::kClassification;
  const Layout layout = make_layout(header_of({"a", "b", "c"}), kSource, options);
  EXPECT_EQ(layout.role, (std::vector<int>{kTarget, kSkip, 0}));
  EXPECT_EQ(layout.names, (Names{"c", "a"}));
  EXPECT_EQ(layout.level_cap(0), 100u);
  EXPECT_EQ(layout.level_cap(1), kMaxClasses);
}

TEST(MakeLayout, AnUnnamedLastColumnMustStayEmpty) {
  const Layout layout = make_layout(header_of({"a", "y", ""}), kSource, {});
  EXPECT_EQ(layout.role, (std::vector<int>{0, kTarget, kTrailing}));
  EXPECT_EQ(layout.names, (Names{"a", "y"}));
}

TEST(MakeLayout, ColumnProblems) {
  try {
    make_layout(header_of({"a", "", "y"}), kSource, {});
    FAIL() << "no DataError";
  } catch (const DataError& e) {
    EXPECT_STREQ(e.what(), "in.csv:1:3: column 2 has no name; name it in the header, or leave it out with --drop 2");
  }
  EXPECT_THROW(make_layout(header_of({"y"}), kSource, {}), DataError);
  LoadOptions drop_target;
  drop_target.columns.drop = {"y"};
  EXPECT_EQ(usage_error({"a", "y"}, drop_target), "--drop: 'y' is the target column");
  LoadOptions drop_all;
  drop_all.columns.drop = {"a"};
  EXPECT_EQ(usage_error({"a", "y"}, drop_all), "no feature columns left after --drop");
}

TEST(MakeLayout, MissingValueTextsAndWhetherAnyIsANumber) {
  LoadOptions options;
  options.columns.na_values = {" n/a "};
  const Layout words = make_layout(header_of({"a", "y"}), kSource, options);
  EXPECT_TRUE(words.missing("n/a"));
  EXPECT_TRUE(words.missing("NA"));
  EXPECT_FALSE(words.missing("0"));
  EXPECT_FALSE(words.na_numeric);
  options.columns.na_values = {"-999"};
  EXPECT_TRUE(make_layout(header_of({"a", "y"}), kSource, options).na_numeric);
}

TEST(ReadHeader, AfterBlankLinesAndAByteOrderMark) {
  const std::string text = "\xEF\xBB\xBF\n\r\n x ,\"y\"\n1,2\n";
  io::MemoryStream in(text);
  BlockReader reader(in, kSource, ',', 64);
  Block first;
  const Header header = read_header(reader, first, kSource, ',');
  EXPECT_EQ(header.names, (Names{"x", "y"}));
  EXPECT_EQ(header.line, 3);
  EXPECT_EQ(header.columns, (std::vector<long>{1, 5}));
  EXPECT_EQ(first.bytes.substr(first.start), "1,2\n");
  EXPECT_EQ(first.first_line, 4);
}

TEST(ReadHeader, NoHeaderIsAnEmptyInput) {
  io::MemoryStream in("\n\r\n");
  BlockReader reader(in, kSource, ',', 64);
  Block first;
  EXPECT_THROW(read_header(reader, first, kSource, ','), DataError);
}

}  // namespace
}  // namespace lrfind::load
