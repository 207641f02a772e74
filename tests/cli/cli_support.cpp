#include "cli/cli_support.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>


namespace lrfind::testing {


CliResult run_cli(const std::vector<std::string>& args, const std::string& stdin_text) {
  std::vector<std::string> command{LRFIND_BINARY};
  command.insert(command.end(), args.begin(), args.end());
  return run_cli_command(command, stdin_text);
}

CliResult run_cli_command(const std::vector<std::string>& command, const std::string& stdin_text) {
  // Standard input and both outputs go through temporary files, so that a
  // large output cannot dead-lock against an unread pipe.
  const std::string dir = make_temp_dir();
  const std::string in_path = dir + "/stdin", out_path = dir + "/stdout", err_path = dir + "/stderr";
  write_file(in_path, stdin_text);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int in = ::open(in_path.c_str(), O_RDONLY);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (::chdir(LRFIND_SOURCE_DIR) != 0) ::_exit(127);
    std::vector<char*> argv;
    std::vector<std::string> copies(command);
    for (std::string& a : copies) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp(copies.front().c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  CliResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  remove_tree(dir);
  return result;
}

std::string make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "lrfind-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

void remove_tree(const std::string& path) { std::filesystem::remove_all(path); }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace lrfind::testing
