#include "load/sample.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>
#include <vector>

#include "load/csv_cursor.hpp"
#include "train/sampling.hpp"

namespace lrfind::load {

namespace {

// Algorithm R: record i (0-based) replaces a kept one with probability
// size / (i + 1), so every record is kept with the same probability. The
// draws depend only on the seed and the record count, whatever the format.
class Reservoir {
 public:
  Reservoir(std::size_t size, std::uint64_t seed) : size_(size), rng_(seed) {
    kept_.reserve(std::min<std::size_t>(size, 1 << 20));
  }

  void offer(long line, std::string_view text) {
    const std::size_t index = records_++;
    std::size_t slot = index;
    if (index >= size_) {
      slot = static_cast<std::size_t>(rng_.below(index + 1));
      if (slot >= size_) return;
    }
    if (slot == kept_.size()) kept_.push_back(Kept{});
    Kept& k = kept_[slot];
    k.index = index;
    k.line = line;
    k.text.assign(text);
    if (k.text.empty() || k.text.back() != '\n') k.text.push_back('\n');
  }

  std::size_t records() const { return records_; }

  // The kept records in file order, as blocks of about block_bytes.
  std::deque<Block> blocks(std::size_t block_bytes) {
    std::sort(kept_.begin(), kept_.end(), [](const Kept& a, const Kept& b) { return a.index < b.index; });
    std::deque<Block> blocks;
    for (Kept& k : kept_) {
      if (blocks.empty() || blocks.back().bytes.size() >= block_bytes) blocks.emplace_back();
      blocks.back().bytes += k.text;
      blocks.back().lines.push_back(k.line);
      std::string().swap(k.text);
    }
    return blocks;
  }

 private:
  struct Kept {
    std::size_t index;
    long line;
    std::string text;
  };
  std::size_t size_;
  Rng rng_;
  std::size_t records_ = 0;
  std::vector<Kept> kept_;
};

}  // namespace

std::deque<Block> sample_records(BlockReader& reader, Block& first, const std::string& source, char delim,
                                 std::size_t size, std::uint64_t seed, std::size_t block_bytes, std::size_t& records,
                                 const std::function<void()>& before_block) {
  Reservoir reservoir(size, seed);
  Block block = std::move(first);
  do {
    before_block();
    locate_invalid_utf8(block);
    const std::string_view bytes = std::string_view(block.bytes).substr(block.start);
    detail::CsvCursor cursor(bytes, source, delim, block.first_line);
    while (cursor.skip_blank_lines()) {
      const long line = cursor.line();
      const std::size_t begin = cursor.offset();
      bool record_end = false;
      while (!record_end) cursor.field(record_end);
      if (block.start + cursor.offset() > block.first_bad_byte()) throw bad_byte_error(block, source);
      reservoir.offer(line, bytes.substr(begin, cursor.offset() - begin));
    }
  } while (reader.next(block));
  records = reservoir.records();
  return reservoir.blocks(block_bytes);
}

std::deque<Block> sample_lines(BlockReader& reader, Block& first, const std::string& source,
                               const std::function<bool(std::string_view)>& is_record, std::size_t size,
                               std::uint64_t seed, std::size_t block_bytes, std::size_t& records,
                               const std::function<void()>& before_block) {
  Reservoir reservoir(size, seed);
  Block block = std::move(first);
  do {
    before_block();
    locate_invalid_utf8(block);
    const std::string_view bytes = std::string_view(block.bytes).substr(block.start);
    long line = block.first_line;
    for (std::size_t begin = 0; begin < bytes.size(); ++line) {
      const void* nl = std::memchr(bytes.data() + begin, '\n', bytes.size() - begin);
      const std::size_t end =
          nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - bytes.data()) + 1 : bytes.size();
      if (block.start + end > block.first_bad_byte()) throw bad_byte_error(block, source, "an svmlight text file");
      const std::string_view text = bytes.substr(begin, end - begin);
      if (is_record(text.substr(0, text.size() - (text.back() == '\n')))) reservoir.offer(line, text);
      begin = end;
    }
  } while (reader.next(block));
  records = reservoir.records();
  return reservoir.blocks(block_bytes);
}

}  // namespace lrfind::load
