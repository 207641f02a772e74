// The CSV grammar (load/csv_cursor.hpp) as the loader reads it: header,
// quoting, line ends, byte-order mark, blank lines, delimiters, ragged rows,
// and the line and column each error names.
#include "load/csv_cursor.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "load/loader.hpp"
#include "lrfind/error.hpp"

namespace lrfind {
namespace {

const std::string kSource = "in.csv";

using Names = std::vector<std::string>;

LoadOptions with(char delimiter, TargetKind kind = TargetKind::kRegression) {
  LoadOptions options;
  options.delimiter = delimiter;
  options.kind = kind;
  return options;
}

// Loads bytes with one thread and one block, and again with several threads
// and tiny blocks, which must agree.
Dataset load(std::string_view bytes, LoadOptions options = {}) {
  options.threads = 1;
  const Dataset one = load_dataset_from_bytes(bytes, kSource, options);
  options.threads = 3;
  options.block_bytes = 64;
  const Dataset many = load_dataset_from_bytes(bytes, kSource, options);
  EXPECT_EQ(one.feature_names, many.feature_names);
  EXPECT_EQ(one.targets, many.targets);
  EXPECT_EQ(one.rows_read, many.rows_read);
  return one;
}

// Loads bytes that must be rejected and returns the DataError.
DataError load_error(std::string_view bytes, const LoadOptions& options = {}) {
  try {
    load_dataset_from_bytes(bytes, kSource, options);
  } catch (const DataError& e) {
    return e;
  }
  ADD_FAILURE() << "no DataError for input: " << bytes;
  return DataError("", -1, "no error");
}

std::string message(std::string_view bytes, const LoadOptions& options = {}) {
  return load_error(bytes, options).what();
}

TEST(CsvHeader, FirstRecordNamesTheColumns) {
  const Dataset d = load("alpha,beta,gamma\n1,2,3\n4,5,6\n");
  EXPECT_EQ(d.feature_names, (Names{"alpha", "beta"}));
  EXPECT_EQ(d.target_name, "gamma");
  ASSERT_EQ(d.rows(), 2);
  EXPECT_EQ(d.features(1, 0), 4.0);
  EXPECT_EQ(d.features(1, 1), 5.0);
  EXPECT_EQ(d.targets(0), 3.0);
  EXPECT_EQ(message("alpha,beta,gamma\n1,2,3\n4,5\n"), "in.csv:3: row has 2 fields, the header has 3");
}

TEST(CsvHeader, HeaderOnlyGivesNoRows) {
  EXPECT_EQ(message("a,b\n"), "in.csv: 0 usable rows (0 read, 0 dropped for missing values); at least 2 are needed");
}

TEST(CsvHeader, QuotedHeaderNamesAreUnescaped) {
  const Dataset d = load("\"a,1\",\"b \"\"x\"\"\"\n1,2\n3,4\n");
  EXPECT_EQ(d.feature_names, (Names{"a,1"}));
  EXPECT_EQ(d.target_name, "b \"x\"");
}

TEST(CsvQuoting, EmbeddedDelimiterStaysInTheCell) {
  const Dataset d = load("name,v\n\"Smith, J\",1\n\"Doe, A\",2\n");
  EXPECT_EQ(d.feature_names, (Names{"name=Doe, A", "name=Smith, J"}));
  EXPECT_EQ(d.features(0, 1), 1.0);
}

TEST(CsvQuoting, DoubledQuoteBecomesOneQuote) {
  const Dataset d = load("a,b,y\n\"say \"\"hi\"\"\",\"\"\"\"\"\",1\nx,\"\"\"\",2\nx,\"\",3\n");
  EXPECT_EQ(d.feature_names, (Names{"a=say \"hi\"", "a=x", "b=\"", "b=\"\""}));
  EXPECT_EQ(d.rows(), 2);
  EXPECT_EQ(d.rows_dropped, 1u);  // "" is an empty cell: missing
}

TEST(CsvQuoting, EmbeddedNewlineStaysInTheCell) {
  const Dataset d = load("a,b\n\"first\nsecond\",1\nthird,2\n");
  EXPECT_EQ(d.feature_names, (Names{"a=first\nsecond", "a=third"}));
  EXPECT_EQ(d.targets(1), 2.0);
}

TEST(CsvQuoting, LaterLineNumbersCountEmbeddedNewlines) {
  // Line 1: header; 2-4: one record with two embedded newlines; 5; 6-7; 8.
  const std::string csv = "h1,h2\n\"l1\nl2\nl3\",1\n5,6\n7,\"q\nr\"\n";
  EXPECT_EQ(message(csv + "8,9,10\n"), "in.csv:8: row has 3 fields, the header has 2 (check --delimiter and quoting)");
  EXPECT_EQ(message("h1,h2\n\"l1\nl2\nl3\",1\n5\n"), "in.csv:5: row has 1 field, the header has 2");
  EXPECT_EQ(message(csv + "8,9\n"),
            "in.csv:6:3: the regression target 'h2' is not numeric: 'q\nr' (for class labels use --model logistic or "
            "svm)");
}

TEST(CsvQuoting, NewlineInHeaderShiftsDataLines) {
  EXPECT_EQ(load("\"a\nb\",c\n1,2\n3,4\n").feature_names, (Names{"a\nb"}));
  EXPECT_EQ(load_error("\"a\nb\",c\n1,2\n3\n").line(), 4);
}

TEST(CsvLineEndings, CrlfIsStrippedFromCells) {
  const Dataset d = load("a,b\r\n1,2\r\n3,\"4\"\r\n");
  EXPECT_EQ(d.feature_names, (Names{"a"}));
  EXPECT_EQ(d.target_name, "b");
  ASSERT_EQ(d.rows(), 2);
  EXPECT_EQ(d.features(1, 0), 3.0);
  EXPECT_EQ(d.targets(0), 2.0);
  EXPECT_EQ(d.targets(1), 4.0);
  EXPECT_EQ(load_error("a,b\r\n1,2\r\n3,4,5\r\n").line(), 3);
  const Dataset text = load("a,b\r\nx,1\r\ny,2\r\n");
  EXPECT_EQ(text.feature_names, (Names{"a=x", "a=y"}));
}

TEST(CsvLineEndings, CrlfInsideQuotesIsKeptAndCounted) {
  EXPECT_EQ(load("a,b\r\n\"x\r\ny\",1\r\nz,3\r\n").feature_names, (Names{"a=x\r\ny", "a=z"}));
  EXPECT_EQ(load_error("a,b\r\n\"x\r\ny\",1\r\n2,3,4\r\n").line(), 4);
}

TEST(CsvLineEndings, LfAndCrlfGiveTheSameData) {
  const LoadOptions classes = with(',', TargetKind::kClassification);
  const Dataset lf = load("a,b\n1,x\n2,y\n", classes);
  const Dataset crlf = load("a,b\r\n1,x\r\n2,y\r\n", classes);
  EXPECT_EQ(lf.classes, (Names{"x", "y"}));
  EXPECT_EQ(lf.classes, crlf.classes);
  EXPECT_EQ(lf.targets, crlf.targets);
  EXPECT_EQ(lf.features.f64(), crlf.features.f64());
}

TEST(CsvLineEndings, FinalLineWithoutNewlineIsRead) {
  const Dataset d = load("a,b\n1,2\n3,4");
  ASSERT_EQ(d.rows(), 2);
  EXPECT_EQ(d.targets(1), 4.0);
  EXPECT_EQ(load_error("a,b\n1,2\n3,4,5").line(), 3);
  const Dataset quoted = load("a,b\n1,\"2\"\n3,\"4\"");
  ASSERT_EQ(quoted.rows(), 2);
  EXPECT_EQ(quoted.targets(1), 4.0);
}

TEST(CsvLineEndings, FinalCarriageReturnWithoutLineFeedIsStripped) {
  const Dataset d = load("a,b\r\n1,2\r\n3,4\r");
  ASSERT_EQ(d.rows(), 2);
  EXPECT_EQ(d.targets(1), 4.0);
  const Dataset quoted = load("a,b\r\n1,\"2\"\r\n3,\"4\"\r");
  ASSERT_EQ(quoted.rows(), 2);
  EXPECT_EQ(quoted.targets(1), 4.0);
  EXPECT_EQ(load("a,b\r\n1,2\r\nx,4\r").feature_names, (Names{"a=1", "a=x"}));
}

TEST(CsvLineEndings, LoneCarriageReturnAfterLastLineIsABlankLine) {
  const Dataset d = load("a,b\r\n1,2\r\n3,4\r\n\r");
  EXPECT_EQ(d.rows(), 2);
  EXPECT_EQ(d.rows_read, 2u);
}

TEST(CsvByteOrderMark, LeadingBomIsIgnored) {
  const Dataset d = load(
      "\xEF\xBB\xBF"
      "a,b\n1,2\n3,4\n");
  EXPECT_EQ(d.feature_names, (Names{"a"}));
  EXPECT_EQ(load_error("\xEF\xBB\xBF"
                       "a,b\n1,2\n3\n")
                .line(),
            3);
}

TEST(CsvByteOrderMark, BomBeforeQuotedHeaderIsIgnored) {
  const Dataset d = load("\xEF\xBB\xBF\"a\",b\n1,2\n3,4\n");
  EXPECT_EQ(d.feature_names, (Names{"a"}));
  EXPECT_EQ(d.target_name, "b");
}

TEST(CsvBlankLines, TrailingBlankLinesAreIgnored) {
  EXPECT_EQ(load("a,b\n1,2\n3,4\n\n\n").rows_read, 2u);
  EXPECT_EQ(load("a,b\r\n1,2\r\n3,4\r\n\r\n\r\n").rows_read, 2u);
}

TEST(CsvBlankLines, BlankLinesInTheMiddleAreSkippedButCounted) {
  const Dataset d = load("a,b\n1,2\n\n\r\n3,4\n");
  ASSERT_EQ(d.rows(), 2);
  EXPECT_EQ(d.rows_read, 2u);
  EXPECT_EQ(d.targets(1), 4.0);
  EXPECT_EQ(load_error("a,b\n1,2\n\n\r\n3,4,5\n").line(), 5);
}

TEST(CsvBlankLines, BlankLinesBeforeTheHeaderAreSkipped) {
  EXPECT_EQ(load("\n\na,b\n1,2\n3,4\n").feature_names, (Names{"a"}));
  EXPECT_EQ(load_error("\n\na,b\n1,2\n3\n").line(), 5);
  EXPECT_EQ(message("\n\na\"b\n1\n"), "in.csv:3: the header names one column; a feature and a target are needed (check "
                                      "--delimiter)");
}

TEST(CsvCells, EmptyFieldsAreKept) {
  // Empty cells are fields (so no row is ragged), which mean missing values.
  const Dataset d = load("a,b,c\n,,\n1,,\"\"\n4,5,6\n7,8,9\n");
  EXPECT_EQ(d.rows(), 2);
  EXPECT_EQ(d.rows_read, 4u);
  EXPECT_EQ(d.rows_dropped, 2u);
}

TEST(CsvCells, TrailingDelimiterAtEndOfInputGivesAnEmptyLastCell) {
  const Dataset d = load("a,b\n2,3\n4,5\n1,");
  EXPECT_EQ(d.rows(), 2);
  EXPECT_EQ(d.rows_read, 3u);
  EXPECT_EQ(d.rows_dropped, 1u);
}

TEST(CsvDelimiter, SemicolonMakesCommasOrdinary) {
  const Dataset d = load("a;b\np,q;\"x;y\"\nr;z\n", with(';', TargetKind::kClassification));
  EXPECT_EQ(d.feature_names, (Names{"a=p,q", "a=r"}));
  EXPECT_EQ(d.classes, (Names{"x;y", "z"}));
}

TEST(CsvDelimiter, TabSeparatedValues) {
  const Dataset d = load("a\tb\tc\n1\t\"x\ty\"\t3\r\n2\tz\t4\r\n", with('\t'));
  EXPECT_EQ(d.feature_names, (Names{"a", "b=x\ty", "b=z"}));
  EXPECT_EQ(d.target_name, "c");
  EXPECT_EQ(d.targets(1), 4.0);
}

TEST(CsvDelimiter, OtherDelimitersAreOrdinaryText) {
  // A given delimiter is used as it is; the error names the one the file looks written with.
  EXPECT_EQ(message("a,b\n1,2\n", with(';')),
            "in.csv:1: the header names one column; a feature and a target are needed (the file looks "
            "','-separated: try --delimiter ',')");
  EXPECT_EQ(message("a\n1\n", with(';')),
            "in.csv:1: the header names one column; a feature and a target are needed (check --delimiter)");
}

TEST(CsvDelimiter, QuoteLineBreakOrNulAsDelimiterIsUsageError) {
  for (const char delimiter : {'"', '\n', '\r', '\0'}) {
    try {
      load_dataset_from_bytes("a,b\n1,2\n3,4\n", kSource, with(delimiter));
      ADD_FAILURE() << "no UsageError for " << static_cast<int>(delimiter);
    } catch (const UsageError& e) {
      EXPECT_STREQ(e.what(), "the delimiter cannot be a quote, a line break or NUL");
    }
  }
}

TEST(CsvErrors, EmptyInputIsDataErrorWithoutLine) {
  const DataError e = load_error("");
  EXPECT_EQ(e.line(), 0);
  EXPECT_EQ(e.source(), kSource);
  EXPECT_STREQ(e.what(), "in.csv: empty input: a header row is required");
  EXPECT_EQ(e.exit_code(), kExitData);
}

TEST(CsvErrors, OnlyBomAndBlankLinesIsEmptyInput) {
  EXPECT_EQ(message("\xEF\xBB\xBF\n\r\n\n"), "in.csv: empty input: a header row is required");
}

TEST(CsvErrors, LongRowNamesItsLine) {
  const DataError e = load_error("a,b\n1,2\n3,4,5\n6,7\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.source(), kSource);
  EXPECT_STREQ(e.what(), "in.csv:3: row has 3 fields, the header has 2 (check --delimiter and quoting)");
}

TEST(CsvErrors, ShortRowNamesItsLine) {
  const DataError e = load_error("a,b,c\n1,2,3\n\n4\n");
  EXPECT_EQ(e.line(), 4);
  EXPECT_STREQ(e.what(), "in.csv:4: row has 1 field, the header has 3");
}

TEST(CsvErrors, RaggedRowAfterMultilineFieldNamesItsPhysicalLine) {
  const DataError e = load_error("a,b\n\"x\ny\",1\n1,2,3\n");
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(std::string(e.what()).rfind("in.csv:4: row has 3 fields", 0), 0u) << e.what();
}

TEST(CsvErrors, UnterminatedQuoteNamesTheLineWhereItOpened) {
  const DataError e = load_error("a,b\n1,2\n3,\"open\nmore\nstill\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.source(), kSource);
  EXPECT_STREQ(e.what(), "in.csv:3:3: unterminated quoted field (a '\"' opened here is never closed)");
}

TEST(CsvErrors, UnterminatedQuoteInHeaderNamesLineOne) { EXPECT_EQ(load_error("\"a,b\n1,2\n").line(), 1); }

TEST(CsvErrors, GarbageAfterClosingQuoteIsDataError) {
  const DataError e = load_error("a,b\n1,2\n\"x\"y,1\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_STREQ(e.what(),
               "in.csv:3:4: unexpected 'y' after a closing quote; quotes inside a quoted field are written as \"\"");
}

TEST(CsvErrors, GarbageAfterMultilineQuoteNamesTheLineOfTheGarbage) {
  const DataError e = load_error("a,b\n\"x\ny\" ,1\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_NE(std::string(e.what()).find("unexpected ' ' after a closing quote"), std::string::npos) << e.what();
}

TEST(CsvErrors, CarriageReturnNotEndingTheLineAfterQuoteIsGarbage) {
  EXPECT_EQ(load_error("a,b\n\"x\"\r,1\n").line(), 2);
}

// The cursor itself, on bytes holding whole records.
TEST(CsvCursor, ReadsFieldsAndTellsWhereEachRecordEnds) {
  const std::string bytes = "a,\"b,\"\"c\"\"\"\r\n\n  d ,e";
  detail::CsvCursor cursor(bytes, kSource, ',', 7);
  ASSERT_TRUE(cursor.skip_blank_lines());
  bool record_end = false;
  EXPECT_EQ(cursor.field(record_end), "a");
  EXPECT_FALSE(record_end);
  EXPECT_EQ(cursor.field(record_end), "b,\"c\"");
  EXPECT_TRUE(record_end);
  ASSERT_TRUE(cursor.skip_blank_lines());
  EXPECT_EQ(cursor.line(), 9);
  EXPECT_EQ(cursor.column(cursor.pos() + 2), 3);
  EXPECT_EQ(cursor.field(record_end), "  d ");
  EXPECT_EQ(cursor.field(record_end), "e");
  EXPECT_TRUE(record_end);
  EXPECT_FALSE(cursor.skip_blank_lines());
}

}  // namespace
}  // namespace lrfind
