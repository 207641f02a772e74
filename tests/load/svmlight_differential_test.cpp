// The svmlight reader against itself and against the CSV reader: any thread
// count and block size gives the same bytes; the same numbers as CSV give the
// same dense matrix, targets, classes and --sample rows.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "load/loader.hpp"
#include "lrfind/error.hpp"

namespace lrfind {
namespace {

// A data set written both ways: CSV with a header and svmlight (1-based,
// zeros left out), with comments (some holding a quote that CSV would read as
// opening a field), blank and CRLF lines in the svmlight only.
struct Twins {
  std::string csv;
  std::string svm;
};

Twins twins(std::uint64_t seed, int rows, int cols, bool text_labels) {
  std::mt19937_64 rng(seed);
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  Twins t;
  for (int c = 1; c <= cols; ++c) t.csv += fmt::format("x{},", c);
  t.csv += "y\n";
  t.svm = "# generated\n";
  const char* labels[] = {"2", "10", "-1", "+1"};
  const char* names[] = {"cat", "dog", "fish"};
  for (int r = 0; r < rows; ++r) {
    const std::string label = text_labels ? names[pick(3)] : labels[pick(4)];
    std::string pairs;
    for (int c = 1; c <= cols; ++c) {
      std::string cell = "0";
      if (pick(4) == 0) {
        const double x = std::ldexp(static_cast<double>(rng() >> 11), -53) * 200.0 - 100.0;
        cell = pick(2) ? fmt::format("{}", x) : fmt::format("{:.3e}", x);
        pairs += fmt::format(" {}:{}", c, cell);
      }
      t.csv += cell + ",";
    }
    t.csv += label + "\n";
    t.svm += label + pairs;
    switch (pick(8)) {
      case 0:
        t.svm += " # a comment\n";
        break;
      case 1:
        t.svm += "\r\n";
        break;
      case 2:
        t.svm += "\n\n# between rows\n";
        break;
      case 3:
        t.svm += "\n# a quote opened, as CSV reads it: x,\"never closed\n";
        break;
      default:
        t.svm += "\n";
        break;
    }
  }
  return t;
}

void expect_same_bytes(const Dataset& a, const Dataset& b, const std::string& what) {
  ASSERT_EQ(a.features.precision(), b.features.precision()) << what;
  if (a.features.precision() == Precision::kFloat64) {
    EXPECT_EQ(a.features.csr64().offsets, b.features.csr64().offsets) << what;
    EXPECT_EQ(a.features.csr64().indices, b.features.csr64().indices) << what;
    EXPECT_EQ(std::memcmp(a.features.csr64().values.data(), b.features.csr64().values.data(),
                          a.features.csr64().values.size() * sizeof(double)),
              0)
        << what;
  } else {
    EXPECT_EQ(a.features.csr32().indices, b.features.csr32().indices) << what;
    EXPECT_EQ(a.features.csr32().values, b.features.csr32().values) << what;
  }
  EXPECT_EQ(a.features.cols(), b.features.cols()) << what;
  EXPECT_EQ(a.targets, b.targets) << what;
  EXPECT_EQ(a.classes, b.classes) << what;
  EXPECT_EQ(a.groups, b.groups) << what;
  EXPECT_EQ(a.rows_read, b.rows_read) << what;
  EXPECT_EQ(a.rows_dropped, b.rows_dropped) << what;
}

Matrix dense(const Features& X) {
  Matrix out;
  std::vector<Index> rows(static_cast<std::size_t>(X.rows()));
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<Index>(i);
  X.gather(rows, out);
  return out;
}

std::string outcome(const std::string& text, const LoadOptions& options, Dataset& out) {
  try {
    out = load_dataset_from_bytes(text, "in.svm", options);
    return "ok";
  } catch (const Error& e) {
    return e.what();
  }
}

TEST(SvmlightDifferential, ThreadsAndBlockSizesGiveTheSameBytes) {
  const std::string text = twins(11, 3000, 40, false).svm;
  for (const Precision precision : {Precision::kFloat64, Precision::kFloat32})
    for (const TargetKind kind : {TargetKind::kRegression, TargetKind::kClassification}) {
      LoadOptions base;
      base.columns.precision = precision;
      base.kind = kind;
      base.threads = 1;
      base.block_bytes = std::size_t{4} << 20;
      Dataset first;
      ASSERT_EQ(outcome(text, base, first), "ok");
      for (const unsigned threads : {1u, 2u, 4u})
        for (const std::size_t block : {std::size_t{64}, std::size_t{1024}, std::size_t{4} << 20}) {
          LoadOptions o = base;
          o.threads = threads;
          o.block_bytes = block;
          Dataset d;
          const std::string what = fmt::format("threads {} block {}", threads, block);
          ASSERT_EQ(outcome(text, o, d), "ok") << what;
          expect_same_bytes(first, d, what);
        }
    }
}

TEST(SvmlightDifferential, TheFirstErrorInTheFileWinsWhateverTheThreads) {
  std::string text = twins(12, 2000, 20, false).svm;
  const std::size_t late = text.rfind("\n", text.size() * 9 / 10);
  const std::size_t early = text.find("\n", text.size() / 2);
  text.insert(late + 1, "1 3:1 2:1\n");  // descending
  text.insert(early + 1, "1 1:x\n");     // a bad value, earlier
  Dataset unused;
  LoadOptions one;
  one.threads = 1;
  const std::string expected = outcome(text, one, unused);
  EXPECT_NE(expected.find("value 'x' is not a number"), std::string::npos) << expected;
  for (const unsigned threads : {2u, 4u})
    for (const std::size_t block : {std::size_t{64}, std::size_t{1024}}) {
      LoadOptions o;
      o.threads = threads;
      o.block_bytes = block;
      EXPECT_EQ(outcome(text, o, unused), expected) << threads << " " << block;
    }
}

TEST(SvmlightDifferential, SameNumbersAsCsvGiveTheSameDenseMatrix) {
  for (const bool text_labels : {false, true})
    for (const TargetKind kind : {TargetKind::kRegression, TargetKind::kClassification}) {
      if (text_labels && kind == TargetKind::kRegression) continue;
      const Twins t = twins(13, 500, 12, text_labels);
      LoadOptions o;
      o.kind = kind;
      o.threads = 2;
      o.block_bytes = 512;
      const Dataset csv = load_dataset_from_bytes(t.csv, "in.csv", o);
      o.features = 12;  // a last column of zeros has no index in the svmlight
      const Dataset svm = load_dataset_from_bytes(t.svm, "in.svm", o);
      ASSERT_FALSE(csv.features.sparse());
      ASSERT_TRUE(svm.features.sparse());
      EXPECT_EQ(dense(csv.features), dense(svm.features));
      EXPECT_EQ(csv.targets, svm.targets);
      EXPECT_EQ(csv.classes, svm.classes);
    }
}

TEST(SvmlightDifferential, SampleKeepsTheSameRowsAsCsv) {
  const Twins t = twins(14, 800, 10, false);
  for (const std::uint64_t seed : {0u, 7u}) {
    LoadOptions o;
    o.kind = TargetKind::kClassification;
    o.sample = 100;
    o.seed = seed;
    o.block_bytes = 256;
    const Dataset csv = load_dataset_from_bytes(t.csv, "in.csv", o);
    const Dataset svm = load_dataset_from_bytes(t.svm, "in.svm", o);
    EXPECT_TRUE(svm.sampled);
    EXPECT_EQ(svm.rows_read, 800u);
    EXPECT_EQ(svm.rows_sampled, 100u);
    EXPECT_EQ(dense(csv.features), dense(svm.features));
    EXPECT_EQ(csv.targets, svm.targets);
    // The index base and the feature count are the whole input's, whatever
    // rows the sample keeps: an index 0 and a large index on a line it leaves out.
    const std::string wide = "0 0:1 40:1\n" + t.svm;
    LoadOptions all = o;
    all.sample.reset();
    const Matrix whole = dense(load_dataset_from_bytes(wide, "in.svm", all).features);
    o.sample = 3;
    const Matrix some = dense(load_dataset_from_bytes(wide, "in.svm", o).features);
    ASSERT_EQ(some.cols(), 41);
    for (Index r = 0; r < some.rows(); ++r) {
      bool found = false;
      for (Index w = 0; w < whole.rows() && !found; ++w) found = whole.row(w) == some.row(r);
      EXPECT_TRUE(found) << "sampled row " << r << " is no row of the whole input";
    }
    // A sample's errors name their own lines.
    std::string bad = t.svm;
    bad += "1 2:1 1:1\n";
    o.sample = 5000;
    Dataset unused;
    const std::string e = outcome(bad, o, unused);
    const long line = static_cast<long>(std::count(t.svm.begin(), t.svm.end(), '\n')) + 1;
    EXPECT_EQ(e, fmt::format("in.svm:{}:7: feature index 1 after 2: indices must ascend within a line", line));
  }
}

}  // namespace
}  // namespace lrfind
