// Loading a CSV file into a data set at the speed of the hardware: one
// streaming pass in large blocks cut at record boundaries, blocks parsed on
// all cores straight into the feature layout, with no per-cell allocation.
// The result, errors included, is the same whatever the number of threads.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/parallel.hpp"
#include "io/encoding.hpp"
#include "load/dataset.hpp"
#include "lrfind/progress.hpp"
#include "lrfind/stop.hpp"

namespace lrfind {

// The input's format: auto recognises svmlight by its extension (.svm,
// .svmlight, .libsvm, also before .gz) or its first lines, else CSV.
enum class InputFormat { kAuto, kCsv, kSvmlight };

// The names --input-format lists, as the help and completions show them.
inline constexpr std::array<std::string_view, 2> kInputFormatNames = {"csv", "svmlight"};

// The format a name means: csv, svmlight (also spelt libsvm) or auto;
// nullopt for others.
std::optional<InputFormat> input_format_named(std::string_view name);

struct LoadOptions {
  InputFormat format = InputFormat::kAuto;
  std::optional<char> delimiter;  // empty: detected from the header and the first rows (io::sniff_delimiter)
  io::Encoding encoding = io::Encoding::kDetect;  // kDetect: UTF-8, or cp1252 when the text is not UTF-8
  DatasetOptions columns;
  TargetKind kind = TargetKind::kRegression;
  unsigned threads = 0;               // parsing threads; 0: every core this process may use
  std::optional<std::size_t> sample;  // keep a uniform random sample of this many data rows
  std::uint64_t seed = 0;             // for the sample
  std::size_t block_bytes = std::size_t{4} << 20;  // unit of work; tests make it small
  ProgressFn progress;  // stage "reading", by bytes read of a regular file's size
  const StopToken* stop = nullptr;  // polled once per block: a request throws Interrupted
  // svmlight only: whether feature indices count from 0 (empty: from 0 when
  // any index is 0, as scikit-learn's zero_based='auto'), and the number of
  // features (0: the largest index in the data).
  std::optional<bool> zero_based;
  std::int64_t features = 0;
};

// Reads `path` ("-": standard input; gzip data is recognised by its magic
// bytes) into a data set, noting in it the delimiter and the encoding used.
// Throws InputError when the input cannot be read,
// DataError (naming SOURCE:LINE:COLUMN where a cell is at fault) when its
// content is unusable, UsageError for bad column options.
Dataset load_dataset(const std::string& path, const LoadOptions& options);

// The same from bytes in memory; `source` names them in errors.
Dataset load_dataset_from_bytes(std::string_view bytes, const std::string& source, const LoadOptions& options);


}  // namespace lrfind
