#include "io/byte_stream.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "io/gzip_support.hpp"
#include "lrfind/error.hpp"

namespace lrfind::io {
namespace {

// Everything a stream gives, read `chunk` bytes at a time.
std::string drain(ByteStream& in, std::size_t chunk = 7) {
  std::string out;
  std::string buffer(chunk, '\0');
  for (std::size_t got; (got = in.read(buffer.data(), chunk)) > 0;) out.append(buffer, 0, got);
  return out;
}

std::string numbered_lines(int rows) {
  std::string text;
  for (int r = 0; r < rows; ++r) text += std::to_string(r) + "," + std::to_string(r * r) + "\n";
  return text;
}

TEST(MemoryStream, GivesTheBytesThenZero) {
  MemoryStream in("hello, world");
  EXPECT_EQ(drain(in, 5), "hello, world");
  char c = 0;
  EXPECT_EQ(in.read(&c, 1), 0u);
}

TEST(MemoryStream, ReadFullyStopsOnlyAtTheEnd) {
  MemoryStream in("abcdef");
  char buffer[4];
  EXPECT_EQ(read_fully(in, buffer, 4), 4u);
  EXPECT_EQ(std::string(buffer, 4), "abcd");
  EXPECT_EQ(read_fully(in, buffer, 4), 2u);
  EXPECT_EQ(std::string(buffer, 2), "ef");
}

TEST(PrefixedStream, PutsBackTheBytesAlreadyRead) {
  MemoryStream rest("defgh");
  PrefixedStream in("abc", rest);
  EXPECT_EQ(drain(in, 2), "abcdefgh");
}

TEST(FdStream, ReadsAPipeAndCountsTheBytes) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string text = numbered_lines(100);
  ASSERT_EQ(::write(fds[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(fds[1]);
  FdStream in(fds[0], "pipe", true);
  EXPECT_EQ(drain(in, 1000), text);
  EXPECT_EQ(in.consumed(), text.size());
}

TEST(FdStream, ReadErrorIsInputErrorNamingTheSource) {
  FdStream in(-1, "broken.csv", false);
  char c = 0;
  try {
    in.read(&c, 1);
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "broken.csv: cannot read: Bad file descriptor");
    EXPECT_EQ(e.exit_code(), kExitNoInput);
  }
}

TEST(GzipStream, DecodesWhateverTheReadSize) {
  const std::string text = numbered_lines(5000);
  const std::string zipped = test::gzip(text);
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{100}, std::size_t{1} << 20}) {
    MemoryStream raw(zipped);
    GzipStream in(raw, "in.csv.gz");
    EXPECT_EQ(drain(in, chunk), text) << chunk;
  }
}

TEST(GzipStream, ConcatenatedMembersContinueTheData) {
  const std::string a = numbered_lines(300);
  const std::string b = "last,line\n";
  const std::string zipped = test::gzip(a) + test::gzip(b) + test::gzip("");
  MemoryStream raw(zipped);
  GzipStream in(raw, "in.csv.gz");
  EXPECT_EQ(drain(in, 64), a + b);
}

TEST(GzipStream, TruncatedDataIsADataError) {
  const std::string zipped = test::gzip(numbered_lines(2000));
  for (const std::size_t keep : {std::size_t{2}, std::size_t{10}, zipped.size() / 2, zipped.size() - 1}) {
    MemoryStream raw(std::string_view(zipped).substr(0, keep));
    GzipStream in(raw, "in.csv.gz");
    try {
      drain(in);
      ADD_FAILURE() << "no DataError keeping " << keep << " bytes";
    } catch (const DataError& e) {
      EXPECT_STREQ(e.what(), "in.csv.gz: damaged or truncated gzip data");
      EXPECT_EQ(e.line(), 0);
    }
  }
}

TEST(GzipStream, DamagedDataOrTrailingGarbageIsADataError) {
  std::string zipped = test::gzip(numbered_lines(2000));
  std::string flipped = zipped;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x5a);
  flipped[flipped.size() - 6] = static_cast<char>(flipped[flipped.size() - 6] ^ 0x01);  // the CRC, at least
  const std::string garbage = zipped + "not gzip";
  for (const std::string& bad : {flipped, garbage}) {
    MemoryStream raw(bad);
    GzipStream in(raw, "in.csv.gz");
    EXPECT_THROW(drain(in), DataError);
  }
}

TEST(CrStream, ReadsCarriageReturnsAsLineFeeds) {
  MemoryStream raw("x,y\r1,2\r3,4\r");
  CrStream in(raw);
  EXPECT_EQ(drain(in, 3), "x,y\n1,2\n3,4\n");
}

}  // namespace
}  // namespace lrfind::io
