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

}  // namespace
}  // namespace lrfind::io
