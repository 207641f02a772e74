#include "io/input.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "io/gzip_support.hpp"
#include "lrfind/error.hpp"

namespace lrfind::io {
namespace {

std::string drain(ByteStream& in) {
  std::string out;
  char buffer[100];
  for (std::size_t got; (got = in.read(buffer, sizeof buffer)) > 0;) out.append(buffer, got);
  return out;
}

class InputFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("lrfind-input-test-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& bytes) {
    const std::filesystem::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path.string();
  }
  std::filesystem::path dir_;
};

TEST_F(InputFile, ReadTextReturnsTheFileBytesVerbatim) {
  const std::string bytes = std::string(
                                "\xEF\xBB\xBF"
                                "a,b\r\n1,\"x\ny\"\r\n") +
                            std::string(1, '\0') + "z\rw";
  EXPECT_EQ(read_text(write("in.csv", bytes)), bytes);
  EXPECT_EQ(read_text(write("empty.csv", "")), "");
}

TEST_F(InputFile, ReadTextDecompressesGzipWhateverTheName) {
  const std::string text = "{\"train\": {\"lr\": 0.01}}\r";
  EXPECT_EQ(read_text(write("rate.json", test::gzip(text))), text);
  EXPECT_EQ(read_text(write("twice.json", test::gzip(text) + test::gzip(text))), text + text);
}

TEST_F(InputFile, ReadTextOfDamagedGzipIsDataError) {
  const std::string zipped = test::gzip(std::string(5000, 'x'));
  const std::string path = write("cut.json", zipped.substr(0, zipped.size() / 2));
  try {
    read_text(path);
    FAIL() << "no DataError";
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": damaged or truncated gzip data");
    EXPECT_EQ(e.exit_code(), kExitData);
  }
}

TEST_F(InputFile, MissingFileIsInputError) {
  const std::string path = (dir_ / "absent.csv").string();
  for (const bool whole : {true, false}) {
    try {
      if (whole)
        read_text(path);
      else
        open_input(path);
      FAIL() << "no InputError";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), path + ": cannot open: No such file or directory");
      EXPECT_EQ(e.exit_code(), kExitNoInput);
    }
  }
}

TEST_F(InputFile, DirectoryIsInputError) {
  for (const bool whole : {true, false}) {
    try {
      if (whole)
        read_text(dir_.string());
      else
        open_input(dir_.string());
      FAIL() << "no InputError";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), dir_.string() + ": is a directory, not a CSV file");
    }
  }
}

TEST_F(InputFile, SizeAndShareReadOfARegularFile) {
  const std::string text(10000, 'x');
  Input input = open_input(write("in.csv", text));
  EXPECT_EQ(input.name(), dir_.string() + "/in.csv");
  EXPECT_EQ(input.size(), text.size());
  EXPECT_EQ(input.fraction_read(), 0.0);
  ByteStream& in = input.text(LineEnds::kAsWritten);
  EXPECT_EQ(input.head(), text.substr(0, kHeadBytes));
  EXPECT_DOUBLE_EQ(input.fraction_read(), static_cast<double>(kHeadBytes) / 10000.0);
  EXPECT_EQ(drain(in), text);
  EXPECT_EQ(input.fraction_read(), 1.0);
}

TEST(Input, StandardInputIsNamedSo) { EXPECT_EQ(open_input("-").name(), "<stdin>"); }

TEST(Input, GzipIsDecodedAndItsHeadIsTheText) {
  std::string text;
  for (int r = 0; r < 2000; ++r) text += std::to_string(r) + ",1\n";
  const std::string zipped = test::gzip(text);
  Input input = input_from_bytes(zipped, "in.csv.gz");
  EXPECT_EQ(input.size(), zipped.size());
  ByteStream& in = input.text(LineEnds::kMacAware);
  EXPECT_TRUE(input.gzip());
  EXPECT_EQ(input.head(), text.substr(0, kHeadBytes));
  EXPECT_EQ(drain(in), text);
  EXPECT_EQ(input.fraction_read(), 0.0);  // bytes in memory: no progress to tell
}

TEST(Input, MacLineEndsReadAsLineFeedsOnlyWhenAsked) {
  const std::string text = "x,y\r1,2\r3,4\r";
  Input mac = input_from_bytes(text, "mac.csv");
  EXPECT_EQ(drain(mac.text(LineEnds::kMacAware)), "x,y\n1,2\n3,4\n");
  EXPECT_EQ(mac.head(), text);  // the head as written
  Input raw = input_from_bytes(text, "mac.csv");
  EXPECT_EQ(drain(raw.text(LineEnds::kAsWritten)), text);
  const std::string crlf = "x,y\r\n1,2\r\n";
  Input windows = input_from_bytes(crlf, "crlf.csv");
  EXPECT_EQ(drain(windows.text(LineEnds::kMacAware)), crlf);
  const std::string zipped = test::gzip(text);
  Input mac_gzip = input_from_bytes(zipped, "mac.csv.gz");
  EXPECT_EQ(drain(mac_gzip.text(LineEnds::kMacAware)), "x,y\n1,2\n3,4\n");
}

TEST(Input, LineEndsAreDecidedByTheFirstBytesAlone) {
  // A CR file whose first 4 KiB hold a line feed reads as written throughout.
  std::string text = "x,y\n" + std::string(kHeadBytes, 'a') + "\r1,2\r";
  Input input = input_from_bytes(text, "in.csv");
  EXPECT_EQ(drain(input.text(LineEnds::kMacAware)), text);
}

}  // namespace
}  // namespace lrfind::io
