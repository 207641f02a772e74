#include "load/blocks.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "io/byte_stream.hpp"

namespace lrfind::load {
namespace {

std::size_t cut(std::string_view bytes, bool& open_quote) { return last_record_end(bytes, ',', open_quote); }

TEST(LastRecordEnd, JustPastTheLastLineFeed) {
  bool open = true;
  EXPECT_EQ(cut("a,b\n1,2\n3,", open), 8u);
  EXPECT_FALSE(open);
  EXPECT_EQ(cut("1,2", open), 0u);
  EXPECT_EQ(cut("", open), 0u);
}

TEST(LastRecordEnd, LineFeedsInsideQuotesEndNoRecord) {
  bool open = false;
  EXPECT_EQ(cut("1,\"a\nb\"\n2,\"c\n", open), 8u);
  EXPECT_TRUE(open);  // the last record's quote is still open
  EXPECT_EQ(cut("1,\"a\"\"\nb\"\n", open), 10u);  // a doubled quote does not close it
  EXPECT_FALSE(open);
}

TEST(LastRecordEnd, AQuoteOpensOnlyAtTheStartOfAField) {
  bool open = true;
  EXPECT_EQ(cut("1,x\"y\n2,3\n", open), 10u);
  EXPECT_FALSE(open);
}

TEST(CountNewlines, CountsLineFeedsOnly) {
  EXPECT_EQ(count_newlines("a\r\nb\n\nc"), 3u);
  EXPECT_EQ(count_newlines(std::string(1000, '\n')), 1000u);
  EXPECT_EQ(count_newlines(""), 0u);
}

TEST(CountNewlines, AndWhetherEveryByteIsAscii) {
  bool ascii = false;
  EXPECT_EQ(count_newlines(std::string(1000, 'x') + "\n\x7F\n", ascii), 2u);
  EXPECT_TRUE(ascii);
  for (const char high : {'\x80', '\xE9', '\xFF'}) {
    std::string text(1000, 'x');
    text[777] = high;
    EXPECT_EQ(count_newlines(text, ascii), 0u);
    EXPECT_FALSE(ascii) << static_cast<int>(static_cast<unsigned char>(high));
  }
}

// Every block of `text` read `block_bytes` at a time.
std::vector<Block> blocks_of(const std::string& text, std::size_t block_bytes,
                             io::Encoding encoding = io::Encoding::kDetect) {
  io::MemoryStream in(text);
  const std::string source = "in.csv";
  BlockReader reader(in, source, ',', block_bytes, encoding);
  std::vector<Block> blocks;
  for (Block b; reader.next(b);) blocks.push_back(b);
  return blocks;
}

TEST(BlockReader, CutsWholeRecordsWhateverTheBlockSize) {
  std::string text;
  for (int r = 0; r < 200; ++r) text += std::to_string(r) + (r % 9 == 0 ? ",\"two\nlines\"\n" : ",x\n");
  for (const std::size_t size : {std::size_t{1}, std::size_t{64}, std::size_t{100}, std::size_t{1} << 20}) {
    std::string joined;
    long line = 1;
    for (const Block& b : blocks_of(text, size)) {
      ASSERT_FALSE(b.bytes.empty());
      EXPECT_EQ(b.line0, line) << size;
      EXPECT_EQ(b.newlines, count_newlines(b.bytes));
      EXPECT_EQ(b.bytes.back(), '\n') << size;  // no record is cut
      bool open = false;
      EXPECT_EQ(last_record_end(b.bytes, ',', open), b.bytes.size());
      line += static_cast<long>(b.newlines);
      joined += b.bytes;
    }
    EXPECT_EQ(joined, text) << size;
  }
}

TEST(BlockReader, ARecordLongerThanABlockIsReadWhole) {
  std::string text = "x," + std::string(500, 'a') + "\n";
  for (int r = 0; r < 100; ++r) text += "1,2\n";
  text += "3,4";
  const std::vector<Block> blocks = blocks_of(text, 64);
  ASSERT_GE(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].bytes.substr(0, 503), text.substr(0, 503));
  EXPECT_EQ(blocks.back().bytes.substr(blocks.back().bytes.size() - 3), "3,4");  // the last lacks its line feed
}

TEST(BlockReader, FindsTheFirstNulByte) {
  const std::vector<Block> blocks = blocks_of(std::string("a,b\n1,\0\n", 8), 1 << 20);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].nul, 6u);
  EXPECT_EQ(blocks_of("a,b\n", 1 << 20)[0].nul, std::string::npos);
}

