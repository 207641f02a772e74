#include "load/loader.hpp"

#include <gtest/gtest.h>
#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <csignal>
#include <cmath>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "load/limits.hpp"
#include "lrfind/error.hpp"
#include "lrfind/stop.hpp"

namespace lrfind {
namespace {

const std::string kSource = "in.csv";

Dataset load(const std::string& csv, LoadOptions options = {}) { return load_dataset_from_bytes(csv, kSource, options); }

LoadOptions with(unsigned threads, std::size_t block_bytes, TargetKind kind = TargetKind::kRegression) {
  LoadOptions options;
  options.threads = threads;
  options.block_bytes = block_bytes;
  options.kind = kind;
  return options;
}

std::string error_of(const std::string& csv, const LoadOptions& options = {}) {
  try {
    load(csv, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

void expect_same(const Dataset& a, const Dataset& b, const std::string& what) {
  ASSERT_EQ(a.features.rows(), b.features.rows()) << what;
  ASSERT_EQ(a.features.cols(), b.features.cols()) << what;
  // Bit for bit, so compare the bytes (NaN never reaches a data set).
  ASSERT_EQ(a.features.precision(), b.features.precision()) << what;
  if (a.features.precision() == Precision::kFloat64)
    EXPECT_EQ(std::memcmp(a.features.f64().data(), b.features.f64().data(), a.features.bytes()), 0) << what;
  else
    EXPECT_EQ(std::memcmp(a.features.f32().data(), b.features.f32().data(), a.features.bytes()), 0) << what;
  EXPECT_EQ(a.targets, b.targets) << what;
  EXPECT_EQ(a.feature_names, b.feature_names) << what;
  EXPECT_EQ(a.classes, b.classes) << what;
  EXPECT_EQ(a.categorical_columns, b.categorical_columns) << what;
  EXPECT_EQ(a.rows_read, b.rows_read) << what;
  EXPECT_EQ(a.rows_dropped, b.rows_dropped) << what;
}

// A messy but valid file: quoted fields with delimiters, quotes and line
// breaks, CRLF and LF, blank lines, missing values, a categorical column,
// numbers in many spellings, text class labels.
std::string messy_csv(std::uint64_t seed, int rows) {
  std::mt19937_64 rng(seed);
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  std::string csv = "\"a, first\",b,colour,\"note\nwith break\",label\n";
  const char* colours[] = {"red", "\"green\"", "\"blue, dark\"", "\"say \"\"hi\"\"\"", " red "};
  const char* labels[] = {"yes", "no", "\"maybe\nnot\""};
  for (int r = 0; r < rows; ++r) {
    const double x = std::ldexp(static_cast<double>(rng() >> 11), -53) * 200.0 - 100.0;
    switch (pick(6)) {
      case 0: csv += fmt::format("{}", x); break;
      case 1: csv += fmt::format("{:.3e}", x); break;
      case 2: csv += fmt::format(" {:.2f} ", x); break;
      case 3: csv += fmt::format("\"{:.4f}\"", x); break;
      case 4: csv += pick(10) == 0 ? "NA" : fmt::format("+{}", std::abs(x)); break;
      default: csv += fmt::format("{:.17g}", x); break;
    }
    csv += ',';
    csv += pick(25) == 0 ? "" : std::to_string(pick(1000) - 500);
    csv += ',';
    csv += colours[pick(5)];
    csv += ',';
    csv += pick(3) == 0 ? "\"free\ntext, \"\"quoted\"\"\"" : "plain";
    csv += ',';
    csv += labels[pick(3)];
    csv += pick(2) ? "\r\n" : "\n";
    if (pick(15) == 0) csv += "\n";
  }
  return csv;
}

TEST(LoaderThreads, ResultIsTheSameWhateverTheThreadsAndBlockSize) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const std::string csv = messy_csv(seed, 700);
    LoadOptions options = with(1, std::size_t{4} << 20, TargetKind::kClassification);
    options.columns.drop = {"4"};
    const Dataset reference = load(csv, options);
    EXPECT_EQ(reference.classes, (std::vector<std::string>{"maybe\nnot", "no", "yes"}));
    EXPECT_GT(reference.rows_dropped, 0u);
    EXPECT_EQ(reference.rows_read, 700u);
    for (const unsigned threads : {1u, 2u, 3u, 7u})
      for (const std::size_t block : {std::size_t{64}, std::size_t{100}, std::size_t{997}, std::size_t{8192}}) {
        options.threads = threads;
        options.block_bytes = block;
        expect_same(reference, load(csv, options), fmt::format("seed {} threads {} block {}", seed, threads, block));
      }
  }
}

TEST(LoaderThreads, FirstErrorInFileOrderWhateverTheThreads) {
  std::string csv = "x,y\n";
  for (int r = 0; r < 2000; ++r) csv += fmt::format("{},{}\n", r, 2 * r);
  csv.insert(csv.find("\n1500,") + 1, "1499.5,1,7\n");  // a ragged row (line 1502)...
  csv.insert(csv.find("\n1800,") + 1, "\"open,1\n");    // ...before an unterminated quote
  const std::string reference = error_of(csv, with(1, 1 << 20));
  EXPECT_EQ(reference, "in.csv:1502: row has 3 fields, the header has 2 (check --delimiter and quoting)");
  for (const unsigned threads : {2u, 3u, 5u})
    for (const std::size_t block : {std::size_t{64}, std::size_t{300}, std::size_t{4096}})
      EXPECT_EQ(error_of(csv, with(threads, block)), reference) << threads << " " << block;
}

TEST(LoaderThreads, HeaderAfterBlocksOfBlankLines) {
  const std::string csv = std::string(300, '\n') + "x,y\n1,2\n3,4\n";
  const Dataset d = load(csv, with(2, 64));
  EXPECT_EQ(d.rows(), 2);
  EXPECT_EQ(error_of(std::string(300, '\n') + "\r\n", with(2, 64)), "in.csv: empty input: a header row is required");
}

TEST(LoaderThreads, ANulByteIsReportedInFileOrder) {
  // An error before the NUL byte (past the first 4 KiB, which are checked at
  // once) is the one reported, whatever the blocks.
  std::string csv = "x,y\n";
  for (int r = 0; r < 1000; ++r) csv += fmt::format("{},{}\n", r, r);
  csv += "1,2,3\n";  // line 1002
  csv += std::string("4,\0", 3) + "\n";
  for (const std::size_t block : {std::size_t{64}, std::size_t{1000}, std::size_t{1} << 20})
    EXPECT_EQ(error_of(csv, with(2, block)).rfind("in.csv:1002: row has 3 fields", 0), 0u) << block;
  csv.erase(csv.find("1,2,3\n"), 6);
  for (const std::size_t block : {std::size_t{64}, std::size_t{1000}, std::size_t{1} << 20})
    EXPECT_EQ(error_of(csv, with(2, block)), "in.csv:1002: not a CSV text file: it holds a NUL byte (binary data)")
        << block;
}

TEST(LoaderFloat32, HoldsEachValueRoundedOnceToFloatInHalfTheMemory) {
  const std::string csv = messy_csv(21, 300);
  LoadOptions options = with(2, 512, TargetKind::kClassification);
  options.columns.drop = {"4"};
  const Dataset wide = load(csv, options);
  options.columns.precision = Precision::kFloat32;
  const Dataset narrow = load(csv, options);
  ASSERT_EQ(narrow.features.precision(), Precision::kFloat32);
  EXPECT_EQ(narrow.features.bytes() * 2, wide.features.bytes());
  EXPECT_EQ(narrow.targets, wide.targets);
  EXPECT_EQ(narrow.feature_names, wide.feature_names);
  for (Index r = 0; r < wide.rows(); ++r)
    for (Index c = 0; c < wide.features.cols(); ++c)
      EXPECT_EQ(narrow.features(r, c), static_cast<double>(static_cast<float>(wide.features(r, c))));
  Matrix batch;
  const std::vector<Index> rows{5, 0, 17};
  narrow.features.gather(rows, batch);
  EXPECT_EQ(batch(2, 1), narrow.features(17, 1));
}

// Every number the fast path reads must be the double std::from_chars gives.
TEST(LoaderNumbers, FastPathMatchesFromCharsBitForBit) {
  std::mt19937_64 rng(7);
  std::vector<std::string> texts = {"0",      "-0",      "-0.0",     "1.",       ".5",      "-.5",
                                    "1e5",    "1E-5",    "1e+22",    "1e22",     "1e-22",   "1e23",
                                    "1e-23",  "123456789012345678", "1234567890123456789", "12345678901234567890",
                                    "9007199254740993", "9007199254740992", "0.1", "0.30000000000000004",
                                    "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308",
                                    "00000000000000000000001.5", "3.14159265358979323846",
                                    // digit runs of 7, 8, 9 and 16 bytes (read eight at a time)
                                    "1234567", "12345678", "123456789", "99999999.99999999", "0.00000001",
                                    "-87654321.5", "1234567812345678", "12345678e-8"};
  for (int i = 0; i < 3000; ++i) {
    const double magnitude = std::ldexp(static_cast<double>(rng() >> 11), -53);
    const int exponent = static_cast<int>(rng() % 60) - 30;
    const double x = (rng() & 1 ? -1 : 1) * magnitude * std::pow(10.0, exponent);
    switch (rng() % 4) {
      case 0: texts.push_back(fmt::format("{}", x)); break;
      case 1: texts.push_back(fmt::format("{:.6f}", x)); break;
      case 2: texts.push_back(fmt::format("{:.{}e}", x, static_cast<int>(rng() % 20))); break;
      default: texts.push_back(fmt::format("{:.{}g}", x, 1 + static_cast<int>(rng() % 19))); break;
    }
  }
  std::string csv = "x,y\n";
  for (const std::string& t : texts) csv += t + ",1\n";
  const Dataset d = load(csv);
  ASSERT_EQ(d.rows(), static_cast<Index>(texts.size()));
  for (std::size_t i = 0; i < texts.size(); ++i) {
    double expected = 0.0;
    std::from_chars(texts[i].data(), texts[i].data() + texts[i].size(), expected);
    const double got = d.features(static_cast<Index>(i), 0);
    EXPECT_EQ(std::memcmp(&got, &expected, sizeof got), 0) << texts[i] << " read as " << got;
  }
}

// Rows of plain numbers take a short path; a missing-value text that reads as a
// number turns it off, so every row goes through the general one. Both must
// give the same data set, or the same error, whatever the row holds.
TEST(LoaderNumbers, ShortPathAgreesWithTheGeneralOne) {
  std::mt19937_64 rng(7);
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  const char* skipped[] = {"s", "", "\"q,1\"", "\"a\nb\"", "\"x\"\"y\"", "7", "w x"};
  const char* numbers[] = {"1.5", "-0.25", "3", "\"4.5\"", " 6 ", "1e-3", "-0", "12345678901234567890", "+2", "NA",
                           "0x1", "1.5.2"};  // the last two are text, so rarer
  const auto number = [&] { return numbers[pick(200) == 0 ? 10 + pick(2) : pick(10)]; };
  int loaded = 0;
  for (int file = 0; file < 60; ++file) {
    std::string csv = "a,skip,skip2,b,y,\n";
    const int rows = 1 + pick(40);
    for (int r = 0; r < rows; ++r) {
      csv += number();
      csv += ',';
      csv += skipped[pick(7)];
      if (pick(150) != 0) {  // else a field short, unless a quoted delimiter makes up for it
        csv += ',';
        csv += skipped[pick(7)];
      }
      csv += ',';
      csv += number();
      csv += ',';
      csv += std::to_string(pick(3));
      csv += pick(300) == 0 ? ",1" : ",";  // a value under the unnamed last column is an error
      if (pick(300) == 0) csv += ",9";     // so is an extra field
      csv += pick(4) == 0 ? "\r\n" : "\n";
    }
    if (pick(2)) csv.pop_back();  // no line feed at the end
    for (const TargetKind kind : {TargetKind::kRegression, TargetKind::kClassification}) {
      LoadOptions fast = with(1, 256, kind);
      fast.columns.drop = {"skip", "skip2"};
      LoadOptions general = fast;
      general.columns.na_values = {"-987654321"};  // never in the file, but a number
      std::string fast_error, general_error;
      Dataset a, b;
      try {
        a = load(csv, fast);
      } catch (const Error& e) {
        fast_error = e.what();
      }
      try {
        b = load(csv, general);
      } catch (const Error& e) {
        general_error = e.what();
      }
      ASSERT_EQ(fast_error, general_error) << csv;
      if (fast_error.empty()) expect_same(a, b, csv);
      loaded += fast_error.empty();
    }
  }
  EXPECT_GT(loaded, 60);  // most files load: the rows, not only the errors, are compared
}

TEST(LoaderNumbers, NaValuesThatAreNumbersStillMeanMissing) {
  LoadOptions options;
  options.columns.na_values = {"-999"};
  const Dataset d = load("x,y\n1,2\n-999,3\n4,5\n6,-999\n7,8\n", options);
  EXPECT_EQ(d.rows(), 3);
  EXPECT_EQ(d.rows_dropped, 2u);
}

TEST(LoaderNumbers, NanSpellingsThatAreNotMissingAreText) {
  // "NaN" and "nan" mean missing; other spellings std::from_chars reads as NaN are words.
  const Dataset d = load("c,y\nNAN,1\nabc,2\nNAN,3\nxyz,4\n", with(1, 1 << 20, TargetKind::kClassification));
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"c=NAN", "c=abc", "c=xyz"}));
  EXPECT_EQ(d.features(2, 0), 1.0);
  const Dataset labels = load("x,y\n1,NAN\n2,b\n3,NAN\n", with(1, 1 << 20, TargetKind::kClassification));
  EXPECT_EQ(labels.classes, (std::vector<std::string>{"NAN", "b"}));
}

