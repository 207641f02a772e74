#include "load/csv.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "lrfind/error.hpp"

namespace lrfind {
namespace {

const std::string kSource = "in.csv";

CsvTable parse(std::string_view bytes, char delimiter = ',') {
  CsvOptions options;
  options.delimiter = delimiter;
  return parse_csv(bytes, kSource, options);
}

// Parses bytes that must be rejected and returns the DataError.
DataError parse_error(std::string_view bytes, char delimiter = ',') {
  try {
    parse(bytes, delimiter);
  } catch (const DataError& e) {
    return e;
  }
  ADD_FAILURE() << "no DataError for input: " << bytes;
  return DataError("", -1, "no error");
}

std::vector<std::string> row(const CsvTable& table, std::size_t r) {
  std::vector<std::string> cells;
  for (std::size_t c = 0; c < table.columns(); ++c) cells.emplace_back(table.cell(r, c));
  return cells;
}

using Cells = std::vector<std::string>;

TEST(CsvHeader, FirstRecordNamesTheColumns) {
  const CsvTable t = parse("alpha,beta,gamma\n1,2,3\n4,5,6\n");
  EXPECT_EQ(t.header(), (Cells{"alpha", "beta", "gamma"}));
  EXPECT_EQ(t.columns(), 3u);
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(row(t, 0), (Cells{"1", "2", "3"}));
  EXPECT_EQ(row(t, 1), (Cells{"4", "5", "6"}));
  EXPECT_EQ(t.line(0), 2);
  EXPECT_EQ(t.line(1), 3);
}

TEST(CsvHeader, HeaderOnlyGivesNoRows) {
  const CsvTable t = parse("a,b\n");
  EXPECT_EQ(t.header(), (Cells{"a", "b"}));
  EXPECT_EQ(t.rows(), 0u);
}

TEST(CsvHeader, QuotedHeaderNamesAreUnescaped) {
  const CsvTable t = parse("\"a,1\",\"b \"\"x\"\"\"\n1,2\n");
  EXPECT_EQ(t.header(), (Cells{"a,1", "b \"x\""}));
}

TEST(CsvQuoting, EmbeddedDelimiterStaysInTheCell) {
  const CsvTable t = parse("name,v\n\"Smith, J\",1\n");
  ASSERT_EQ(t.rows(), 1u);
  EXPECT_EQ(row(t, 0), (Cells{"Smith, J", "1"}));
}

TEST(CsvQuoting, DoubledQuoteBecomesOneQuote) {
  const CsvTable t = parse("a,b,c\n\"say \"\"hi\"\"\",\"\"\"\"\"\",\"\"\n");
  ASSERT_EQ(t.rows(), 1u);
  EXPECT_EQ(t.cell(0, 0), "say \"hi\"");
  EXPECT_EQ(t.cell(0, 1), "\"\"");
  EXPECT_EQ(t.cell(0, 2), "");
}

TEST(CsvQuoting, EmbeddedNewlineStaysInTheCell) {
  const CsvTable t = parse("a,b\n\"first\nsecond\",1\n");
  ASSERT_EQ(t.rows(), 1u);
  EXPECT_EQ(t.cell(0, 0), "first\nsecond");
  EXPECT_EQ(t.cell(0, 1), "1");
}

TEST(CsvQuoting, LaterLineNumbersCountEmbeddedNewlines) {
  // Line 1: header; 2-4: one record with two embedded newlines; 5; 6-7.
  const CsvTable t = parse("h1,h2\n\"l1\nl2\nl3\",1\n5,6\n7,\"q\nr\"\n8,9\n");
  ASSERT_EQ(t.rows(), 4u);
  EXPECT_EQ(t.line(0), 2);
  EXPECT_EQ(t.line(1), 5);
  EXPECT_EQ(t.line(2), 6);
  EXPECT_EQ(t.line(3), 8);
  EXPECT_EQ(t.cell(2, 1), "q\nr");
  EXPECT_EQ(row(t, 3), (Cells{"8", "9"}));
}

TEST(CsvQuoting, NewlineInHeaderShiftsDataLines) {
  const CsvTable t = parse("\"a\nb\",c\n1,2\n");
  EXPECT_EQ(t.header()[0], "a\nb");
  EXPECT_EQ(t.line(0), 3);
}

TEST(CsvLineEndings, CrlfIsStrippedFromCells) {
  const CsvTable t = parse("a,b\r\n1,2\r\n3,\"4\"\r\n");
  EXPECT_EQ(t.header(), (Cells{"a", "b"}));
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(row(t, 0), (Cells{"1", "2"}));
  EXPECT_EQ(row(t, 1), (Cells{"3", "4"}));
  EXPECT_EQ(t.line(0), 2);
  EXPECT_EQ(t.line(1), 3);
}

TEST(CsvLineEndings, CrlfInsideQuotesIsKeptAndCounted) {
  const CsvTable t = parse("a,b\r\n\"x\r\ny\",1\r\n2,3\r\n");
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.cell(0, 0), "x\r\ny");
  EXPECT_EQ(t.line(1), 4);
}

TEST(CsvLineEndings, LfAndCrlfGiveTheSameTable) {
  const CsvTable lf = parse("a,b\n1,x\n2,y\n");
  const CsvTable crlf = parse("a,b\r\n1,x\r\n2,y\r\n");
  ASSERT_EQ(lf.rows(), crlf.rows());
  EXPECT_EQ(lf.header(), crlf.header());
  for (std::size_t r = 0; r < lf.rows(); ++r) {
    EXPECT_EQ(row(lf, r), row(crlf, r));
    EXPECT_EQ(lf.line(r), crlf.line(r));
  }
}

TEST(CsvLineEndings, FinalLineWithoutNewlineIsRead) {
  const CsvTable t = parse("a,b\n1,2\n3,4");
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(row(t, 1), (Cells{"3", "4"}));
  EXPECT_EQ(t.line(1), 3);
  const CsvTable quoted = parse("a,b\n1,\"2\"");
  ASSERT_EQ(quoted.rows(), 1u);
  EXPECT_EQ(quoted.cell(0, 1), "2");
}

TEST(CsvLineEndings, FinalCarriageReturnWithoutLineFeedIsStripped) {
  const CsvTable t = parse("a,b\r\n1,2\r");
  ASSERT_EQ(t.rows(), 1u);
  EXPECT_EQ(row(t, 0), (Cells{"1", "2"}));
  const CsvTable quoted = parse("a,b\r\n1,\"2\"\r");
  ASSERT_EQ(quoted.rows(), 1u);
  EXPECT_EQ(row(quoted, 0), (Cells{"1", "2"}));
}

TEST(CsvLineEndings, LoneCarriageReturnAfterLastLineIsABlankLine) {
  const CsvTable t = parse("a,b\r\n1,2\r\n\r");
  ASSERT_EQ(t.rows(), 1u);
  EXPECT_EQ(row(t, 0), (Cells{"1", "2"}));
}

TEST(CsvByteOrderMark, LeadingBomIsIgnored) {
  const CsvTable t = parse(
      "\xEF\xBB\xBF"
      "a,b\n1,2\n");
  EXPECT_EQ(t.header(), (Cells{"a", "b"}));
  EXPECT_EQ(t.header()[0].size(), 1u);
  EXPECT_EQ(t.line(0), 2);
}

TEST(CsvByteOrderMark, BomBeforeQuotedHeaderIsIgnored) {
  const CsvTable t = parse("\xEF\xBB\xBF\"a\",b\n1,2\n");
  EXPECT_EQ(t.header(), (Cells{"a", "b"}));
}

TEST(CsvBlankLines, TrailingBlankLinesAreIgnored) {
  EXPECT_EQ(parse("a,b\n1,2\n\n\n").rows(), 1u);
  EXPECT_EQ(parse("a,b\r\n1,2\r\n\r\n\r\n").rows(), 1u);
}

TEST(CsvBlankLines, BlankLinesInTheMiddleAreSkippedButCounted) {
  const CsvTable t = parse("a,b\n1,2\n\n\r\n3,4\n");
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(row(t, 1), (Cells{"3", "4"}));
  EXPECT_EQ(t.line(0), 2);
  EXPECT_EQ(t.line(1), 5);
}

TEST(CsvBlankLines, BlankLinesBeforeTheHeaderAreSkipped) {
  const CsvTable t = parse("\n\na,b\n1,2\n");
  EXPECT_EQ(t.header(), (Cells{"a", "b"}));
  EXPECT_EQ(t.line(0), 4);
}

TEST(CsvCells, EmptyFieldsAreKept) {
  const CsvTable t = parse("a,b,c\n,,\n1,,\"\"\n");
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(row(t, 0), (Cells{"", "", ""}));
  EXPECT_EQ(row(t, 1), (Cells{"1", "", ""}));
}

TEST(CsvCells, TrailingDelimiterAtEndOfInputGivesAnEmptyLastCell) {
  const CsvTable t = parse("a,b\n1,");
  ASSERT_EQ(t.rows(), 1u);
  EXPECT_EQ(row(t, 0), (Cells{"1", ""}));
}

TEST(CsvDelimiter, SemicolonMakesCommasOrdinary) {
  const CsvTable t = parse("a;b\n1,5;\"x;y\"\n", ';');
  EXPECT_EQ(t.header(), (Cells{"a", "b"}));
  ASSERT_EQ(t.rows(), 1u);
  EXPECT_EQ(row(t, 0), (Cells{"1,5", "x;y"}));
}

TEST(CsvDelimiter, TabSeparatedValues) {
  const CsvTable t = parse("a\tb\tc\n1\t\"x\ty\"\t3\r\n", '\t');
  EXPECT_EQ(t.header(), (Cells{"a", "b", "c"}));
  ASSERT_EQ(t.rows(), 1u);
  EXPECT_EQ(row(t, 0), (Cells{"1", "x\ty", "3"}));
}

TEST(CsvDelimiter, OtherDelimitersAreOrdinaryText) {
  const CsvTable t = parse("a,b\n1,2\n", ';');
  EXPECT_EQ(t.header(), (Cells{"a,b"}));
  ASSERT_EQ(t.rows(), 1u);
  EXPECT_EQ(t.cell(0, 0), "1,2");
}

TEST(CsvDelimiter, QuoteOrLineBreakAsDelimiterIsUsageError) {
  EXPECT_THROW(parse("a,b\n", '"'), UsageError);
  EXPECT_THROW(parse("a,b\n", '\n'), UsageError);
  EXPECT_THROW(parse("a,b\n", '\r'), UsageError);
}

TEST(CsvErrors, EmptyInputIsDataErrorWithoutLine) {
  const DataError e = parse_error("");
  EXPECT_EQ(e.line(), 0);
  EXPECT_EQ(e.source(), kSource);
  EXPECT_STREQ(e.what(), "in.csv: empty input: a header row is required");
  EXPECT_EQ(e.exit_code(), kExitData);
}

TEST(CsvErrors, OnlyBomAndBlankLinesIsEmptyInput) {
  EXPECT_STREQ(parse_error("\xEF\xBB\xBF\n\r\n\n").what(), "in.csv: empty input: a header row is required");
}

TEST(CsvErrors, LongRowNamesItsLine) {
  const DataError e = parse_error("a,b\n1,2\n3,4,5\n6,7\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.source(), kSource);
  EXPECT_STREQ(e.what(), "in.csv:3: row has 3 fields, the header has 2 (check --delimiter and quoting)");
}

TEST(CsvErrors, ShortRowNamesItsLine) {
  const DataError e = parse_error("a,b,c\n1,2,3\n\n4\n");
  EXPECT_EQ(e.line(), 4);
  EXPECT_STREQ(e.what(), "in.csv:4: row has 1 field, the header has 3");
}

TEST(CsvErrors, RaggedRowAfterMultilineFieldNamesItsPhysicalLine) {
  const DataError e = parse_error("a,b\n\"x\ny\",1\n1,2,3\n");
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(std::string(e.what()).rfind("in.csv:4: row has 3 fields", 0), 0u) << e.what();
}

TEST(CsvErrors, UnterminatedQuoteNamesTheLineWhereItOpened) {
  const DataError e = parse_error("a,b\n1,2\n3,\"open\nmore\nstill\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.source(), kSource);
  EXPECT_STREQ(e.what(), "in.csv:3:3: unterminated quoted field (a '\"' opened here is never closed)");
}

TEST(CsvErrors, UnterminatedQuoteInHeaderNamesLineOne) { EXPECT_EQ(parse_error("\"a,b\n1,2\n").line(), 1); }

TEST(CsvErrors, GarbageAfterClosingQuoteIsDataError) {
  const DataError e = parse_error("a,b\n1,2\n\"x\"y,1\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_STREQ(e.what(),
               "in.csv:3:4: unexpected 'y' after a closing quote; quotes inside a quoted field are written as \"\"");
}

TEST(CsvErrors, GarbageAfterMultilineQuoteNamesTheLineOfTheGarbage) {
  const DataError e = parse_error("a,b\n\"x\ny\" ,1\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_NE(std::string(e.what()).find("unexpected ' ' after a closing quote"), std::string::npos) << e.what();
}

TEST(CsvErrors, CarriageReturnNotEndingTheLineAfterQuoteIsGarbage) {
  EXPECT_EQ(parse_error("a,b\n\"x\"\r,1\n").line(), 2);
}

}  // namespace
}  // namespace lrfind
