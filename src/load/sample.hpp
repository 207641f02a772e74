// --sample: a uniform random sample of an input's records, read in one pass
// with memory for the sample alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>

#include "load/blocks.hpp"

namespace lrfind::load {

// Keeps a uniform random sample of `size` records (Algorithm R with the seed)
// from `first` (the block after the header) and every block after it, each
// with its own line, and returns them in file order as blocks of about
// `block_bytes`. `records` is set to the number of records read.
// `before_block` is called before each block is read through (it may throw to
// stop the load).
std::deque<Block> sample_records(BlockReader& reader, Block& first, const std::string& source, char delim,
                                 std::size_t size, std::uint64_t seed, std::size_t block_bytes,
                                 std::size_t& records, const std::function<void()>& before_block);

// The same for input whose records are single lines (svmlight): a line is a
// record when `is_record` says so of it (without its line end); others, such
// as blank lines and comments, are skipped and not counted.
std::deque<Block> sample_lines(BlockReader& reader, Block& first, const std::string& source,
                               const std::function<bool(std::string_view)>& is_record, std::size_t size,
                               std::uint64_t seed, std::size_t block_bytes, std::size_t& records,
                               const std::function<void()>& before_block);

}  // namespace lrfind::load
