// Byte streams: a file or standard input read in large chunks, bytes in
// memory, and views over another stream (bytes already read put back, gzip
// decompression, classic Mac line ends). Nothing is held whole.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <zlib.h>

namespace lrfind::io {

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Reads up to n bytes; 0 only at the end of the data.
  virtual std::size_t read(char* out, std::size_t n) = 0;
};

// Reads up to n bytes, fewer only at the end of the data.
std::size_t read_fully(ByteStream& in, char* out, std::size_t n);

// A file descriptor; `name` names it in errors (InputError on a read error).
class FdStream final : public ByteStream {
 public:
  FdStream(int fd, std::string name, bool owned) : fd_(fd), name_(std::move(name)), owned_(owned) {}
  FdStream(const FdStream&) = delete;
  FdStream& operator=(const FdStream&) = delete;
  ~FdStream() override;
  std::size_t read(char* out, std::size_t n) override;
  std::size_t consumed() const { return consumed_; }  // bytes read so far

 private:
  int fd_;
  std::string name_;
  bool owned_;
  std::size_t consumed_ = 0;
};

class MemoryStream final : public ByteStream {
 public:
  explicit MemoryStream(std::string_view bytes) : rest_(bytes) {}
  std::size_t read(char* out, std::size_t n) override;

 private:
  std::string_view rest_;
};

// Bytes already read (to look at the magic number) followed by the rest.
class PrefixedStream final : public ByteStream {
 public:
  PrefixedStream(std::string prefix, ByteStream& rest) : prefix_(std::move(prefix)), rest_(rest) {}
  std::size_t read(char* out, std::size_t n) override;

 private:
  std::string prefix_;
  std::size_t used_ = 0;
  ByteStream& rest_;
};

// gzip (concatenated members included, as `cat a.gz b.gz` makes) through
// zlib, Debian's zlib1g. Damaged or truncated data is a DataError naming
// `source`.
class GzipStream final : public ByteStream {
 public:
  GzipStream(ByteStream& in, std::string source);
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;
  ~GzipStream() override;
  std::size_t read(char* out, std::size_t n) override;

 private:
  [[noreturn]] void damaged() const;

  ByteStream& in_;
  std::string source_;
  std::vector<char> buffer_;
  z_stream z_{};
  bool member_ended_ = false;
  bool finished_ = false;
};

// Classic Mac line ends: a file whose lines end with CR alone reads as if
// they were LF.
class CrStream final : public ByteStream {
 public:
  explicit CrStream(ByteStream& in) : in_(in) {}
  std::size_t read(char* out, std::size_t n) override;

 private:
  ByteStream& in_;
};

}  // namespace lrfind::io