// ---------------------------------------------------------------- positions

TEST(LoaderPositions, CellErrorsNameLineAndCharacterColumn) {
  // 'é' is two bytes but one character.
  EXPECT_EQ(error_of("name,x,y\n\"é\",1,2\n\"é\",1,abc\n\"é\",1,2\n"),
            "in.csv:3:7: the regression target 'y' is not numeric: 'abc' (for class labels use --model logistic or "
            "svm)");
  EXPECT_EQ(error_of("x,y\n1,2\n2,\"a\"b\n"),
            "in.csv:3:6: unexpected 'b' after a closing quote; quotes inside a quoted field are written as \"\"");
}

TEST(LoaderPositions, ColumnCountsFromTheLineAQuotedBreakStarts) {
  std::string csv = "n,x,y\n";
  for (int r = 0; r < 30; ++r) csv += fmt::format("\"two\nlines\",{},{}\n", r, r);
  csv += "\"two\nlines\",oops,1\n";
  // The row starts on line 62; its second field is on line 63 after "lines",.
  EXPECT_EQ(error_of(csv).substr(0, 13), "in.csv:63:8: ");
}

TEST(LoaderPositions, ColumnProblemsAreReportedInFileOrder) {
  // Column y's stray text (line 22) comes before column x's (line 23), whatever the column order.
  std::string csv = "x,y,t\n";
  for (int r = 0; r < 20; ++r) csv += fmt::format("{},{},{}\n", r, r, r);
  csv += "1,oops,1\n2,2,1\nbad,3,1\n";
  EXPECT_EQ(error_of(csv).rfind("in.csv:22:3: column 'y' holds numbers but also the text 'oops'", 0), 0u)
      << error_of(csv);
}

