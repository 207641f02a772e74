// Runs the built lr-find binary for end-to-end tests: arguments, optional
// standard input, and the captured standard output, standard error and exit code.
#pragma once

#include <string>
#include <vector>

namespace lrfind::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs LRFIND_BINARY with `args` in the source directory (so data/... paths work).
CliResult run_cli(const std::vector<std::string>& args, const std::string& stdin_text = "");

// Runs any program (looked up on PATH) with `args`, capturing like run_cli.
CliResult run_cli_command(const std::vector<std::string>& command, const std::string& stdin_text = "");

// A fresh empty temporary folder, removed by the caller with remove_tree.
std::string make_temp_dir();
void remove_tree(const std::string& path);
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);

// The arguments of a, then b's.
inline std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A temporary folder removed at the end of the test.
class ScopedTempDir {
 public:
  ScopedTempDir() : root_(make_temp_dir()) {}
  ~ScopedTempDir() { remove_tree(root_); }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
  std::string path(const std::string& name) const { return root_ + "/" + name; }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};


}  // namespace lrfind::testing
