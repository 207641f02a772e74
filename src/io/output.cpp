#include "io/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <string>
#include <system_error>

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

// Where and how one output goes: replaced through a temporary file beside
// `destination` (a regular file, or a new one), or written directly to an open
// descriptor or a non-regular file (a pipe, a terminal, a device).
struct Plan {
  std::string name;         // the path as given, for messages
  std::string_view text;
  int fd = -1;              // write here directly (stdout, or the standard descriptor a path names)
  std::string direct_path;  // or open this and append
  std::string destination;  // or replace this file
  mode_t mode = 0;
  std::string temporary;    // the staged copy of a replaced file, once written
};

Plan plan_output(const std::string& path, std::string_view text) {
  Plan plan{path, text};
  if (path.empty() || path == "-") {
    plan.name = "<stdout>";
    plan.fd = STDOUT_FILENO;
    return plan;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    // A new file gets the permissions the umask allows; through a dangling
    // link, it is created where the link points, and the link is kept.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    plan.destination = path;
    plan.mode = 0666 & ~mask;
    struct stat link {};
    if (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
      std::string target(4096, '\0');
      const ssize_t length = ::readlink(path.c_str(), target.data(), target.size());
      if (length <= 0) throw OutputError(fmt::format("{}: cannot read link: {}", path, std::strerror(errno)));
      target.resize(static_cast<std::size_t>(length));
      plan.destination = target.front() == '/' ? target : folder_of(path) + "/" + target;
    }
    return plan;
  }
  if (S_ISDIR(st.st_mode)) throw OutputError(fmt::format("{}: is a directory", path));
  if (!S_ISREG(st.st_mode)) {
    plan.direct_path = path;  // a pipe, a terminal or a device
    return plan;
  }
  if (const int fd = standard_descriptor_of(st); fd >= 0) {
    plan.fd = fd;
    return plan;
  }
  // Through a symbolic link, replace the file it points at and keep the link.
  plan.destination = path;
  plan.mode = st.st_mode & 07777;
  struct stat link {};
  if (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    char* resolved = ::realpath(path.c_str(), nullptr);
    if (resolved == nullptr) throw OutputError(fmt::format("{}: cannot resolve link: {}", path, std::strerror(errno)));
    plan.destination = resolved;
    std::free(resolved);
  }
  return plan;
}

// Writes the text of a file to be replaced to a temporary file beside it,
// flushed to disk and with its final permissions; sets plan.temporary.
void stage(Plan& plan) {
  const std::string folder = folder_of(plan.destination);
  std::string temporary =
      folder + "/." + plan.destination.substr(plan.destination.find_last_of('/') + 1) + ".XXXXXX";
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) throw OutputError(fmt::format("{}: cannot create: {}", plan.name, std::strerror(errno)));
  std::string failure;
  try {
    write_all(fd, plan.text, plan.name);
  } catch (const OutputError& e) {
    failure = e.what();
  }
  if (failure.empty() && ::fsync(fd) != 0)
    failure = fmt::format("{}: cannot flush to disk: {}", plan.name, std::strerror(errno));
  if (failure.empty()) ::fchmod(fd, plan.mode);  // mkstemp made it 0600
  if (::close(fd) != 0 && failure.empty())
    failure = fmt::format("{}: cannot write: {}", plan.name, std::strerror(errno));
  if (!failure.empty()) {
    ::unlink(temporary.c_str());
    throw OutputError(failure);
  }
  plan.temporary = std::move(temporary);
}

// Renames a staged file over its destination and makes the rename durable.
void commit(Plan& plan) {
  if (::rename(plan.temporary.c_str(), plan.destination.c_str()) != 0)
    throw OutputError(fmt::format("{}: cannot replace: {}", plan.name, std::strerror(errno)));
  plan.temporary.clear();
  const int dir = ::open(folder_of(plan.destination).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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

void check_can_create(const std::string& path, const std::string& name) {
  if (path.empty() || path == "-") return;
  const auto fail = [&](int error) {
    throw OutputError(fmt::format("{}: cannot create: {}", name, std::strerror(error)));
  };
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) fail(EISDIR);
    if (!S_ISREG(st.st_mode) || standard_descriptor_of(st) >= 0) {  // written directly
      if (::access(path.c_str(), W_OK) != 0) fail(errno);
      return;
    }
  }
  // A new or regular file is replaced through a temporary file in its folder.
  const Plan plan = plan_output(path, {});
  const std::string folder = folder_of(plan.destination);
  struct stat dir {};
  if (::stat(folder.c_str(), &dir) != 0) fail(errno);
  if (!S_ISDIR(dir.st_mode)) fail(ENOTDIR);
  if (::access(folder.c_str(), W_OK | X_OK) != 0) fail(errno);
}

bool same_output_file(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty() || a == "-" || b == "-") return false;
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::equivalent(a, b, error)) return true;  // both exist: the same file (also through links)
  const auto normal = [](const std::string& path) {
    std::error_code e;
    fs::path p = fs::weakly_canonical(fs::absolute(path, e), e);
    if (e) p = fs::absolute(path, e);
    return p.lexically_normal();
  };
  return normal(a) == normal(b);
}

void write_output(const std::string& path, std::string_view text) { write_outputs({{path, text}}); }

void write_outputs(const std::vector<std::pair<std::string, std::string_view>>& outputs) {
  std::vector<Plan> plans;
  plans.reserve(outputs.size());
  try {
    for (const auto& [path, text] : outputs) plans.push_back(plan_output(path, text));
    for (Plan& plan : plans)
      if (!plan.destination.empty()) stage(plan);
    for (Plan& plan : plans)
      if (!plan.temporary.empty()) commit(plan);
  } catch (...) {
    for (const Plan& plan : plans)
      if (!plan.temporary.empty()) ::unlink(plan.temporary.c_str());
    throw;
  }
  // Streams last: they cannot be taken back, and nothing after them can fail the files.
  for (const Plan& plan : plans) {
    if (plan.fd >= 0)
      write_all(plan.fd, plan.text, plan.name);
    else if (!plan.direct_path.empty())
      write_directly(plan.direct_path, plan.text);
  }
}

}  // namespace lrfind
