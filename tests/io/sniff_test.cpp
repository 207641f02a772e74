#include "io/sniff.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lrfind::io {
namespace {

std::string rejection(std::string_view head) {
  try {
    reject_binary(head, "in.csv");
  } catch (const DataError& e) {
    EXPECT_EQ(e.line(), 0);
    return e.what();
  }
  return "accepted";
}

TEST(Sniff, GzipByItsMagicBytes) {
  EXPECT_TRUE(is_gzip("\x1f\x8b\x08"));
  EXPECT_TRUE(is_gzip("\x1f\x8b"));
  EXPECT_FALSE(is_gzip("\x1f"));
  EXPECT_FALSE(is_gzip("x,y\n"));
  EXPECT_FALSE(is_gzip(""));
}

TEST(Sniff, MacLineEndsAreCarriageReturnsWithoutLineFeeds) {
  EXPECT_TRUE(has_mac_line_ends("x,y\r1,2\r"));
  EXPECT_FALSE(has_mac_line_ends("x,y\r\n1,2\r\n"));  // CRLF
  EXPECT_FALSE(has_mac_line_ends("x,y\n1,2\n"));
  EXPECT_FALSE(has_mac_line_ends("x,y\r"));  // a CR only as the last byte says nothing
  EXPECT_FALSE(has_mac_line_ends(""));
}

TEST(Sniff, KnownBinaryFormatsAreNamed) {
  EXPECT_EQ(rejection(std::string("PK\x03\x04\x14\0", 6)),
            "in.csv: not a CSV text file: it is a zip archive (an .xlsx or .ods workbook is one); export the sheet as "
            "CSV, or unzip it");
  EXPECT_EQ(rejection("\xFF\xFEx"), "in.csv: not a CSV text file: it is UTF-16 text; save it as UTF-8");
  EXPECT_EQ(rejection("\xFE\xFFx"), "in.csv: not a CSV text file: it is UTF-16 text; save it as UTF-8");
  EXPECT_NE(rejection("BZh91AY").find("bzip2 data"), std::string::npos);
  EXPECT_NE(rejection("\xFD" "7zXZ").find("xz data"), std::string::npos);
  EXPECT_NE(rejection("\x28\xB5\x2F\xFD").find("zstd data"), std::string::npos);
  EXPECT_NE(rejection("PAR1").find("a Parquet file"), std::string::npos);
  EXPECT_NE(rejection("%PDF-1.4").find("a PDF document"), std::string::npos);
  EXPECT_NE(rejection("\x89PNG\r\n").find("a PNG image"), std::string::npos);
  EXPECT_NE(rejection("GIF89a").find("a GIF image"), std::string::npos);
  EXPECT_NE(rejection("\xFF\xD8\xFF\xE0").find("a JPEG image"), std::string::npos);
  EXPECT_NE(rejection("\x7F" "ELF").find("an executable program"), std::string::npos);
  EXPECT_NE(rejection("SQLite format 3").find("an SQLite database"), std::string::npos);
  EXPECT_NE(rejection("\xD0\xCF\x11\xE0").find("an old Office document"), std::string::npos);
}

TEST(Sniff, TextAndGzipAreNotRejected) {
  EXPECT_EQ(rejection("x,y\n1,2\n"), "accepted");
  EXPECT_EQ(rejection("\xEF\xBB\xBFx,y\n"), "accepted");  // a UTF-8 byte-order mark
  EXPECT_EQ(rejection("\x1f\x8b\x08"), "accepted");
  EXPECT_EQ(rejection("PK"), "accepted");  // too short to be a zip archive
}

TEST(Sniff, NulByteNamesItsLineAndWhatTheDataLooksLike) {
  const std::string binary = std::string("x,y\n1,2\n3,\0", 11) + "4\n";
  const DataError e = nul_error(binary, binary.find('\0'), 1, "in.csv");
  EXPECT_STREQ(e.what(), "in.csv:3: not a CSV text file: it holds a NUL byte (binary data)");
  EXPECT_EQ(nul_error(binary, binary.find('\0'), 10, "in.csv").line(), 12);  // bytes starting on line 10
  const std::string utf16("x\0,\0y\0\n\0" "1\0,\0" "2\0\n\0", 16);
  EXPECT_STREQ(nul_error(utf16, 1, 1, "in.csv").what(),
               "in.csv:1: not a CSV text file: it holds a NUL byte (UTF-16 text? save it as UTF-8)");
}

// The delimiter sniff_delimiter chooses, with "!" after it when it is not
// consistent, and the header's fields with it: ";3", "|!2".
std::string guess(std::string_view head, bool whole = true) {
  const DelimiterGuess g = sniff_delimiter(head, whole);
  return std::string(1, g.delimiter) + (g.consistent ? "" : "!") + std::to_string(g.header_fields);
}

TEST(SniffDelimiter, EachCandidateFromTheHeaderAndRows) {
  EXPECT_EQ(guess("a,b,y\n1,2,0\n3,4,1\n"), ",3");
  EXPECT_EQ(guess("a;b;y\n1;2;0\n3;4;1\n"), ";3");
  EXPECT_EQ(guess("a\tb\ty\n1\t2\t0\n3\t4\t1\n"), "\t3");
  EXPECT_EQ(guess("a|b|y\n1|2|0\n3|4|1\n"), "|3");
}

TEST(SniffDelimiter, DecimalCommasInASemicolonFileAreNotFields) {
  EXPECT_EQ(guess("x;y\n1,5;1\n2,25;2\n-0,5;3\n"), ";2");
  // Even when every row has the same number of them: the header has none.
  EXPECT_EQ(guess("x;z;y\n1,5;2,5;1\n2,25;3,5;2\n"), ";3");
}

TEST(SniffDelimiter, QuotedFieldsKeepTheirDelimitersAndLineBreaks) {
  EXPECT_EQ(guess("\"a;b\",\"c|d\",y\n\"1;2;3\",\"x\ny;z\",0\n\"a\"\"b;\",q,1\n"), ",3");
  // A quote opens a quoted field only at the start of a field, as the parser reads it.
  EXPECT_EQ(guess("a;b\n12\"x;3\n4;5\"\n"), ";2");
}

TEST(SniffDelimiter, ConsistentWinsThenMoreFieldsThenTheEarlierCandidate) {
  EXPECT_EQ(guess("a;b,c;d\n1;2,3;4\n"), ";3");    // both consistent: more fields
  EXPECT_EQ(guess("a,b;c\n1,2;3\n"), ",2");        // a tie: the comma comes first
  EXPECT_EQ(guess("a|b|c|d,y\n1,2\n3,4\n"), ",2");  // '|' splits the header more, but not the rows
}

TEST(SniffDelimiter, NothingConsistentTakesTheCandidateSplittingTheHeaderMost) {
  // A ragged row among the first: the errors then name it with the right delimiter.
  EXPECT_EQ(guess("a;b;c\n1;2;3\n4;5\n"), ";!3");
  EXPECT_EQ(guess("y\n1\n0\n"), ",!1");  // one column whatever the delimiter
  EXPECT_EQ(guess(""), ",!1");
}

TEST(SniffDelimiter, LineEndsBlankLinesAndAByteOrderMark) {
  EXPECT_EQ(guess("a;b\r\n1;2\r\n\r\n3;4\r\n"), ";2");
  EXPECT_EQ(guess("a;b\r1;2\r3;4\r"), ";2");  // classic Mac
  EXPECT_EQ(guess("\xEF\xBB\xBF" "a|b\n\n\n1|2\n"), "|2");
}

TEST(SniffDelimiter, ARecordCutByTheEndOfTheHeadCountsOnlyWhenItIsTheWholeInput) {
  EXPECT_EQ(guess("a;b;c\n1;2;3\n4;5", false), ";3");
  EXPECT_EQ(guess("a;b;c\n1;2;3\n4;5", true), ";!3");
  // A header longer than the head: its part is all there is.
  EXPECT_EQ(guess("c1|c2|c3|c4|c5|c", false), "|6");
}

TEST(SniffDelimiter, OnlyTheFirstTwentyRecordsCount) {
  std::string text = "a;b\n";
  for (int r = 0; r < 19; ++r) text += "1;2\n";
  EXPECT_EQ(guess(text + "1;2;3\n"), ";2");
  EXPECT_EQ(guess("a;b\n" + text.substr(4, 18 * 4) + "1;2;3\n"), ";!2");  // the twentieth record is ragged
}

TEST(SniffDelimiter, NamesAndOptions) {
  EXPECT_EQ(delimiter_name(';'), "';'");
  EXPECT_EQ(delimiter_name('\t'), "tab");
  EXPECT_EQ(delimiter_option('|'), "--delimiter '|'");
  EXPECT_EQ(delimiter_option('\t'), "--delimiter '\\t'");
}

}  // namespace
}  // namespace lrfind::io
