#include "load/sample.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

#include "load/csv_cursor.hpp"
#include "train/sampling.hpp"

namespace lrfind::load {

std::deque<Block> sample_records(BlockReader& reader, Block& first, const std::string& source, char delim,
                                 std::size_t size, std::uint64_t seed, std::size_t block_bytes,
                                 std::size_t& records, const std::function<void()>& before_block) {
  struct Kept {
    std::size_t index;
    long line;
    std::string text;
  };
  std::vector<Kept> reservoir;
  reservoir.reserve(std::min<std::size_t>(size, 1 << 20));
  Rng rng(seed);
  records = 0;
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
      const std::string_view text = bytes.substr(begin, cursor.offset() - begin);
      const std::size_t index = records++;
      std::size_t slot = index;
      if (index >= size) {
        slot = static_cast<std::size_t>(rng.below(index + 1));
        if (slot >= size) continue;
      }
      if (slot == reservoir.size()) reservoir.push_back(Kept{});
      Kept& k = reservoir[slot];
      k.index = index;
      k.line = line;
      k.text.assign(text);
      if (k.text.empty() || k.text.back() != '\n') k.text.push_back('\n');
    }
  } while (reader.next(block));
  std::sort(reservoir.begin(), reservoir.end(), [](const Kept& a, const Kept& b) { return a.index < b.index; });
  std::deque<Block> blocks;
  for (Kept& k : reservoir) {
    if (blocks.empty() || blocks.back().bytes.size() >= block_bytes) blocks.emplace_back();
    blocks.back().bytes += k.text;
    blocks.back().lines.push_back(k.line);
    std::string().swap(k.text);
  }
  return blocks;
}

}  // namespace lrfind::load