TEST(BlockReader, DecodesSingleByteTextAndMarksUtf8ToCheck) {
  // Lines longer than a block of 64 bytes: one block each.
  const std::string x(70, 'x');
  // Line 3 is the first with a byte above ASCII, and is not UTF-8: cp1252 from the start.
  std::vector<Block> blocks = blocks_of("a,b\n1," + x + "\n3,caf\xE9" + x + "\n4,\x80" + x + "\n", 64);
  ASSERT_EQ(blocks.size(), 4u);
  std::string joined;
  for (Block& b : blocks) {
    EXPECT_FALSE(b.check_utf8);
    joined += b.bytes;
  }
  EXPECT_EQ(joined, "a,b\n1," + x + "\n3,café" + x + "\n4,€" + x + "\n");
  // Line 3 is UTF-8: so is the input, and a later block with a bad byte says where.
  blocks = blocks_of("a,b\n1," + x + "\n3,caf\xC3\xA9" + x + "\n4,\x80" + x + "\n", 64);
  ASSERT_EQ(blocks.size(), 4u);
  EXPECT_FALSE(blocks[1].check_utf8);  // ASCII: nothing to check
  ASSERT_TRUE(blocks[3].check_utf8);
  EXPECT_EQ(blocks[3].utf8_line, 3);
  locate_invalid_utf8(blocks[3]);
  EXPECT_EQ(blocks[3].invalid_utf8, 2u);
  EXPECT_EQ(blocks[3].first_bad_byte(), 2u);
  EXPECT_EQ(std::string(bad_byte_error(blocks[3], "in.csv").what()).rfind("in.csv:4:3: not UTF-8 text: byte 0x80", 0),
            0u);
  locate_invalid_utf8(blocks[2]);
  EXPECT_EQ(blocks[2].invalid_utf8, std::string::npos);
  // Given, Latin-1 is never checked.
  for (const Block& b : blocks_of("a,b\n1,\xC3\xA9\n", 4, io::Encoding::kLatin1)) EXPECT_FALSE(b.check_utf8);
}

TEST(BlockReader, ANulByteComesBeforeALaterBadByte) {
  std::vector<Block> blocks = blocks_of(std::string("a,b\n1,\0\n2,\xE9\n", 13), 1 << 20, io::Encoding::kUtf8);
  ASSERT_EQ(blocks.size(), 1u);
  locate_invalid_utf8(blocks[0]);
  EXPECT_EQ(blocks[0].first_bad_byte(), 6u);
  EXPECT_STREQ(bad_byte_error(blocks[0], "in.csv").what(), "in.csv:2: not a CSV text file: it holds a NUL byte (binary data)");
}

TEST(RowBound, AtMostOneRecordPerLineFeedAndPerWidthBytes) {
  Block block;
  block.bytes = "1,2\n3,4\n5,6";
  block.newlines = count_newlines(block.bytes);
  EXPECT_EQ(row_bound(block, 2), 3u);  // two line feeds and an unterminated record
  block.bytes = "1,2\n\n\n\n\n\n";
  block.newlines = count_newlines(block.bytes);
  EXPECT_EQ(row_bound(block, 2), 5u);  // (9 + 1) / 2 rather than 6 line feeds: blank lines do not count
  EXPECT_EQ(row_bound(block, 5), 2u);
  block.start = block.bytes.size();
  EXPECT_EQ(row_bound(block, 2), 0u);
  block.lines = {7, 9};  // sampled records know their number
  EXPECT_EQ(row_bound(block, 2), 2u);
}

}  // namespace
}  // namespace lrfind::load
