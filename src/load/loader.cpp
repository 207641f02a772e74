#include "load/loader.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "common/parallel.hpp"
#include "io/input.hpp"
#include "io/sniff.hpp"
#include "load/assemble.hpp"
#include "load/blocks.hpp"
#include "load/layout.hpp"
#include "load/parse_block.hpp"
#include "load/sample.hpp"
#include "load/svmlight.hpp"
#include "lrfind/error.hpp"

namespace lrfind {

namespace load {
namespace {

// The one place the loader polls for a stop request (Ctrl-C, SIGTERM): once
// per block, and once when the last block is parsed. Nothing is finished
// while reading, so a stop ends the load with Interrupted.
void stop_if_requested(const LoadOptions& options) {
  if (options.stop) throw_if_stopped(*options.stop, "while reading the input, before any result");
}

// The one place the loader reports its progress: once per block, by bytes
// read of a regular file's size.
void report_progress(const LoadOptions& options, const io::Input& input) {
  if (options.progress) options.progress(input.fraction_read(), "reading");
}

// The next block's rows in the staging, growing it when they do not fit.
template <typename Scalar>
Parsed<Scalar>& add_block(std::deque<Parsed<Scalar>>& parsed, Staging<Scalar>& staging, const Block& block,
                          std::size_t width) {
  Parsed<Scalar>& p = parsed.emplace_back();
  p.bound = row_bound(block, width);
  if (!staging.fits(p.bound)) staging.grow(p.bound);
  p.first_row = staging.take(p.bound);
  return p;
}

// Every block of the input read and parsed by `threads` workers: the worker
// holding the reader reads the next block (reading is sequential), gives it
// its rows in the staging, and parses it once it has let the reader go. The
// staging grows only while no block is being parsed, as growing may move it.
// After the first block known to hold an error no block is read, and the
// error reported is the first in file order, whatever the threads met first.
template <typename Scalar>
class BlockPipeline {
 public:
  BlockPipeline(BlockReader& reader, Block first, const Layout& layout, Staging<Scalar>& staging,
                std::function<void()> before_block, std::function<void()> stop_if_requested)
      : reader_(reader), first_(std::move(first)), layout_(layout), staging_(staging),
        before_block_(std::move(before_block)), stop_if_requested_(std::move(stop_if_requested)) {}

  // The blocks' parses in file order. A stop request wins over any error.
  std::deque<Parsed<Scalar>> run(unsigned threads) {
    parallel_for(threads, threads, [&](std::size_t) { work(); });
    stop_if_requested_();
    for (const Parsed<Scalar>& p : parsed_)
      if (p.error) std::rethrow_exception(p.error);
    if (reader_error_) std::rethrow_exception(reader_error_);
    return std::move(parsed_);
  }

 private:
  struct Job {
    std::size_t index;  // in file order
    Parsed<Scalar>* out;
  };

  void work() {
    Block block;
    for (;;) {
      Job job;
      {
        const std::lock_guard reading(reader_mutex_);
        if (!next_job(block, job)) return;
      }
      locate_invalid_utf8(block);
      parse(block, job);
    }
  }

  // With the reader held: the next block and its rows; false when there is
  // no more to parse (the input is used up, or an error was met).
  bool next_job(Block& block, Job& job) {
    if (finished_) return false;
    try {
      if (first_) {
        block = std::move(*first_);
        first_.reset();
      } else if (failed_at_ != kNone || !reader_.next(block)) {
        finished_ = true;
        return false;
      }
      before_block_();
      place(block, job);
      return true;
    } catch (...) {
      reader_error_ = std::current_exception();
      finished_ = true;
      return false;
    }
  }

  void place(const Block& block, Job& job) {
    std::unique_lock state(state_mutex_);
    if (!staging_.fits(row_bound(block, layout_.width))) idle_.wait(state, [&] { return in_flight_ == 0; });
    job = Job{parsed_.size(), &add_block(parsed_, staging_, block, layout_.width)};
    ++in_flight_;
  }

