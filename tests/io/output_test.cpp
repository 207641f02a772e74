#include "io/output.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>

#include "cli/cli_support.hpp"
#include "lrfind/error.hpp"

namespace lrfind {
namespace {

using testing::read_file;
using testing::write_file;

class Output : public ::testing::Test {
 protected:
  void SetUp() override { root_ = testing::make_temp_dir(); }
  void TearDown() override { testing::remove_tree(root_); }

  std::string path(const std::string& name) const { return root_ + "/" + name; }

  std::set<std::string> entries() const {
    std::set<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(root_)) names.insert(e.path().filename().string());
    return names;
  }

  static mode_t mode_of(const std::string& file) {
    struct stat st {};
    EXPECT_EQ(::stat(file.c_str(), &st), 0) << file;
    return st.st_mode & 07777;
  }

  // Runs write_output(target, text) in a child whose standard output is
  // redirected to `stdout_file`; returns the child's exit status (0 on success,
  // 73 when it threw OutputError).
  static int write_in_child(const std::string& target, const std::string& text, const std::string& stdout_file) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      const int fd = ::open(stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd < 0 || ::dup2(fd, STDOUT_FILENO) < 0) ::_exit(126);
      try {
        write_output(target, text);
      } catch (const Error& e) {
        ::_exit(e.exit_code());
      } catch (...) {
        ::_exit(125);
      }
      ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  std::string root_;
};

TEST_F(Output, NewFileHoldsExactlyTheText) {
  write_output(path("out.json"), "{\"a\": 1}\n");
  EXPECT_EQ(read_file(path("out.json")), "{\"a\": 1}\n");
  EXPECT_EQ(entries(), std::set<std::string>{"out.json"});
}

TEST_F(Output, NewFileGetsUmaskModeNotTemporaryFileMode) {
  const mode_t mask = ::umask(022);
  write_output(path("out.json"), "x");
  ::umask(mask);
  EXPECT_EQ(mode_of(path("out.json")), 0644u);
}

TEST_F(Output, ExistingFileIsReplacedAndKeepsItsPermissions) {
  write_file(path("out.json"), "a much longer previous content that must disappear entirely\n");
  ASSERT_EQ(::chmod(path("out.json").c_str(), 0640), 0);
  write_output(path("out.json"), "new\n");
  EXPECT_EQ(read_file(path("out.json")), "new\n");
  EXPECT_EQ(mode_of(path("out.json")), 0640u);
  EXPECT_EQ(entries(), std::set<std::string>{"out.json"});
}

TEST_F(Output, LinkToRegularFileReplacesTargetAndKeepsLink) {
  write_file(path("real.json"), "old");
  std::filesystem::create_symlink(path("real.json"), path("link.json"));
  write_output(path("link.json"), "new");
  EXPECT_TRUE(std::filesystem::is_symlink(path("link.json")));
  EXPECT_EQ(read_file(path("real.json")), "new");
  EXPECT_EQ(entries(), (std::set<std::string>{"link.json", "real.json"}));
}

TEST_F(Output, DanglingLinkCreatesItsTargetAndKeepsLink) {
  std::filesystem::create_symlink("made.json", path("link.json"));  // relative, to a file not yet there
  write_output(path("link.json"), "new");
  EXPECT_TRUE(std::filesystem::is_symlink(path("link.json")));
  EXPECT_EQ(read_file(path("made.json")), "new");
}

TEST_F(Output, EmptyTextGivesEmptyFile) {
  write_file(path("out.json"), "old");
  write_output(path("out.json"), "");
  EXPECT_EQ(read_file(path("out.json")), "");
  EXPECT_EQ(entries(), std::set<std::string>{"out.json"});
}

TEST_F(Output, MissingFolderThrowsOutputErrorAndLeavesNothing) {
  const std::string target = path("missing/out.json");
  try {
    write_output(target, "x");
    FAIL() << "expected OutputError";
  } catch (const OutputError& e) {
    EXPECT_EQ(e.exit_code(), kExitCantCreate);
    EXPECT_NE(std::string(e.what()).find(target), std::string::npos) << e.what();
  }
  EXPECT_TRUE(entries().empty());
}

TEST_F(Output, DirectoryThrowsOutputErrorAndIsLeftAlone) {
  std::filesystem::create_directory(path("sub"));
  EXPECT_THROW(write_output(path("sub"), "x"), OutputError);
  EXPECT_TRUE(std::filesystem::is_directory(path("sub")));
  EXPECT_TRUE(std::filesystem::is_empty(path("sub")));
  EXPECT_EQ(entries(), std::set<std::string>{"sub"});
}

TEST_F(Output, SeveralOutputsAreAllWritten) {
  write_file(path("plot.svg"), "old plot");
  write_outputs({{path("plot.svg"), "new plot"}, {path("report.json"), "new report"}});
  EXPECT_EQ(read_file(path("plot.svg")), "new plot");
  EXPECT_EQ(read_file(path("report.json")), "new report");
  EXPECT_EQ(entries(), (std::set<std::string>{"plot.svg", "report.json"}));
}

TEST_F(Output, OneOutputFailingLeavesEveryExistingFileAsItWas) {
  write_file(path("plot.svg"), "old plot");
  write_file(path("report.json"), "old report");
  // The failing output comes last, after the first has been written in full.
  EXPECT_THROW(write_outputs({{path("plot.svg"), "new plot"}, {path("missing/report.json"), "x"}}), OutputError);
  EXPECT_THROW(write_outputs({{path("report.json"), "new report"}, {path(""), "x"}}), OutputError);
  EXPECT_EQ(read_file(path("plot.svg")), "old plot");
  EXPECT_EQ(read_file(path("report.json")), "old report");
  EXPECT_EQ(entries(), (std::set<std::string>{"plot.svg", "report.json"}));
}

TEST_F(Output, RelativePathIsWrittenInCurrentFolder) {
  const std::filesystem::path previous = std::filesystem::current_path();
  std::filesystem::current_path(path(""));
  write_output("plain.json", "rel\n");
  std::filesystem::current_path(previous);
  EXPECT_EQ(read_file(path("plain.json")), "rel\n");
  EXPECT_EQ(entries(), std::set<std::string>{"plain.json"});
}

TEST_F(Output, DashWritesToStandardOutput) {
  EXPECT_EQ(write_in_child("-", "to stdout\n", path("captured")), 0);
  EXPECT_EQ(read_file(path("captured")), "to stdout\n");
  EXPECT_EQ(entries(), std::set<std::string>{"captured"});
}

TEST_F(Output, FifoIsWrittenDirectlyNotReplaced) {
  ASSERT_EQ(::mkfifo(path("pipe").c_str(), 0600), 0);
  const pid_t reader = ::fork();
  if (reader == 0) {
    // Copy what arrives through the pipe into a regular file.
    write_file(path("received"), read_file(path("pipe")));
    ::_exit(0);
  }
  try {
    write_output(path("pipe"), "through the pipe\n");
  } catch (const Error& e) {
    ADD_FAILURE() << e.what();
    ::close(::open(path("pipe").c_str(), O_WRONLY));  // release the reader
  }
  int status = 0;
  ::waitpid(reader, &status, 0);
  EXPECT_EQ(read_file(path("received")), "through the pipe\n");
  struct stat st {};
  ASSERT_EQ(::lstat(path("pipe").c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
}

TEST_F(Output, LinkToOwnStdoutWritesThereWhenStdoutIsRegularFile) {
  // The /dev/stdout case, through a private link so that a failure cannot
  // replace the system's /dev/stdout.
  std::filesystem::create_symlink("/proc/self/fd/1", path("stdout-alias"));
  EXPECT_EQ(write_in_child(path("stdout-alias"), "via alias\n", path("captured")), 0);
  EXPECT_EQ(read_file(path("captured")), "via alias\n");
  EXPECT_TRUE(std::filesystem::is_symlink(path("stdout-alias")));
  EXPECT_EQ(entries(), (std::set<std::string>{"captured", "stdout-alias"}));
}

}  // namespace
}  // namespace lrfind
