// Text encodings: UTF-8 checked, Latin-1 and cp1252 decoded to UTF-8, and
// the choice between them when none is given. The reader hands over runs of
// whole lines (its blocks), so no character is ever cut in two: it decides
// and decodes as the input streams, and the runs it says must be UTF-8 are
// checked on the threads that parse them.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "lrfind/error.hpp"

namespace lrfind::io {

enum class Encoding {
  kDetect,  // UTF-8, unless the first line holding a non-ASCII byte is not UTF-8: then cp1252
  kUtf8,
  kLatin1,  // ISO-8859-1: byte b is U+00b
  kCp1252,  // Windows-1252 (WHATWG's table: its five unassigned bytes are U+0081, U+008D, U+008F, U+0090, U+009D)
};

// The names --encoding accepts, as the help and completions list them.
inline constexpr std::array<std::string_view, 3> kEncodingNames = {"utf-8", "latin1", "cp1252"};

// The encoding a name means (one of kEncodingNames, or utf8, latin-1,
// iso-8859-1, windows-1252, in any case); "" is kDetect; nullopt for others.
std::optional<Encoding> encoding_named(std::string_view name);

// "utf-8", "latin1" or "cp1252" ("detect" for kDetect).
std::string_view encoding_name(Encoding encoding);

// Where the first byte is that does not begin a well-formed UTF-8 sequence
// (RFC 3629: no overlong forms, surrogates or code points past U+10FFFF; a
// sequence cut by the end of `text` is malformed), or npos.
std::size_t first_invalid_utf8(std::string_view text);

// Appends `text` (bytes in a single-byte encoding, Latin-1 or cp1252) to
// `out` as UTF-8.
void append_decoded(std::string_view text, Encoding encoding, std::string& out);

// The error for the byte at bytes[at], which does not begin UTF-8: its line
// (`line` is the line of bytes[0]) and character column, and what to try.
// `utf8_line` is the line whose text showed the input to be UTF-8, 0 when
// --encoding utf-8 said so.
// `encoding_option`: the input takes --encoding (CSV), so the message suggests it.
DataError utf8_error(std::string_view bytes, std::size_t at, long line, const std::string& source, long utf8_line,
                     bool encoding_option = true);

// The encoding of one input, decided as it streams. Given runs of whole
// lines in order, it decodes single-byte text to UTF-8 in place and says
// which runs still hold bytes to check as UTF-8. With kDetect the input is
// undecided while it is ASCII (the same text in every encoding offered); the
// first line holding another byte decides: UTF-8 if that line is well-formed
// UTF-8 (or the input starts with a UTF-8 byte-order mark), else cp1252 from
// the start, which is exact, since every byte before it was ASCII. The
// decision depends on the content alone, never on where runs are cut.
class TextDecoder {
 public:
  explicit TextDecoder(Encoding requested) : requested_(requested), current_(requested) {}

  // `lines`: the next run of whole lines, `line` the number of its first,
  // `ascii` whether every byte of it is below 0x80, `input_start` whether it
  // begins the input. Decodes it in place when the text is single-byte;
  // returns whether it must still be checked as UTF-8 (first_invalid_utf8).
  bool take(std::string& lines, long line, bool ascii, bool input_start);

  // kDetect while undecided.
  Encoding encoding() const { return current_; }
  // Whether detection chose a single-byte encoding: the caller says so.
  bool detected_single_byte() const { return requested_ == Encoding::kDetect && single_byte(); }
  // The line that decided (0 when the encoding was given, or nothing is decided yet).
  long decided_line() const { return decided_line_; }

 private:
  bool single_byte() const { return current_ == Encoding::kLatin1 || current_ == Encoding::kCp1252; }
  void decode(std::string& lines, bool input_start);
  void decide(const std::string& lines, long line, bool input_start);

  Encoding requested_;
  Encoding current_;
  long decided_line_ = 0;
  std::string scratch_;
};

}  // namespace lrfind::io
