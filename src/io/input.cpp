#include "io/input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>

#include "io/sniff.hpp"
#include "lrfind/error.hpp"

namespace lrfind::io {

Input::~Input() = default;

Input open_input(const std::string& path) {
  Input input;
  if (path == "-") {
    input.name_ = "<stdin>";
    input.file_ = std::make_unique<FdStream>(STDIN_FILENO, input.name_, false);
  } else {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
    input.name_ = path;
    input.file_ = std::make_unique<FdStream>(fd, path, true);
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
      throw InputError(fmt::format("{}: is a directory, not a CSV file", path));
    if (S_ISREG(st.st_mode) && st.st_size > 0) input.size_ = static_cast<std::size_t>(st.st_size);
  }
  input.raw_ = input.file_.get();
  return input;
}

Input input_from_bytes(std::string_view bytes, std::string name) {
  Input input;
  input.name_ = std::move(name);
  input.size_ = bytes.size();
  input.memory_ = std::make_unique<MemoryStream>(bytes);
  input.raw_ = input.memory_.get();
  return input;
}

double Input::fraction_read() const {
  if (!file_ || size_ == 0) return 0.0;
  return std::min(1.0, static_cast<double>(file_->consumed()) / static_cast<double>(size_));
}

ByteStream& Input::text(LineEnds line_ends) {
  if (text_) return *text_;
  head_.resize(kHeadBytes);
  head_.resize(read_fully(*raw_, head_.data(), head_.size()));
  gzip_ = is_gzip(head_);
  raw_head_ = std::make_unique<PrefixedStream>(head_, *raw_);
  text_ = raw_head_.get();
  if (gzip_) {
    gunzip_ = std::make_unique<GzipStream>(*raw_head_, name_);
    head_.resize(kHeadBytes);
    head_.resize(read_fully(*gunzip_, head_.data(), head_.size()));
    decoded_head_ = std::make_unique<PrefixedStream>(head_, *gunzip_);
    text_ = decoded_head_.get();
  }
  if (line_ends == LineEnds::kMacAware && has_mac_line_ends(head_)) {
    cr_ = std::make_unique<CrStream>(*text_);
    text_ = cr_.get();
  }
  return *text_;
}

std::string read_text(const std::string& path) {
  Input input = open_input(path);
  ByteStream& in = input.text(LineEnds::kAsWritten);
  std::string text;
  text.reserve(input.size());
  char buffer[1 << 16];
  for (std::size_t got; (got = in.read(buffer, sizeof buffer)) > 0;) text.append(buffer, got);
  return text;
}

}  // namespace lrfind::io
