#include "io/byte_stream.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>

#include "lrfind/error.hpp"

namespace lrfind::io {

std::size_t read_fully(ByteStream& in, char* out, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    const std::size_t k = in.read(out + got, n - got);
    if (k == 0) break;
    got += k;
  }
  return got;
}

FdStream::~FdStream() {
  if (owned_) ::close(fd_);
}

std::size_t FdStream::read(char* out, std::size_t n) {
  for (;;) {
    const ssize_t got = ::read(fd_, out, n);
    if (got >= 0) {
      consumed_ += static_cast<std::size_t>(got);
      return static_cast<std::size_t>(got);
    }
    if (errno == EINTR) continue;
    throw InputError(fmt::format("{}: cannot read: {}", name_, std::strerror(errno)));
  }
}

std::size_t MemoryStream::read(char* out, std::size_t n) {
  const std::size_t k = std::min(n, rest_.size());
  std::memcpy(out, rest_.data(), k);
  rest_.remove_prefix(k);
  return k;
}

std::size_t PrefixedStream::read(char* out, std::size_t n) {
  if (used_ < prefix_.size()) {
    const std::size_t k = std::min(n, prefix_.size() - used_);
    std::memcpy(out, prefix_.data() + used_, k);
    used_ += k;
    return k;
  }
  return rest_.read(out, n);
}

GzipStream::GzipStream(ByteStream& in, std::string source)
    : in_(in), source_(std::move(source)), buffer_(1 << 16) {
  if (inflateInit2(&z_, 15 + 32) != Z_OK) throw InputError(fmt::format("{}: cannot start gzip decoding", source_));
}

GzipStream::~GzipStream() { inflateEnd(&z_); }

std::size_t GzipStream::read(char* out, std::size_t n) {
  z_.next_out = reinterpret_cast<Bytef*>(out);
  z_.avail_out = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
  const uInt wanted = z_.avail_out;
  while (z_.avail_out == wanted && !finished_) {
    if (z_.avail_in == 0) {
      const std::size_t got = in_.read(buffer_.data(), buffer_.size());
      if (got == 0) {
        if (!member_ended_) damaged();
        finished_ = true;
        break;
      }
      z_.next_in = reinterpret_cast<Bytef*>(buffer_.data());
      z_.avail_in = static_cast<uInt>(got);
    }
    if (member_ended_) {  // another member follows
      inflateReset(&z_);
      member_ended_ = false;
    }
    const int status = inflate(&z_, Z_NO_FLUSH);
    if (status == Z_STREAM_END) {
      member_ended_ = true;
    } else if (status != Z_OK && status != Z_BUF_ERROR) {
      damaged();
    }
  }
  return wanted - z_.avail_out;
}

void GzipStream::damaged() const { throw DataError(source_, 0, "damaged or truncated gzip data"); }

std::size_t CrStream::read(char* out, std::size_t n) {
  const std::size_t got = in_.read(out, n);
  std::replace(out, out + got, '\r', '\n');
  return got;
}

}  // namespace lrfind::io
