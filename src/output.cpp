#include "lrfind/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <string>

#include "lrfind/error.hpp"

namespace lrfind {

namespace {

void write_all(int fd, std::string_view text, const std::string& name) {
  while (!text.empty()) {
    const ssize_t written = ::write(fd, text.data(), text.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      throw OutputError(fmt::format("{}: cannot write: {}", name, std::strerror(errno)));
    }
    text.remove_prefix(static_cast<std::size_t>(written));
  }
}

std::string folder_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

void write_output(const std::string& path, std::string_view text) {
  if (path.empty() || path == "-") {
    write_all(STDOUT_FILENO, text, "<stdout>");
    return;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) throw OutputError(fmt::format("{}: is a directory", path));
    // A pipe, a terminal or a device: write straight into it.
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) throw OutputError(fmt::format("{}: cannot open for writing: {}", path, std::strerror(errno)));
    try {
      write_all(fd, text, path);
    } catch (...) {
      ::close(fd);
      throw;
    }
    ::close(fd);
    return;
  }

  std::string temporary = folder_of(path) + "/." + path.substr(path.find_last_of('/') + 1) + ".XXXXXX";
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) throw OutputError(fmt::format("{}: cannot create: {}", path, std::strerror(errno)));
  // mkstemp makes the file 0600; give it the mode the destination has, or the
  // one a new file would get.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  const mode_t mode = S_ISREG(st.st_mode) ? (st.st_mode & 07777) : (0666 & ~mask);
  std::string failure;
  try {
    write_all(fd, text, path);
  } catch (const OutputError& e) {
    failure = e.what();
  }
  if (failure.empty() && ::fsync(fd) != 0)
    failure = fmt::format("{}: cannot flush to disk: {}", path, std::strerror(errno));
  if (failure.empty()) ::fchmod(fd, mode);
  if (::close(fd) != 0 && failure.empty()) failure = fmt::format("{}: cannot write: {}", path, std::strerror(errno));
  if (!failure.empty()) {
    ::unlink(temporary.c_str());
    throw OutputError(failure);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temporary.c_str());
    throw OutputError(fmt::format("{}: cannot replace: {}", path, std::strerror(err)));
  }
}

}  // namespace lrfind
