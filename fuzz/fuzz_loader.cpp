// libFuzzer target: bytes -> the CSV loader, twice — one thread with one big
// block, and several threads with tiny blocks — which must agree exactly:
// the same data set, or the same error; then again with the delimiter
// detected and an encoding chosen by the options byte. Library errors are
// expected results; a crash, a sanitizer report, another exception or a
// disagreement is a finding.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "lrfind/error.hpp"
#include "load/loader.hpp"

namespace {

std::string outcome(std::string_view bytes, const lrfind::LoadOptions& options, lrfind::Dataset* out) {
  try {
    *out = lrfind::load_dataset_from_bytes(bytes, "fuzz.csv", options);
    return "ok";
  } catch (const lrfind::Error& e) {
    return e.what();
  }
}

// Loads with one thread and one big block, then with three threads and tiny
// blocks, and aborts unless both give the same outcome (and data set); sets
// `a` to the first data set and returns its outcome.
std::string agreed(std::string_view bytes, lrfind::LoadOptions options, lrfind::Dataset& a) {
  options.threads = 1;
  options.block_bytes = std::size_t{1} << 20;
  const std::string first = outcome(bytes, options, &a);
  options.threads = 3;
  options.block_bytes = 64;
  lrfind::Dataset b;
  const std::string second = outcome(bytes, options, &b);
  if (first != second) {
    std::fprintf(stderr, "DISAGREE\n1: %s\n2: %s\n", first.c_str(), second.c_str());
    std::abort();
  }
  if (first == "ok") {
    if (a.features.rows() != b.features.rows() || a.features.cols() != b.features.cols() || a.targets != b.targets ||
        a.feature_names != b.feature_names || a.classes != b.classes || a.rows_read != b.rows_read ||
        a.rows_dropped != b.rows_dropped || a.delimiter != b.delimiter || a.encoding != b.encoding ||
        a.not_utf8_line != b.not_utf8_line)
      std::abort();
    for (lrfind::Index r = 0; r < a.features.rows(); ++r)
      for (lrfind::Index c = 0; c < a.features.cols(); ++c) {
        const double x = a.features(r, c);
        const double y = b.features(r, c);
        if (std::memcmp(&x, &y, sizeof x) != 0 || std::isnan(x)) std::abort();  // a data set never holds NaN
      }
  }
  return first;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // The first byte chooses the options, the rest is the file.
  const std::uint8_t knobs = data[0];
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  lrfind::LoadOptions options;
  options.delimiter = (knobs & 3) == 0 ? ',' : (knobs & 3) == 1 ? ';' : (knobs & 3) == 2 ? '\t' : '|';
  options.kind = knobs & 4 ? lrfind::TargetKind::kClassification : lrfind::TargetKind::kRegression;
  options.columns.max_categories = knobs & 8 ? 3 : 100;
  if (knobs & 16) options.columns.na_values = {"-1", "x"};
  if (knobs & 32) options.columns.target = "1";
  if (knobs & 64)
    options.sample = 1 + (knobs >> 7) * 5;
  else if (knobs & 128)
    options.columns.drop = {"2"};  // dropped columns are skipped on the loader's short path
  options.seed = knobs;

  lrfind::Dataset a;
  const std::string first = agreed(bytes, options, a);
  // Rows of plain numbers take a short path; a missing-value text that reads
  // as a number sends every row through the general one, which must agree.
  constexpr std::string_view kNeverMissing = "-987654321";
  if (!(knobs & 16) && bytes.find(kNeverMissing) == std::string_view::npos) {
    lrfind::LoadOptions general = options;
    general.columns.na_values = {std::string(kNeverMissing)};
    general.threads = 3;
    general.block_bytes = 64;
    lrfind::Dataset c;
    const std::string third = outcome(bytes, general, &c);
    if (third != first) {
      std::fprintf(stderr, "DISAGREE (general path)\n1: %s\n3: %s\n", first.c_str(), third.c_str());
      std::abort();
    }
    if (first == "ok" && (c.features.rows() != a.features.rows() || c.targets != a.targets)) std::abort();
  }
  // The delimiter detected, and the text read in an encoding the same bits choose.
  constexpr lrfind::io::Encoding kEncodings[] = {lrfind::io::Encoding::kDetect, lrfind::io::Encoding::kUtf8,
                                                 lrfind::io::Encoding::kLatin1, lrfind::io::Encoding::kCp1252};
  lrfind::LoadOptions text = options;
  text.delimiter.reset();
  text.encoding = kEncodings[knobs & 3];
  lrfind::Dataset d;
  agreed(bytes, text, d);
  return 0;
}
