#include "load/loader.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include "common/interrupt.hpp"
#include "io/input.hpp"
#include "io/sniff.hpp"
#include "load/assemble.hpp"
#include "load/blocks.hpp"
#include "load/layout.hpp"
#include "load/parse_block.hpp"
#include "load/sample.hpp"
#include "lrfind/error.hpp"

namespace lrfind {

namespace load {
namespace {

// Stop requests (interrupt.hpp) are polled once per block.
constexpr std::string_view kWhileReading = "while reading the input, before any result";

template <typename Scalar>
Dataset load_stream(io::Input& input, const LoadOptions& options) {
  const std::string& source = input.name();
  const auto report = [&] {
    if (options.progress) options.progress(input.fraction_read(), "reading");
  };
  if (options.delimiter == '"' || options.delimiter == '\n' || options.delimiter == '\r' || options.delimiter == '\0')
    throw UsageError("the delimiter cannot be a quote, a line break or NUL");
  // Binary data is named at once by its first 4 KiB (decoded): a known format,
  // or a NUL byte. Later NUL bytes are reported in file order with other errors.
  io::ByteStream& in = input.text(io::LineEnds::kMacAware);
  io::reject_binary(input.head(), source);
  if (const std::size_t nul = input.head().find('\0'); nul != std::string_view::npos)
    throw io::nul_error(input.head(), nul, 1, source);

  const std::size_t block_bytes = std::max<std::size_t>(options.block_bytes, 64);
  BlockReader reader(in, source, options.delimiter, block_bytes);
  Block first;
  const Header header = read_header(reader, first, source, options.delimiter);
  const Layout layout = make_layout(header, source, options);

  std::deque<Parsed<Scalar>> parsed;
  std::size_t sampled_from = 0;
  std::optional<Staging<Scalar>> staging;
  // The next block's rows in the staging; grows it first when they do not fit
  // (only while no block is being parsed).
  const auto place = [&](const Block& block) -> Parsed<Scalar>& {
    Parsed<Scalar>& p = parsed.emplace_back();
    p.bound = row_bound(block, layout.width);
    if (!staging->fits(p.bound)) staging->grow(p.bound);
    p.first_row = staging->take(p.bound);
    return p;
  };
  if (options.sample) {
    std::deque<Block> blocks =
        sample_records(reader, first, source, options.delimiter, *options.sample, options.seed, block_bytes, sampled_from,
                       [] { throw_if_stop_requested(kWhileReading); });
    std::size_t rows = 0;
    for (const Block& b : blocks) rows += row_bound(b, layout.width);
    staging.emplace(rows, layout.slots);
    for (Block& b : blocks) {
      parse_block(b, layout, place(b), *staging);
      std::string().swap(b.bytes);
    }
  } else {
    staging.emplace(initial_capacity(first, layout.width, input.gzip() ? 0 : input.size()), layout.slots);
    const unsigned threads = options.threads ? options.threads : available_cores();
    if (threads <= 1) {
      Block block = std::move(first);
      do {
        throw_if_stop_requested(kWhileReading);
        report();
        parse_block(block, layout, place(block), *staging);
      } while (reader.next(block));
    } else {
      // One reader (this thread) cutting blocks; `threads` workers parsing them.
      std::mutex mutex;
      std::condition_variable work_ready, space_free;
      struct Job {
        std::size_t index;
        Parsed<Scalar>* target;
        Block block;
      };
      std::deque<Job> queue;
      std::size_t in_flight = 0;       // blocks queued or being parsed
      std::vector<std::string> spare;  // block buffers to reuse
      bool finished = false;
      // The first block, in file order, known to hold an error: later blocks need no parsing.
      std::atomic<std::size_t> failed_at = std::numeric_limits<std::size_t>::max();
      const std::size_t capacity = 2 * static_cast<std::size_t>(threads);
      const auto work = [&] {
        for (;;) {
          std::unique_lock lock(mutex);
          work_ready.wait(lock, [&] { return !queue.empty() || finished; });
          if (queue.empty()) return;
          Job job = std::move(queue.front());
          queue.pop_front();
          space_free.notify_one();
          lock.unlock();
          try {
            if (job.index < failed_at) parse_block(job.block, layout, *job.target, *staging);
          } catch (...) {
            job.target->error = std::current_exception();
            std::size_t seen = failed_at.load();
            while (job.index < seen && !failed_at.compare_exchange_weak(seen, job.index)) {
            }
          }
          Block& block = job.block;
          lock.lock();
          spare.push_back(std::move(block.bytes));
          --in_flight;
          space_free.notify_one();
        }
      };
      std::vector<std::thread> pool;
      std::exception_ptr reader_error;
      {
        struct Joiner {
          std::vector<std::thread>& pool;
          std::mutex& mutex;
          bool& finished;
          std::condition_variable& cv;
          ~Joiner() {
            {
              std::lock_guard lock(mutex);
              finished = true;
            }
            cv.notify_all();
            for (std::thread& t : pool) t.join();
          }
        } joiner{pool, mutex, finished, work_ready};
        for (unsigned k = 0; k < threads; ++k) pool.emplace_back(work);
        try {
          Block block = std::move(first);
          for (;;) {
            throw_if_stop_requested(kWhileReading);
            {
              std::unique_lock lock(mutex);
              space_free.wait(lock, [&] { return queue.size() < capacity; });
              if (!staging->fits(row_bound(block, layout.width))) space_free.wait(lock, [&] { return in_flight == 0; });
              const std::size_t index = parsed.size();
              Parsed<Scalar>& target = place(block);
              ++in_flight;
              queue.push_back(Job{index, &target, std::move(block)});
              block = Block{};
              if (!spare.empty()) {
                block.bytes = std::move(spare.back());
                spare.pop_back();
              }
            }
            work_ready.notify_one();
            report();
            if (failed_at != std::numeric_limits<std::size_t>::max() || !reader.next(block)) break;
          }
        } catch (...) {
          reader_error = std::current_exception();
        }
      }
      // A stop request wins over what the blocks read so far hold; otherwise
      // the first error in file order, whichever thread met it.
      throw_if_stop_requested(kWhileReading);
      for (const Parsed<Scalar>& p : parsed)
        if (p.error) std::rethrow_exception(p.error);
      if (reader_error) std::rethrow_exception(reader_error);
    }
  }
  Dataset data = assemble(parsed, *staging, layout, source, options.threads ? options.threads : available_cores());
  if (options.sample) {
    data.sampled = true;
    data.rows_read = sampled_from;
  }
  return data;
}

Dataset load_input(io::Input& input, const LoadOptions& options) {
  if (options.columns.precision == Precision::kFloat32) return load_stream<float>(input, options);
  return load_stream<double>(input, options);
}

}  // namespace
}  // namespace load

Dataset load_dataset(const std::string& path, const LoadOptions& options) {
  io::Input input = io::open_input(path);
  return load::load_input(input, options);
}

Dataset load_dataset_from_bytes(std::string_view bytes, const std::string& source, const LoadOptions& options) {
  io::Input input = io::input_from_bytes(bytes, source);
  return load::load_input(input, options);
}

}  // namespace lrfind
