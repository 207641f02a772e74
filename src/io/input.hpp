// Opening an input, the one way every reader does it: a file, standard input
// ("-") or bytes in memory, whose first bytes tell gzip data (decompressed
// whatever the file's name) and, for text, classic Mac line ends.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "io/byte_stream.hpp"
#include "io/sniff.hpp"

namespace lrfind::io {

enum class LineEnds {
  kAsWritten,  // bytes as they are
  kMacAware,   // text whose first bytes end lines with CR alone reads CR as LF
};

class Input {
 public:
  Input(Input&&) noexcept = default;
  Input& operator=(Input&&) noexcept = default;
  ~Input();

  const std::string& name() const { return name_; }  // "<stdin>" for standard input
  // Bytes of a regular file or in memory; 0 when unknown (standard input, a pipe).
  std::size_t size() const { return size_; }
  // How far through a regular file reading is, in [0, 1]; 0 when not a file of known size.
  double fraction_read() const;

  // Starts reading (once): reads the first kHeadBytes to look at them. Throws
  // DataError for damaged gzip data, InputError when the input cannot be read.
  ByteStream& text(LineEnds line_ends);
  bool gzip() const { return gzip_; }
  // The first kHeadBytes of the text, decompressed, before any line-end change.
  std::string_view head() const { return head_; }

 private:
  friend Input open_input(const std::string& path);
  friend Input input_from_bytes(std::string_view bytes, std::string name);
  Input() = default;

  std::string name_;
  std::size_t size_ = 0;
  std::unique_ptr<FdStream> file_;
  std::unique_ptr<MemoryStream> memory_;
  ByteStream* raw_ = nullptr;
  std::string head_;
  bool gzip_ = false;
  std::unique_ptr<PrefixedStream> raw_head_;
  std::unique_ptr<GzipStream> gunzip_;
  std::unique_ptr<PrefixedStream> decoded_head_;
  std::unique_ptr<CrStream> cr_;
  ByteStream* text_ = nullptr;
};

// Opens `path`, or standard input for "-"; nothing is read yet. Throws
// InputError when the file cannot be opened or is a directory.
Input open_input(const std::string& path);

// Bytes in memory (which must outlive the Input); `name` names them in errors.
Input input_from_bytes(std::string_view bytes, std::string name);

// The whole of a small file (or standard input for "-"), decompressed when it
// is gzip data, bytes otherwise as they are. Throws InputError, or DataError
// for damaged gzip data.
std::string read_text(const std::string& path);

}  // namespace lrfind::io