TEST(LoaderOddFiles, ClassicMacLineEndsAcrossBlocks) {
  std::string csv = "x,y\r";
  for (int r = 0; r < 300; ++r) csv += fmt::format("{},{}\r", r, 2 * r);
  const Dataset d = load(csv, with(2, 64));
  EXPECT_EQ(d.rows(), 300);
  EXPECT_EQ(d.targets(299), 598);
}

TEST(LoaderOddFiles, TrailingDelimitersLeaveNoColumn) {
  const Dataset d = load("x,y,\n1,2,\n3,4,\n");
  EXPECT_EQ(d.feature_names, (std::vector<std::string>{"x"}));
  EXPECT_EQ(d.target_name, "y");
  EXPECT_EQ(error_of("x,y,\n1,2,\n3,4,5\n"),
            "in.csv:3:5: the last column has no name in the header but holds '5'; name it there");
}

TEST(LoaderOddFiles, UnnamedAndAmbiguousColumns) {
  EXPECT_EQ(error_of(",x,y\n1,2,3\n4,5,6\n"),
            "in.csv:1:1: column 1 has no name; name it in the header, or leave it out with --drop 1");
  LoadOptions drop;
  drop.columns.drop = {"1"};
  EXPECT_EQ(load(",x,y\n1,2,3\n4,5,6\n", drop).feature_names, (std::vector<std::string>{"x"}));
  LoadOptions target;
  target.columns.target = "x";
  EXPECT_EQ(error_of("x,x,y\n1,2,3\n4,5,6\n", target),
            "--target: 'x' is ambiguous: columns 1 and 2 are both named so; give the column number instead");
}

