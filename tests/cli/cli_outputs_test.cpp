// The output paths are checked before any work: one that cannot be created
// fails at once (exit 73), and two outputs naming one file are a usage error.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "cli/cli_support.hpp"

namespace {

using lrfind::testing::CliResult;
using lrfind::testing::run_cli;
using lrfind::testing::ScopedTempDir;
using lrfind::testing::write_file;

// Data whose error only loading finds (line 3 has a field too many):
// an output failure reported instead shows the outputs were checked first.
const char* const kBadData = "a,b,y\n1,2,0\n3,4,1,9\n";

// Exit status `code` and exactly one error line holding `fragment`, nothing on stdout.
::testing::AssertionResult fails_with(const CliResult& r, int code, const std::string& fragment) {
  if (r.exit_code != code) return ::testing::AssertionFailure() << "exit " << r.exit_code << "; stderr: " << r.err;
  if (!r.out.empty()) return ::testing::AssertionFailure() << "stdout: " << r.out;
  if (r.err.rfind("lr-find: error: ", 0) != 0 || r.err.find('\n') != r.err.size() - 1)
    return ::testing::AssertionFailure() << "not one error line: " << r.err;
  if (r.err.find(fragment) == std::string::npos) return ::testing::AssertionFailure() << "no '" << fragment << "': " << r.err;
  return ::testing::AssertionSuccess();
}

std::vector<std::string> with(std::vector<std::string> args) {
  std::vector<std::string> all{"-", "--model", "logistic", "--method", "range", "--steps", "20"};
  all.insert(all.end(), args.begin(), args.end());
  return all;
}

TEST(CliOutputs, AnOutputInAMissingFolderFailsBeforeTheDataIsRead) {
  ScopedTempDir dir;
  const std::string json = dir.path("missing/out.json");
  EXPECT_TRUE(fails_with(run_cli(with({"-o", json}), kBadData), 73,
                         "-o " + json + ": cannot create: No such file or directory"));
  const std::string plot = dir.path("missing/out.png");
  EXPECT_TRUE(fails_with(run_cli(with({"--plot", plot}), kBadData), 73,
                         "--plot " + plot + ": cannot create: No such file or directory"));
}

TEST(CliOutputs, AnOutputThatIsAFolderFailsBeforeTheDataIsRead) {
  ScopedTempDir dir;
  ASSERT_EQ(::mkdir(dir.path("plot.svg").c_str(), 0755), 0);
  EXPECT_TRUE(fails_with(run_cli(with({"--plot", dir.path("plot.svg")}), kBadData), 73,
                         "--plot " + dir.path("plot.svg") + ": cannot create: Is a directory"));
  EXPECT_TRUE(fails_with(run_cli(with({"-o", dir.root()}), kBadData), 73,
                         "-o " + dir.root() + ": cannot create: Is a directory"));
  // A folder in the way of the path's folder.
  write_file(dir.path("file"), "");
  EXPECT_TRUE(fails_with(run_cli(with({"-o", dir.path("file/out.json")}), kBadData), 73, "Not a directory"));
}

TEST(CliOutputs, WritableOutputsStillReachTheData) {
  ScopedTempDir dir;
  EXPECT_TRUE(fails_with(run_cli(with({"-o", dir.path("out.json"), "--plot", dir.path("out.svg")}), kBadData), 65,
                         "row has 4 fields"));
  EXPECT_TRUE(fails_with(run_cli(with({"-o", "/dev/null", "--plot", "-"}), kBadData), 65, "row has 4 fields"));
}

TEST(CliOutputs, TwoOutputsNamingOneFileAreAUsageError) {
  ScopedTempDir dir;
  ASSERT_EQ(::mkdir(dir.path("sub").c_str(), 0755), 0);
  const std::string same = dir.path("same.svg");
  EXPECT_TRUE(fails_with(run_cli(with({"--plot", same, "-o", same}), kBadData), 64, "name the same file"));
  // The same path written differently, and an existing file through a link.
  EXPECT_TRUE(fails_with(run_cli(with({"--plot", same, "-o", dir.path("sub/../same.svg")}), kBadData), 64, "same file"));
  EXPECT_TRUE(fails_with(run_cli(with({"--plot", same, "-o", dir.root() + "//./same.svg"}), kBadData), 64, "same file"));
  write_file(same, "");
  ASSERT_EQ(::symlink(same.c_str(), dir.path("link.svg").c_str()), 0);
  EXPECT_TRUE(fails_with(run_cli(with({"--plot", dir.path("link.svg"), "-o", same}), kBadData), 64, "same file"));
  // Different files, and the two standard streams, are fine (the data's error comes next).
  EXPECT_TRUE(fails_with(run_cli(with({"--plot", same, "-o", dir.path("sub/same.svg")}), kBadData), 65, "row has"));
  EXPECT_TRUE(fails_with(run_cli(with({"--plot", "-", "-o", "-"}), kBadData), 65, "row has"));
}

}  // namespace
