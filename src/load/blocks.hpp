// Cutting an input into blocks of whole records, the loader's unit of work:
// each block can be parsed on its own, on any thread, and names the lines of
// its records.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "io/byte_stream.hpp"

namespace lrfind::load {

// Line feeds in bytes; a plain loop that compilers vectorise (std::count does not).
std::size_t count_newlines(std::string_view b);

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
  std::vector<long> lines;   // sampled records: each record's own line
};

// Reads the input a block at a time (block_bytes, or more for a record that
// is longer), carrying a cut record over to the next block.
class BlockReader {
 public:
  BlockReader(io::ByteStream& in, const std::string& source, char delim, std::size_t block_bytes)
      : in_(in), source_(source), delim_(delim), block_(std::max<std::size_t>(block_bytes, 64)) {}

  // Fills `out` with the next run of whole records (the last one may lack its
  // line feed at the end of the input). False when the input is used up.
  bool next(Block& out);

  long line() const { return line_; }

 private:
  io::ByteStream& in_;
  const std::string& source_;
  char delim_;
  std::size_t block_;
  std::string carry_;
  bool eof_ = false;
  long line_ = 1;
};

// The records of `width` fields a block can hold: at most one per line feed
// after its start, plus an unterminated last one, and at most one per `width`
// bytes (width - 1 delimiters and a line feed; the last may lack its line
// feed), so that blank lines or line feeds inside quoted fields do not inflate
// it. A record with another number of fields is an error, reported when it is
// parsed (parse_block reads records past the bound into a scratch row).
std::size_t row_bound(const Block& block, std::size_t width);

}  // namespace lrfind::load