TEST(LoaderOddFiles, DecimalCommasAreNamed) {
  LoadOptions options = with(1, 1 << 20);
  options.delimiter = ';';
  const std::string e = error_of("x;y\n1,5;1\n2,25;2\n-0,5;3\n", options);
  EXPECT_EQ(e.rfind("in.csv:2:1: column 'x' holds numbers written with decimal commas, like '1,5'", 0), 0u) << e;
}

// ---------------------------------------------------------------- limits and binary data

TEST(LoaderLimits, OverlongFieldIsAnErrorAtItsStart) {
  const std::string csv = "x,y\n1,2\n3," + std::string(kMaxFieldBytes + 1, 'a') + "\n";
  EXPECT_EQ(error_of(csv).rfind("in.csv:3:3: a field longer than the limit of 1 MiB", 0), 0u) << error_of(csv);
}

TEST(LoaderLimits, TooManyColumnsIsAnError) {
  std::string header;
  for (std::size_t c = 0; c <= kMaxColumns; ++c) header += "c,";
  header += "y\n";
  EXPECT_NE(error_of(header + "1\n").find("more columns than the limit of 100000"), std::string::npos);
}

TEST(LoaderLimits, NeverClosedQuoteStopsAtTheRowLimit) {
  std::string csv = "x,y\n1,2\n3,\"";
  csv.append(kMaxRecordBytes + 1024, 'z');
  const std::string e = error_of(csv, with(1, 1 << 16));
  EXPECT_EQ(e.rfind("in.csv:3: a quoted field runs on for more than 64 MiB", 0), 0u) << e.substr(0, 300);
}

