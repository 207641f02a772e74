#include "io/encoding.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>

namespace lrfind::io {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// cp1252's 0x80-0x9F (the WHATWG Encoding Standard's index-windows-1252,
// which browsers use); from 0xA0 it is Latin-1. The five bytes Windows leaves
// unassigned keep their Latin-1 code points (C1 controls), so that decoding
// loses nothing and two different texts never become one.
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

// Each byte from 0x80 as UTF-8 (two or three bytes), per single-byte encoding.
struct Utf8Of {
  char bytes[3];
  unsigned char size;
};
using DecodeTable = std::array<Utf8Of, 128>;

constexpr DecodeTable decode_table(bool cp1252) {
  DecodeTable table{};
  for (unsigned b = 0x80; b <= 0xFF; ++b) {
    const char32_t cp = cp1252 && b < 0xA0 ? kCp1252High[b - 0x80] : b;
    Utf8Of& u = table[b - 0x80];
    if (cp < 0x800) {
      u.bytes[0] = static_cast<char>(0xC0 | (cp >> 6));
      u.bytes[1] = static_cast<char>(0x80 | (cp & 0x3F));
      u.size = 2;
    } else {
      u.bytes[0] = static_cast<char>(0xE0 | (cp >> 12));
      u.bytes[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      u.bytes[2] = static_cast<char>(0x80 | (cp & 0x3F));
      u.size = 3;
    }
  }
  return table;
}

constexpr DecodeTable kLatin1Table = decode_table(false);
constexpr DecodeTable kCp1252Table = decode_table(true);

// Where the first byte from `from` at or above 0x80 is, or text.size(); eight
// bytes at a time over ASCII.
std::size_t next_non_ascii(std::string_view text, std::size_t from) {
  std::size_t i = from;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    if ((word & 0x8080808080808080ull) != 0) break;
  }
  while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) ++i;
  return i;
}

bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

std::optional<Encoding> encoding_named(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  if (lower.empty()) return Encoding::kDetect;
  if (lower == "utf-8" || lower == "utf8") return Encoding::kUtf8;
  if (lower == "latin1" || lower == "latin-1" || lower == "iso-8859-1") return Encoding::kLatin1;
  if (lower == "cp1252" || lower == "windows-1252") return Encoding::kCp1252;
  return std::nullopt;
}

std::string_view encoding_name(Encoding encoding) {
  switch (encoding) {
    case Encoding::kUtf8: return "utf-8";
    case Encoding::kLatin1: return "latin1";
    case Encoding::kCp1252: return "cp1252";
    case Encoding::kDetect: break;
  }
  return "detect";
}

std::size_t first_invalid_utf8(std::string_view text) {
  const std::size_t n = text.size();
  const auto at = [&](std::size_t i) -> unsigned char { return i < n ? static_cast<unsigned char>(text[i]) : 0; };
  for (std::size_t i = next_non_ascii(text, 0); i < n; i = next_non_ascii(text, i)) {
    const unsigned char c = at(i);
    // The second byte's range is narrower after E0, ED, F0 and F4 (no
    // overlong forms, no surrogates, nothing past U+10FFFF).
    std::size_t size = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      size = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      size = 3;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      size = 4;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else {
      return i;  // a continuation byte with no lead, C0, C1 or F5-FF
    }
    if (at(i + 1) < low || at(i + 1) > high) return i;
    for (std::size_t k = 2; k < size; ++k)
      if (!continuation(static_cast<unsigned char>(at(i + k)))) return i;
    i += size;
  }
  return std::string_view::npos;
}

void append_decoded(std::string_view text, Encoding encoding, std::string& out) {
  const DecodeTable& table = encoding == Encoding::kCp1252 ? kCp1252Table : kLatin1Table;
  out.reserve(out.size() + text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t ascii_end = next_non_ascii(text, i);
    out.append(text, i, ascii_end - i);
    for (i = ascii_end; i < text.size() && static_cast<unsigned char>(text[i]) >= 0x80; ++i) {
      const Utf8Of& u = table[static_cast<unsigned char>(text[i]) - 0x80];
      out.append(u.bytes, u.size);
    }
  }
}

DataError utf8_error(std::string_view bytes, std::size_t at, long line, const std::string& source, long utf8_line,
                     bool encoding_option) {
  const std::string_view before = bytes.substr(0, at);
  line += static_cast<long>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t line_start = before.rfind('\n') == std::string_view::npos ? 0 : before.rfind('\n') + 1;
  long column = 1;
  for (std::size_t i = line_start; i < at; ++i) column += !continuation(static_cast<unsigned char>(bytes[i]));
  const std::string why = utf8_line > 0 ? fmt::format(", though line {} is UTF-8 (mixed encodings?)", utf8_line)
                                        : std::string(encoding_option ? " (--encoding utf-8)" : "");
  const std::string_view fix = encoding_option
                                   ? "a file in cp1252 or Latin-1 throughout reads with --encoding cp1252 or latin1"
                                   : "save the file as UTF-8 throughout (svmlight input has no --encoding)";
  return DataError(source, line, column,
                   fmt::format("not UTF-8 text: byte 0x{:02X}{}; {}", static_cast<unsigned char>(bytes[at]), why, fix));
}

bool TextDecoder::take(std::string& lines, long line, bool ascii, bool input_start) {
  if (ascii) return false;
  if (current_ == Encoding::kDetect) decide(lines, line, input_start);
  if (current_ == Encoding::kUtf8) return true;
  decode(lines, input_start);
  return false;
}

void TextDecoder::decide(const std::string& lines, long line, bool input_start) {
  const std::string_view text(lines);
  if (input_start && text.substr(0, kUtf8Bom.size()) == kUtf8Bom) {
    current_ = Encoding::kUtf8;
    decided_line_ = line;
    return;
  }
  const std::size_t first = next_non_ascii(text, 0);
  if (first == text.size()) return;
  const std::size_t newline_before = text.rfind('\n', first);
  const std::size_t start = newline_before == std::string_view::npos ? 0 : newline_before + 1;
  const std::size_t end = std::min(text.find('\n', first), text.size());
  const bool utf8 = first_invalid_utf8(text.substr(start, end - start)) == std::string_view::npos;
  current_ = utf8 ? Encoding::kUtf8 : Encoding::kCp1252;
  decided_line_ = line + static_cast<long>(std::count(text.begin(), text.begin() + static_cast<long>(start), '\n'));
}

void TextDecoder::decode(std::string& lines, bool input_start) {
  // A byte-order mark says UTF-8 whatever was asked: it is left for the
  // reader to skip rather than read as "ï»¿".
  const std::size_t keep =
      input_start && std::string_view(lines).substr(0, kUtf8Bom.size()) == kUtf8Bom ? kUtf8Bom.size() : 0;
  scratch_.assign(lines, 0, keep);
  append_decoded(std::string_view(lines).substr(keep), current_, scratch_);
  lines.swap(scratch_);
}

}  // namespace lrfind::io
