// Cutting an input into blocks of whole records, the loader's unit of work:
// each block can be parsed on its own, on any thread, and names the lines of
// its records. Blocks are text in UTF-8: single-byte text is decoded as it is
// read (io::TextDecoder), and bytes that must be UTF-8 are checked.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "io/byte_stream.hpp"
#include "io/encoding.hpp"
#include "lrfind/error.hpp"

namespace lrfind::load {

// Line feeds in bytes; a plain loop that compilers vectorise (std::count does not).
std::size_t count_newlines(std::string_view b);

// The same, and whether every byte is ASCII, in the same pass.
std::size_t count_newlines(std::string_view b, bool& ascii);

// Where, in bytes that begin at the start of a record, the last record ends
// (just past its line feed); 0 when no record ends in them. A quote opens a
// quoted field only at the start of a field, as the parser reads it.
std::size_t last_record_end(std::string_view b, char delim, bool& open_quote);

// A run of whole records cut from the input, and where its lines are.
struct Block {
  std::string bytes;
  std::size_t start = 0;     // where the records begin (after the header in the first block)
  long first_line = 1;       // physical line of bytes[start]
  long line0 = 1;            // physical line of bytes[0]
  std::size_t newlines = 0;  // line feeds in bytes
  std::size_t nul = std::string::npos;  // where the first NUL byte is, if any
  bool check_utf8 = false;   // holds bytes to check as UTF-8, not yet checked (locate_invalid_utf8)
  std::size_t invalid_utf8 = std::string::npos;  // where the first byte that is not UTF-8 is, if any
  long utf8_line = 0;        // the line that showed the input to be UTF-8 (0: --encoding utf-8)
  std::vector<long> lines;   // sampled records: each record's own line

  // Where the first byte is that no text holds: a NUL, or a byte that is not UTF-8.
  std::size_t first_bad_byte() const { return std::min(nul, invalid_utf8); }
};

// Checks the block's bytes as UTF-8 when it holds some to check, once (on
// the thread that parses it), setting invalid_utf8.
void locate_invalid_utf8(Block& block);

inline constexpr std::string_view kCsvText = "a CSV text file";

// The error for the block's first bad byte (first_bad_byte() must not be npos);
// `text` names the text expected, as for io::nul_error (only CSV takes --encoding).
DataError bad_byte_error(const Block& block, const std::string& source, std::string_view text = kCsvText);

// How records end: CSV records at a line feed outside quotes, or (svmlight)
// every line feed, whatever quotes a line holds.
enum class RecordEnds { kCsv, kLines };

// Reads the input a block at a time (block_bytes, or more for a record that
// is longer), carrying a cut record over to the next block, and decodes each
// block's text in `encoding` (detected when kDetect).
class BlockReader {
 public:
  BlockReader(io::ByteStream& in, const std::string& source, char delim, std::size_t block_bytes,
              io::Encoding encoding = io::Encoding::kDetect, RecordEnds ends = RecordEnds::kCsv)
      : in_(in), source_(source), delim_(delim), block_(std::max<std::size_t>(block_bytes, 64)), decoder_(encoding),
        lines_(ends == RecordEnds::kLines) {}

  // Fills `out` with the next run of whole records (the last one may lack its
  // line feed at the end of the input). False when the input is used up.
  bool next(Block& out);

  long line() const { return line_; }
  // The encoding the text was read in, so far.
  const io::TextDecoder& decoder() const { return decoder_; }

 private:
  io::ByteStream& in_;
  const std::string& source_;
  char delim_;
  std::size_t block_;
  std::string carry_;
  bool eof_ = false;
  bool first_block_ = true;
  long line_ = 1;
  io::TextDecoder decoder_;
  bool lines_;
};

// The records of `width` fields a block can hold: at most one per line feed
// after its start, plus an unterminated last one, and at most one per `width`
// bytes (width - 1 delimiters and a line feed; the last may lack its line
// feed), so that blank lines or line feeds inside quoted fields do not inflate
// it. A record with another number of fields is an error, reported when it is
// parsed (parse_block reads records past the bound into a scratch row).
std::size_t row_bound(const Block& block, std::size_t width);

}  // namespace lrfind::load