TEST(LoaderLimits, ManyColumnsAreLinear) {
  // 3000 columns x 200 rows: fine, and no per-row cost quadratic in the width.
  std::string csv;
  for (int c = 0; c < 3000; ++c) csv += fmt::format("c{},", c);
  csv += "y\n";
  for (int r = 0; r < 200; ++r) {
    for (int c = 0; c < 3000; ++c) csv += fmt::format("{},", (r * 31 + c) % 97);
    csv += fmt::format("{}\n", r);
  }
  const Dataset d = load(csv);
  EXPECT_EQ(d.features.cols(), 3000);
  EXPECT_EQ(d.features(199, 2999), (199 * 31 + 2999) % 97);
}

TEST(LoaderBinary, KnownFormatsAreNamed) {
  EXPECT_NE(error_of(std::string("PK\x03\x04\x14\0\0\0", 8)).find("not a CSV text file: it is a zip archive"),
            std::string::npos);
  EXPECT_NE(error_of("\xFF\xFEx\0,\0y\0").find("UTF-16"), std::string::npos);
  EXPECT_NE(error_of("\x89PNG\r\n\x1a\n").find("a PNG image"), std::string::npos);
  EXPECT_NE(error_of("BZh91AY&SY").find("bzip2"), std::string::npos);
}

