// libFuzzer target: bytes -> the svmlight reader, twice — one thread with one
// big block, and three threads with tiny blocks — which must agree exactly:
// the same compressed sparse rows, targets, classes and groups, or the same
// error. A data set must also be well formed: offsets ascending, indices
// ascending within a row and below the feature count, values finite and not
// zero. Library errors are expected results; a crash, a sanitizer report,
// another exception, a disagreement or a malformed data set is a finding.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "load/loader.hpp"
#include "lrfind/error.hpp"

namespace {

std::string outcome(std::string_view bytes, const lrfind::LoadOptions& options, lrfind::Dataset* out) {
  try {
    *out = lrfind::load_dataset_from_bytes(bytes, "fuzz.svm", options);
    return "ok";
  } catch (const lrfind::Error& e) {
    return e.what();
  }
}

template <typename Scalar>
void check_well_formed(const lrfind::Csr<Scalar>& m) {
  if (m.offsets.front() != 0 || static_cast<std::size_t>(m.offsets.back()) != m.indices.size() ||
      m.values.size() != m.indices.size())
    std::abort();
  for (std::size_t r = 0; r + 1 < m.offsets.size(); ++r) {
    if (m.offsets[r] > m.offsets[r + 1]) std::abort();
    for (std::int64_t k = m.offsets[r]; k < m.offsets[r + 1]; ++k) {
      const auto i = static_cast<std::size_t>(k);
      if (m.indices[i] < 0 || m.indices[i] >= m.cols || (k > m.offsets[r] && m.indices[i] <= m.indices[i - 1]))
        std::abort();
      if (!std::isfinite(m.values[i]) || m.values[i] == 0) std::abort();
    }
  }
}

template <typename Scalar>
bool same(const lrfind::Csr<Scalar>& a, const lrfind::Csr<Scalar>& b) {
  return a.cols == b.cols && a.offsets == b.offsets && a.indices == b.indices && a.values.size() == b.values.size() &&
         (a.values.empty() || std::memcmp(a.values.data(), b.values.data(), a.values.size() * sizeof(Scalar)) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // The first byte chooses the options, the rest is the file.
  const std::uint8_t knobs = data[0];
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  lrfind::LoadOptions options;
  options.format = lrfind::InputFormat::kSvmlight;
  options.kind = knobs & 1 ? lrfind::TargetKind::kClassification : lrfind::TargetKind::kRegression;
  if (knobs & 2) options.columns.precision = lrfind::Precision::kFloat32;
  if ((knobs & 12) == 4) options.zero_based = true;
  if ((knobs & 12) == 8) options.zero_based = false;
  if (knobs & 16) options.features = 5;
  if (knobs & 32) options.sample = 1 + (knobs >> 6) * 3;
  options.seed = knobs;

  options.threads = 1;
  options.block_bytes = std::size_t{1} << 20;
  lrfind::Dataset a;
  const std::string first = outcome(bytes, options, &a);
  options.threads = 3;
  options.block_bytes = 64;
  lrfind::Dataset b;
  const std::string second = outcome(bytes, options, &b);
  if (first != second) {
    std::fprintf(stderr, "DISAGREE\n1: %s\n2: %s\n", first.c_str(), second.c_str());
    std::abort();
  }
  if (first != "ok") return 0;
  if (!a.features.sparse() || a.targets != b.targets || a.classes != b.classes || a.groups != b.groups ||
      a.rows_read != b.rows_read || a.rows_dropped != b.rows_dropped || a.targets.size() != a.features.rows())
    std::abort();
  if (a.features.precision() == lrfind::Precision::kFloat32) {
    check_well_formed(a.features.csr32());
    if (!same(a.features.csr32(), b.features.csr32())) std::abort();
  } else {
    check_well_formed(a.features.csr64());
    if (!same(a.features.csr64(), b.features.csr64())) std::abort();
  }
  for (lrfind::Index r = 0; r < a.targets.size(); ++r)
    if (!std::isfinite(a.targets[r])) std::abort();
  return 0;
}
