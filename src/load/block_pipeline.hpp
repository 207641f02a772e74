// Blocks read in turn and parsed on many threads, each into its own result:
// the worker holding the reader reads the next block (reading is
// sequential), lets the reader go, and parses it. After the first block known
// to hold an error no block is read, and the error reported is the first in
// file order, whatever the threads met first; so the outcome never depends
// on the thread count. (The CSV loader's pipeline also places each block's
// rows in one shared staging matrix, and keeps its own.)
#pragma once

#include <atomic>
#include <deque>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <utility>

#include "common/parallel.hpp"
#include "load/blocks.hpp"

namespace lrfind::load {

// `before_block` runs (with the reader held) before each block is handed out
// and may throw to stop; `parse(block, out)` fills a block's result.
template <typename Out>
std::deque<Out> parse_blocks(BlockReader& reader, std::optional<Block> first, unsigned threads,
                             const std::function<void()>& before_block,
                             const std::function<void(Block&, Out&)>& parse) {
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  std::deque<Out> results;  // growing at the back moves no element
  std::deque<std::exception_ptr> errors;
  std::exception_ptr reader_error;
  std::mutex reading;
  bool finished = false;
  std::atomic<std::size_t> failed_at = kNone;
  const auto next = [&](Block& block, std::size_t& index, Out*& out) {
    const std::lock_guard lock(reading);
    if (finished) return false;
    try {
      if (first) {
        block = std::move(*first);
        first.reset();
      } else if (failed_at != kNone || !reader.next(block)) {
        finished = true;
        return false;
      }
      before_block();
    } catch (...) {
      reader_error = std::current_exception();
      finished = true;
      return false;
    }
    index = results.size();
    out = &results.emplace_back();
    errors.emplace_back();
    return true;
  };
  parallel_for(threads, threads, [&](std::size_t) {
    Block block;
    std::size_t index = 0;
    Out* out = nullptr;
    while (next(block, index, out)) {
      if (index > failed_at) continue;
      try {
        locate_invalid_utf8(block);
        parse(block, *out);
      } catch (...) {
        const std::lock_guard lock(reading);
        errors[index] = std::current_exception();
        std::size_t seen = failed_at.load();
        while (index < seen && !failed_at.compare_exchange_weak(seen, index)) {
        }
      }
    }
  });
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
  if (reader_error) std::rethrow_exception(reader_error);
  return results;
}

}  // namespace lrfind::load