TEST(LoaderBinary, NulByteNamesItsLine) {
  std::string csv = "x,y\n1,2\n3,4\n";
  csv += std::string("5,\0", 3) + "6\n";
  EXPECT_EQ(error_of(csv), "in.csv:4: not a CSV text file: it holds a NUL byte (binary data)");
  EXPECT_NE(error_of(std::string("x\0,\0y\0\n\0", 8)).find("UTF-16"), std::string::npos);
}

// ---------------------------------------------------------------- gzip

std::string gzip(const std::string& text) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, text.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

TEST(LoaderGzip, StreamsTheSameDataAsThePlainFile) {
  const std::string csv = messy_csv(11, 400);
  LoadOptions options = with(2, 256, TargetKind::kClassification);
  expect_same(load(csv, options), load(gzip(csv), options), "gzip");
  // Concatenated members continue the data.
  const std::size_t half = csv.find('\n', csv.size() / 2) + 1;
  expect_same(load(csv, options), load(gzip(csv.substr(0, half)) + gzip(csv.substr(half)), options), "members");
}

// ---------------------------------------------------------------- staging

// A numeric file whose rows land in the matrix at offsets fixed before each
// block is parsed: long rows first (so a size-based capacity estimate falls
// short and the storage must grow), then short ones, with blank lines, rows
// dropped for a missing value and line feeds inside a dropped quoted column
// (so rows must move up over unused ones). Returns the CSV and fills the
// matrix and targets it must load as.
std::string staged_csv(int rows, std::vector<double>& values, std::vector<double>& targets) {
  std::mt19937_64 rng(42);
  std::string csv = "a,note,b,c,y\n";
  values.clear();
  targets.clear();
  for (int r = 0; r < rows; ++r) {
    const bool long_row = r < rows / 10;
    const double a = long_row ? 1.0 / (3.0 + r) : static_cast<double>(rng() % 10);
    const double b = static_cast<double>(static_cast<int>(rng() % 2000) - 1000) / 8.0;
    const double c = long_row ? std::ldexp(static_cast<double>(rng() >> 11), -53) : static_cast<double>(rng() % 3);
    const double y = static_cast<double>(rng() % 2);
    const bool missing = rng() % 11 == 0;
    const bool quoted_break = rng() % 7 == 0;
    csv += fmt::format("{:.17g},{},{},{:.17g},{}\n", a, quoted_break ? "\"x\ny\"" : "n", missing ? "NA" : fmt::format("{}", b),
                       c, y);
    if (rng() % 13 == 0) csv += "\n";
    if (missing) continue;
    values.insert(values.end(), {a, b, c});
    targets.push_back(y);
  }
  return csv;
}

TEST(LoaderStaging, NumericRowsLandInPlaceWhateverTheBlocksThreadsAndSizeEstimate) {
  std::vector<double> values, targets;
  const std::string csv = staged_csv(3000, values, targets);
  const std::string zipped = gzip(csv);  // size unknown until read: the capacity grows from a guess
  for (const Precision precision : {Precision::kFloat64, Precision::kFloat32})
    for (const TargetKind kind : {TargetKind::kRegression, TargetKind::kClassification})
      for (const unsigned threads : {1u, 2u, 3u})
        for (const std::size_t block : {std::size_t{64}, std::size_t{700}, std::size_t{4096}, std::size_t{1} << 20})
          for (const bool compressed : {false, true}) {
            LoadOptions options = with(threads, block, kind);
            options.columns.drop = {"note"};
            options.columns.precision = precision;
            const std::string what = fmt::format("precision {} kind {} threads {} block {} gzip {}",
                                                 static_cast<int>(precision), static_cast<int>(kind), threads, block,
                                                 compressed);
            const Dataset d = load(compressed ? zipped : csv, options);
            ASSERT_EQ(d.rows(), static_cast<Index>(targets.size())) << what;
            ASSERT_EQ(d.features.cols(), 3) << what;
            EXPECT_EQ(d.rows_read, 3000u) << what;
            EXPECT_EQ(d.rows_dropped, 3000u - targets.size()) << what;
            bool same = true;
            for (Index i = 0; i < d.rows(); ++i)
              for (Index j = 0; j < 3; ++j) {
                const double want = values[static_cast<std::size_t>(3 * i + j)];
                same = same && d.features(i, j) == (precision == Precision::kFloat32
                                                        ? static_cast<double>(static_cast<float>(want))
                                                        : want);
              }
            EXPECT_TRUE(same) << what;
            EXPECT_TRUE(std::equal(targets.begin(), targets.end(), d.targets.data())) << what;
          }
}

