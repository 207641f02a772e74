#include "lrfind/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
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

// The standard descriptor (stdout or stderr) whose open file `st` describes,
// or -1. A name such as /dev/stdout reaches the caller's own output through a
// link into /proc; when that output is redirected to a regular file, stat sees
// a regular file, and the rename would replace the link /dev/stdout itself (as
// root) or fail to create the temporary file in /dev, instead of writing where
// the caller sent the output.
int standard_descriptor_of(const struct stat& st) {
  for (const int fd : {STDOUT_FILENO, STDERR_FILENO}) {
    struct stat open_file {};
    if (::fstat(fd, &open_file) == 0 && open_file.st_dev == st.st_dev && open_file.st_ino == st.st_ino) return fd;
  }
  return -1;
}

// Writes `text` to a temporary file beside `destination`, flushes it to disk,
// and renames it over `destination` with permissions `mode`.
void replace_atomically(const std::string& destination, std::string_view text, mode_t mode,
                        const std::string& name) {
  const std::string folder = folder_of(destination);
  std::string temporary = folder + "/." + destination.substr(destination.find_last_of('/') + 1) + ".XXXXXX";
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) throw OutputError(fmt::format("{}: cannot create: {}", name, std::strerror(errno)));
  std::string failure;
  try {
    write_all(fd, text, name);
  } catch (const OutputError& e) {
    failure = e.what();
  }
  if (failure.empty() && ::fsync(fd) != 0)
    failure = fmt::format("{}: cannot flush to disk: {}", name, std::strerror(errno));
  if (failure.empty()) ::fchmod(fd, mode);  // mkstemp made it 0600
  if (::close(fd) != 0 && failure.empty()) failure = fmt::format("{}: cannot write: {}", name, std::strerror(errno));
  if (failure.empty() && ::rename(temporary.c_str(), destination.c_str()) != 0)
    failure = fmt::format("{}: cannot replace: {}", name, std::strerror(errno));
  if (!failure.empty()) {
    ::unlink(temporary.c_str());
    throw OutputError(failure);
  }
  // Make the rename itself durable.
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

void write_directly(const std::string& path, std::string_view text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) throw OutputError(fmt::format("{}: cannot open for writing: {}", path, std::strerror(errno)));
  try {
    write_all(fd, text, path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

}  // namespace

void write_output(const std::string& path, std::string_view text) {
  if (path.empty() || path == "-") {
    write_all(STDOUT_FILENO, text, "<stdout>");
    return;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    // A new file gets the permissions the umask allows; through a dangling
    // link, it is created where the link points, and the link is kept.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    std::string destination = path;
    struct stat link {};
    if (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
      std::string target(4096, '\0');
      const ssize_t length = ::readlink(path.c_str(), target.data(), target.size());
      if (length <= 0) throw OutputError(fmt::format("{}: cannot read link: {}", path, std::strerror(errno)));
      target.resize(static_cast<std::size_t>(length));
      destination = target.front() == '/' ? target : folder_of(path) + "/" + target;
    }
    replace_atomically(destination, text, 0666 & ~mask, path);
    return;
  }
  if (S_ISDIR(st.st_mode)) throw OutputError(fmt::format("{}: is a directory", path));
  if (!S_ISREG(st.st_mode)) {
    write_directly(path, text);  // a pipe, a terminal or a device
    return;
  }
  if (const int fd = standard_descriptor_of(st); fd >= 0) {
    write_all(fd, text, path);
    return;
  }
  // Through a symbolic link, replace the file it points at and keep the link.
  std::string destination = path;
  struct stat link {};
  if (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    char* resolved = ::realpath(path.c_str(), nullptr);
    if (resolved == nullptr) throw OutputError(fmt::format("{}: cannot resolve link: {}", path, std::strerror(errno)));
    destination = resolved;
    std::free(resolved);
  }
  replace_atomically(destination, text, st.st_mode & 07777, path);
}

}  // namespace lrfind
