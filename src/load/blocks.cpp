#include "load/blocks.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>

#include "io/sniff.hpp"
#include "load/limits.hpp"
#include "lrfind/error.hpp"

namespace lrfind::load {

// A plain loop, which compilers vectorise (std::count is not).
std::size_t count_newlines(std::string_view b) {
  std::size_t n = 0;
  for (const char c : b) n += c == '\n';
  return n;
}

std::size_t count_newlines(std::string_view b, bool& ascii) {
  std::size_t n = 0;
  unsigned char high = 0;
  for (const char c : b) {
    n += c == '\n';
    high |= static_cast<unsigned char>(c);
  }
  ascii = high < 0x80;
  return n;
}

void locate_invalid_utf8(Block& block) {
  if (!block.check_utf8) return;
  block.invalid_utf8 = io::first_invalid_utf8(block.bytes);
  block.check_utf8 = false;
}

DataError bad_byte_error(const Block& block, const std::string& source, std::string_view text) {
  if (block.nul <= block.invalid_utf8) return io::nul_error(block.bytes, block.nul, block.line0, source, text);
  return io::utf8_error(block.bytes, block.invalid_utf8, block.line0, source, block.utf8_line,
                        text == kCsvText);
}

std::size_t last_record_end(std::string_view b, char delim, bool& open_quote) {
  if (std::memchr(b.data(), '"', b.size()) == nullptr) {
    open_quote = false;
    const void* nl = ::memrchr(b.data(), '\n', b.size());
    return nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - b.data()) + 1 : 0;
  }
  std::size_t last = 0;
  bool field_start = true;
  bool quoted = false;
  const std::size_t n = b.size();
  for (std::size_t i = 0; i < n; ++i) {
    const char c = b[i];
    if (quoted) {
      const void* q = std::memchr(b.data() + i, '"', n - i);
      if (q == nullptr) break;
      i = static_cast<std::size_t>(static_cast<const char*>(q) - b.data());
      if (i + 1 < n && b[i + 1] == '"') {
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"' && field_start) {
      quoted = true;
      field_start = false;
    } else if (c == delim) {
      field_start = true;
    } else if (c == '\n') {
      field_start = true;
      last = i + 1;
    } else {
      field_start = false;
    }
  }
  open_quote = quoted;
  return last;
}

bool BlockReader::next(Block& out) {
  std::string& buf = out.bytes;
  buf.swap(carry_);
  carry_.clear();
  out.start = 0;
  out.first_line = line_;
  out.line0 = line_;
  out.lines.clear();
  out.check_utf8 = false;
  out.invalid_utf8 = std::string::npos;
  std::size_t want = block_;
  for (;;) {
    while (!eof_ && buf.size() < want) {
      const std::size_t have = buf.size();
      buf.resize(want);
      const std::size_t got = in_.read(buf.data() + have, want - have);
      buf.resize(have + got);
      if (got == 0) eof_ = true;
    }
    bool open_quote = false;
    std::size_t cut = 0;
    if (lines_) {
      const void* nl = ::memrchr(buf.data(), '\n', buf.size());
      cut = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - buf.data()) + 1 : 0;
    } else {
      cut = last_record_end(buf, delim_, open_quote);
    }
    if (eof_) cut = buf.size();
    if (cut > 0 || buf.empty()) {
      carry_.assign(buf, cut);
      buf.resize(cut);
      bool ascii = true;
      out.newlines = count_newlines(buf, ascii);
      out.check_utf8 = decoder_.take(buf, line_, ascii, first_block_);
      first_block_ = false;
      out.utf8_line = decoder_.decided_line();
      const void* nul = std::memchr(buf.data(), '\0', buf.size());
      out.nul = nul ? static_cast<std::size_t>(static_cast<const char*>(nul) - buf.data()) : std::string::npos;
      line_ += static_cast<long>(out.newlines);
      return !buf.empty();
    }
    if (buf.size() >= kMaxRecordBytes) {
      if (open_quote)
        throw DataError(source_, line_,
                        fmt::format("a quoted field runs on for more than {} MiB: a '\"' on or after this line is "
                                    "never closed",
                                    kMaxRecordBytes >> 20));
      throw DataError(source_, line_, fmt::format("a row longer than the limit of {} MiB", kMaxRecordBytes >> 20));
    }
    want = buf.size() * 2;  // a record longer than a block: read on
  }
}

std::size_t row_bound(const Block& block, std::size_t width) {
  if (!block.lines.empty()) return block.lines.size();
  const std::string_view rest = std::string_view(block.bytes).substr(block.start);
  if (rest.empty()) return 0;
  const std::size_t newlines = block.start == 0 ? block.newlines : count_newlines(rest);
  return std::min(newlines + (rest.back() == '\n' ? 0 : 1), (rest.size() + 1) / std::max<std::size_t>(width, 1));
}

}  // namespace lrfind::load