TEST(LoaderStaging, BlankLinesDoNotReserveRowsForAWideFile) {
  // A block's rows are bounded by its bytes per record as well as its line
  // feeds: 8 MiB of blank lines in a 1,000-column file once reserved 64 GB
  // ("out of memory" where the system does not overcommit that much).
  std::string header, row;
  for (int c = 0; c < 1000; ++c) {
    header += fmt::format("x{},", c);
    row += fmt::format("{},", c % 7);
  }
  const std::string csv = header + "y\n" + row + "1\n" + std::string(std::size_t{8} << 20, '\n') + row + "2\n";
  for (const unsigned threads : {1u, 2u}) {
    const Dataset d = load(csv, with(threads, std::size_t{4} << 20));
    ASSERT_EQ(d.rows(), 2) << threads;
    EXPECT_EQ(d.features.cols(), 1000);
    EXPECT_EQ(d.features(1, 999), 999 % 7);
    EXPECT_EQ(d.targets(1), 2.0);
  }
}

TEST(LoaderLimits, OverlongDroppedFieldIsStillAnError) {
  // Rows of plain numbers take a short path that skips dropped columns; a
  // dropped field over the 1 MiB limit is an error there as everywhere.
  const std::string csv = "a,note,y\n1," + std::string((std::size_t{1} << 20) + 1, 'x') + ",2\n3,x,4\n5,y,6\n";
  LoadOptions options;
  options.columns.drop = {"note"};
  EXPECT_NE(error_of(csv, options).find("a field longer than the limit of 1 MiB"), std::string::npos);
}

TEST(LoaderStaging, SampledRowsLandInPlace) {
  std::vector<double> values, targets;
  const std::string csv = staged_csv(2000, values, targets);
  LoadOptions options = with(1, 512);
  options.columns.drop = {"note"};
  options.sample = 500;
  options.seed = 3;
  const Dataset d = load(csv, options);
  EXPECT_TRUE(d.sampled);
  EXPECT_EQ(d.rows_sampled, 500u);
  EXPECT_EQ(d.rows() + static_cast<Index>(d.rows_dropped), 500);
  // Every sampled row is a row of the file, in file order.
  std::size_t at = 0;
  for (Index i = 0; i < d.rows(); ++i) {
    while (at < targets.size() && !(values[3 * at] == d.features(i, 0) && values[3 * at + 1] == d.features(i, 1) &&
                                    values[3 * at + 2] == d.features(i, 2) && targets[at] == d.targets(i)))
      ++at;
    ASSERT_LT(at, targets.size()) << "row " << i;
    ++at;
  }
}

TEST(LoaderGzip, TruncatedDataIsAnError) {
  const std::string z = gzip(messy_csv(3, 200));
  EXPECT_EQ(error_of(z.substr(0, z.size() / 2)), "in.csv: damaged or truncated gzip data");
}

// ---------------------------------------------------------------- sample

std::string numbered_csv(int rows) {
  std::string csv = "id,y\n";
  for (int r = 0; r < rows; ++r) csv += fmt::format("{},{}\n", r, r % 7);
  return csv;
}