  void parse(const Block& block, const Job& job) {
    try {
      if (job.index < failed_at_) parse_block(block, layout_, *job.out, staging_);
    } catch (...) {
      job.out->error = std::current_exception();
      std::size_t seen = failed_at_.load();
      while (job.index < seen && !failed_at_.compare_exchange_weak(seen, job.index)) {
      }
    }
    {
      const std::lock_guard state(state_mutex_);
      --in_flight_;
    }
    idle_.notify_all();
  }

  static constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

  BlockReader& reader_;
  std::optional<Block> first_;  // read with the header
  const Layout& layout_;
  Staging<Scalar>& staging_;
  std::function<void()> before_block_;
  std::function<void()> stop_if_requested_;
  std::mutex reader_mutex_;  // held while reading a block and giving it its rows
  bool finished_ = false;
  std::exception_ptr reader_error_;
  std::deque<Parsed<Scalar>> parsed_;
  std::mutex state_mutex_;
  std::condition_variable idle_;  // no block is being parsed
  std::size_t in_flight_ = 0;     // blocks being parsed
  // The first block, in file order, known to hold an error: later blocks need no parsing.
  std::atomic<std::size_t> failed_at_ = kNone;
};

// --sample: the sampled records, parsed on this thread.
template <typename Scalar>
Dataset load_sample(BlockReader& reader, Block& first, const Layout& layout, const std::string& source,
                    const LoadOptions& options, std::size_t block_bytes, unsigned threads) {
  std::size_t sampled_from = 0;
  std::deque<Block> blocks = sample_records(reader, first, source, layout.delim, *options.sample, options.seed,
                                            block_bytes, sampled_from, [&] { stop_if_requested(options); });
  std::size_t rows = 0;
  for (const Block& b : blocks) rows += row_bound(b, layout.width);
  Staging<Scalar> staging(rows, layout.slots);
  std::deque<Parsed<Scalar>> parsed;
  for (Block& b : blocks) {
    parse_block(b, layout, add_block(parsed, staging, b, layout.width), staging);
    std::string().swap(b.bytes);
  }
  Dataset data = assemble(parsed, staging, layout, source, threads);
  data.sampled = true;
  data.rows_read = sampled_from;
  return data;
}

// The input's text, once its first bytes (decoded) show no binary data: a
// known format, or a NUL byte. Later NUL bytes are reported in file order
// with other errors.
io::ByteStream& csv_text(io::Input& input) {
  io::ByteStream& in = input.text(io::LineEnds::kMacAware);
  io::reject_binary(input.head(), input.name());
  if (const std::size_t nul = input.head().find('\0'); nul != std::string_view::npos)
    throw io::nul_error(input.head(), nul, 1, input.name());
  return in;
}

// The field delimiter: the one given, or the one the first lines show; and,
// for a given one, the likelier one they show, for errors to name.
struct DelimiterChoice {
  char delimiter = ',';
  bool detected = false;
  std::string hint;
};

DelimiterChoice choose_delimiter(const io::Input& input, const std::optional<char>& given) {
  const io::DelimiterGuess guess = io::sniff_delimiter(input.head(), input.head().size() < io::kHeadBytes);
  if (!given) return DelimiterChoice{guess.delimiter, true, {}};
  DelimiterChoice choice{*given, false, {}};
  if (guess.consistent && guess.delimiter != *given)
    choice.hint = fmt::format("the file looks {}-separated: try {}", io::delimiter_name(guess.delimiter),
                              io::delimiter_option(guess.delimiter));
  return choice;
}

// What the data set says about how its text was written.
void note_text(Dataset& data, const DelimiterChoice& delimiter, const BlockReader& reader) {
  data.delimiter = delimiter.delimiter;
  data.delimiter_detected = delimiter.detected;
  const io::TextDecoder& decoder = reader.decoder();
  if (decoder.encoding() == io::Encoding::kLatin1 || decoder.encoding() == io::Encoding::kCp1252)
    data.encoding = io::encoding_name(decoder.encoding());
  if (decoder.detected_single_byte()) data.not_utf8_line = decoder.decided_line();
}

template <typename Scalar>
Dataset load_records(io::Input& input, const LoadOptions& options, BlockReader& reader, const Layout& layout,
                     Block first) {
  const std::string& source = input.name();
  const std::size_t block_bytes = std::max<std::size_t>(options.block_bytes, 64);
  const unsigned threads = options.threads ? options.threads : available_cores();
  if (options.sample) return load_sample<Scalar>(reader, first, layout, source, options, block_bytes, threads);
  Staging<Scalar> staging(initial_capacity(first, layout.width, input.gzip() ? 0 : input.size()), layout.slots);
  BlockPipeline<Scalar> pipeline(
      reader, std::move(first), layout, staging,
      [&] {
        stop_if_requested(options);
        report_progress(options, input);
      },
      [&] { stop_if_requested(options); });
  std::deque<Parsed<Scalar>> parsed = pipeline.run(threads);
  return assemble(parsed, staging, layout, source, threads);
}

template <typename Scalar>
Dataset load_stream(io::Input& input, const LoadOptions& options) {
  const std::string& source = input.name();
  if (const std::optional<char> d = options.delimiter; d && (*d == '"' || *d == '\n' || *d == '\r' || *d == '\0'))
    throw UsageError("the delimiter cannot be a quote, a line break or NUL");
  io::ByteStream& in = csv_text(input);
  DelimiterChoice delimiter = choose_delimiter(input, options.delimiter);
  // svmlight text read as CSV (--input-format csv) has one field a line: its
  // errors name the format rather than a delimiter.
  if (looks_like_svmlight(input.head(), input.head().size() < io::kHeadBytes))
    delimiter.hint = "the content looks like svmlight: --input-format svmlight, or none, reads it as such";
  BlockReader reader(in, source, delimiter.delimiter, std::max<std::size_t>(options.block_bytes, 64),
                     options.encoding);
  Block first;
  const Header header = read_header(reader, first, source, delimiter.delimiter);
  LoadOptions resolved = options;
  resolved.delimiter = delimiter.delimiter;
  const Layout layout = make_layout(header, source, resolved, delimiter.hint);
  Dataset data = load_records<Scalar>(input, options, reader, layout, std::move(first));
  note_text(data, delimiter, reader);
  return data;
}

// Whether the input is svmlight: as given, or (auto) by its name's extension
// or its first lines, looked at before any CSV delimiter sniffing so that a
// svmlight file is never read as a one-column CSV.
bool is_svmlight(io::Input& input, const LoadOptions& options) {
  if (options.format != InputFormat::kAuto) return options.format == InputFormat::kSvmlight;
  if (has_svmlight_extension(input.name())) return true;
  input.text(io::LineEnds::kMacAware);
  return looks_like_svmlight(input.head(), input.head().size() < io::kHeadBytes);
}

// svmlight's options given with CSV input: a usage error rather than ignored.
void reject_svmlight_options(const LoadOptions& options, const std::string& source) {
  const char* given = options.zero_based ? "--zero-based" : options.features > 0 ? "--features" : nullptr;
  if (given == nullptr) return;
  throw UsageError(fmt::format("{} applies to svmlight input, and {} is read as CSV{}", given, source,
                               options.format == InputFormat::kCsv
                                   ? ""
                                   : " (--input-format svmlight reads it as svmlight)"));
}

Dataset load_input(io::Input& input, const LoadOptions& options) {
  if (is_svmlight(input, options)) return load_svmlight(input, options);
  reject_svmlight_options(options, input.name());
  Dataset data = options.columns.precision == Precision::kFloat32 ? load_stream<float>(input, options)
                                                                   : load_stream<double>(input, options);
  data.format = "csv";
  return data;
}

}  // namespace
}  // namespace load

std::optional<InputFormat> input_format_named(std::string_view name) {
  if (name == "auto") return InputFormat::kAuto;
  if (name == "csv") return InputFormat::kCsv;
  if (name == "svmlight" || name == "libsvm") return InputFormat::kSvmlight;
  return std::nullopt;
}

Dataset load_dataset(const std::string& path, const LoadOptions& options) {
  io::Input input = io::open_input(path);
  return load::load_input(input, options);
}

Dataset load_dataset_from_bytes(std::string_view bytes, const std::string& source, const LoadOptions& options) {
  io::Input input = io::input_from_bytes(bytes, source);
  return load::load_input(input, options);
}

}  // namespace lrfind