TEST(LoaderSample, KeepsNRowsInFileOrderSameForTheSameSeed) {
  const std::string csv = numbered_csv(5000);
  LoadOptions options = with(1, 512);
  options.sample = 300;
  options.seed = 42;
  const Dataset a = load(csv, options);
  EXPECT_TRUE(a.sampled);
  EXPECT_EQ(a.rows(), 300);
  EXPECT_EQ(a.rows_read, 5000u);
  EXPECT_EQ(a.rows_sampled, 300u);
  for (Index i = 1; i < a.rows(); ++i) EXPECT_LT(a.features(i - 1, 0), a.features(i, 0));
  for (Index i = 0; i < a.rows(); ++i) EXPECT_EQ(a.targets(i), std::fmod(a.features(i, 0), 7.0));
  options.threads = 3;
  options.block_bytes = 100;
  expect_same(a, load(csv, options), "threads and blocks");
  options.seed = 43;
  EXPECT_NE(a.features.f64(), load(csv, options).features.f64());
}

TEST(LoaderSample, EveryRowIsEquallyLikely) {
  // 200 rows, samples of 20 under 1000 seeds: each row is expected 100 times.
  const std::string csv = numbered_csv(200);
  std::vector<int> hits(200, 0);
  LoadOptions options;
  options.sample = 20;
  for (std::uint64_t seed = 0; seed < 1000; ++seed) {
    options.seed = seed;
    const Dataset d = load(csv, options);
    for (Index i = 0; i < d.rows(); ++i) ++hits[static_cast<std::size_t>(d.features(i, 0))];
  }
  double chi2 = 0.0;
  for (const int h : hits) chi2 += (h - 100.0) * (h - 100.0) / 100.0;
  // 199 degrees of freedom: mean 199, sd 20; a biased sampler lands far above.
  EXPECT_LT(chi2, 290.0);
  EXPECT_GT(*std::min_element(hits.begin(), hits.end()), 60);
}

TEST(LoaderSample, LargerThanTheFileKeepsEveryRow) {
  LoadOptions options;
  options.sample = 1000;
  const Dataset d = load(numbered_csv(50), options);
  EXPECT_EQ(d.rows(), 50);
  EXPECT_EQ(d.rows_read, 50u);
}

TEST(LoaderSample, ErrorsInSampledRowsNameTheirOwnLine) {
  std::string csv = numbered_csv(100);
  csv += "\"x\ny\",oops\n";  // line 102; every row is kept with a sample of 1000
  LoadOptions options;
  options.sample = 1000;
  EXPECT_EQ(error_of(csv, options).rfind("in.csv:102:1: column 'id' holds numbers but also the text 'x\ny'", 0), 0u)
      << error_of(csv, options);
}

}  // namespace
}  // namespace lrfind

namespace lrfind {
namespace {

// A stop request (Ctrl-C, SIGTERM) is polled once per block: the load ends
// with Interrupted, even when a later block holds an error.
TEST(LoaderInterrupt, StopRequestWhileReadingThrowsInterrupted) {
  std::string csv = "a,b,y\n";
  for (int i = 0; i < 400; ++i) csv += fmt::format("{},{},{}\n", i, i % 7, i % 3);
  csv += "1,2\n";  // ragged, at the end: never reached
  for (const unsigned threads : {1u, 3u}) {
    const StopToken stop;
    LoadOptions options = with(threads, 64);
    options.stop = &stop;
    int reports = 0;
    options.progress = [&](double, std::string_view) {
      if (++reports == 3) stop.request(SIGTERM);
    };
    try {
      load(csv, options);
      ADD_FAILURE() << "no Interrupted with " << threads << " threads";
    } catch (const Interrupted& e) {
      EXPECT_EQ(e.exit_code(), 143);
      EXPECT_STREQ(e.what(), "interrupted by SIGTERM while reading the input, before any result");
    }
  }
  const StopToken stopped;
  stopped.request(SIGINT);
  LoadOptions sampled = with(1, 64);
  sampled.sample = 10;
  sampled.stop = &stopped;
  EXPECT_THROW(load(csv, sampled), Interrupted);
  EXPECT_EQ(load("a,y\n1,2\n3,4\n").rows(), 2);  // another load, with its own token, is not stopped
}

}  // namespace
}  // namespace lrfind
