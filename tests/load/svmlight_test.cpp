// The svmlight/libsvm reader: hand-written inputs parsed to the exact
// compressed sparse rows, labels and classes; index bases; --features; qid;
// comments, blank lines and line ends; gzip and standard input; format
// recognition; and every error positioned as SOURCE:LINE:COLUMN.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "io/gzip_support.hpp"
#include "load/loader.hpp"
#include "lrfind/error.hpp"

namespace lrfind {
namespace {

Dataset svm(const std::string& text, LoadOptions options = {}, const std::string& source = "in.svm") {
  return load_dataset_from_bytes(text, source, options);
}

LoadOptions classify() {
  LoadOptions o;
  o.kind = TargetKind::kClassification;
  return o;
}

std::string error_of(const std::string& text, const LoadOptions& options = {}, const std::string& source = "in.svm") {
  try {
    svm(text, options, source);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

const CsrF64& csr(const Dataset& d) { return d.features.csr64(); }

using I32 = std::vector<std::int32_t>;
using I64 = std::vector<std::int64_t>;
using F64 = std::vector<double>;

// Labels in three spellings of one class, a comment after a row, a comment
// line, a blank line, an explicit zero (left out of storage) and a row with
// no features.
const std::string kExample =
    "# made by hand\n"
    "1 1:0.5 3:-2 # first row\n"
    "\n"
    "-1 2:1.5e1\n"
    "+1 1:1 2:0 4:3\n"
    "1.0\n";

TEST(SvmlightReader, HandWrittenExampleGivesTheExactRows) {
  const Dataset d = svm(kExample);
  ASSERT_TRUE(d.features.sparse());
  EXPECT_EQ(d.features.precision(), Precision::kFloat64);
  EXPECT_EQ(d.features.cols(), 4);
  EXPECT_EQ(csr(d).offsets, (I64{0, 2, 3, 5, 5}));
  EXPECT_EQ(csr(d).indices, (I32{0, 2, 1, 0, 3}));
  EXPECT_EQ(csr(d).values, (F64{0.5, -2, 15, 1, 3}));
  EXPECT_EQ(d.targets, (Eigen::VectorXd(4) << 1, -1, 1, 1).finished());
  EXPECT_TRUE(d.feature_names.empty());
  EXPECT_TRUE(d.classes.empty());
  EXPECT_TRUE(d.groups.empty());
  EXPECT_EQ(d.target_name, "label");
  EXPECT_EQ(d.format, "svmlight");
  EXPECT_EQ(d.rows_read, 4u);
  EXPECT_EQ(d.rows_sampled, 4u);
  EXPECT_EQ(d.rows_dropped, 0u);
}

TEST(SvmlightReader, ClassesAreOrderedAsInCsvAndNamedByTheirFirstText) {
  const Dataset d = svm(kExample, classify());
  EXPECT_EQ(d.classes, (std::vector<std::string>{"-1", "1"}));
  EXPECT_EQ(d.targets, (Eigen::VectorXd(4) << 1, 0, 1, 1).finished());
  // Numbers by value (2 before 10), text labels as text.
  EXPECT_EQ(svm("10 1:1\n2 1:2\n+10 1:3\n", classify()).classes, (std::vector<std::string>{"2", "10"}));
  // -0 and 0: one class by value, two by text, as in CSV.
  EXPECT_EQ(svm("-0 1:1\n1 1:2\n0 1:3\n", classify()).classes, (std::vector<std::string>{"-0", "1"}));
  EXPECT_EQ(svm("-0 1:1\nx 1:2\n0 1:3\n", classify()).classes, (std::vector<std::string>{"-0", "0", "x"}));
  const Dataset text = svm("dog 1:1\ncat 2:1\nfish 1:1\n3 1:1\ndog 1:2\n", classify());
  EXPECT_EQ(text.classes, (std::vector<std::string>{"3", "cat", "dog", "fish"}));
  EXPECT_EQ(text.targets, (Eigen::VectorXd(5) << 2, 1, 3, 0, 2).finished());
}

TEST(SvmlightReader, Float32HalvesTheValues) {
  LoadOptions o;
  o.columns.precision = Precision::kFloat32;
  const Dataset d = svm(kExample, o);
  EXPECT_EQ(d.features.precision(), Precision::kFloat32);
  EXPECT_EQ(d.features.csr32().values, (std::vector<float>{0.5f, -2, 15, 1, 3}));
  EXPECT_EQ(d.features.csr32().indices, (I32{0, 2, 1, 0, 3}));
}

TEST(SvmlightReader, Float32RefusesValuesBeyondItsRangeAndDropsTinyOnes) {
  LoadOptions o;
  o.columns.precision = Precision::kFloat32;
  EXPECT_EQ(error_of("1 1:1\n0 2:1e99\n", o),
            "in.svm:2:5: feature 2: value '1e99' is beyond the range of 32-bit floats (--float32)");
  const Dataset d = svm("1 1:1 2:1e-60\n0 2:1\n", o);
  EXPECT_EQ(d.features.csr32().indices, (I32{0, 1}));
  EXPECT_EQ(svm("1 1:1 2:1e-60\n0 2:1e99\n").features.csr64().values, (F64{1, 1e-60, 1e99}));
}

TEST(SvmlightReader, AnyZeroIndexMakesTheInputZeroBased) {
  const Dataset zero = svm("1 1:1 2:3\n0 0:2\n");
  EXPECT_EQ(zero.features.cols(), 3);
  EXPECT_EQ(csr(zero).indices, (I32{1, 2, 0}));
  const Dataset one = svm("1 1:1 2:3\n0 3:2\n");
  EXPECT_EQ(one.features.cols(), 3);
  EXPECT_EQ(csr(one).indices, (I32{0, 1, 2}));
}

TEST(SvmlightReader, ZeroBasedCanBeForcedEitherWay) {
  LoadOptions zero;
  zero.zero_based = true;
  const Dataset d = svm("1 1:1\n0 2:2\n", zero);
  EXPECT_EQ(d.features.cols(), 3);
  EXPECT_EQ(csr(d).indices, (I32{1, 2}));
  LoadOptions one;
  one.zero_based = false;
  EXPECT_EQ(error_of("1 1:1\n0 0:1 2:2\n", one),
            "in.svm:2:3: feature index 0, but indices count from 1 here (zero-based indices were turned off)");
}

TEST(SvmlightReader, FeaturesMayExceedTheData) {
  LoadOptions o;
  o.features = 10;
  const Dataset d = svm("1 1:1\n0 4:2\n", o);
  EXPECT_EQ(d.features.cols(), 10);
  EXPECT_EQ(csr(d).indices, (I32{0, 3}));
  // 1-based, index 10 is the last feature; counted from 0 it is one too many.
  EXPECT_EQ(svm("1 10:1\n0 4:2\n", o).features.cols(), 10);
  EXPECT_EQ(error_of("1 1:1\n0 4:2 11:1\n", o),
            "in.svm:2:7: feature index 11 is beyond --features 10 (indices count from 1)");
  EXPECT_EQ(error_of("1 0:1\n0 4:2 10:1\n", o),
            "in.svm:2:7: feature index 10 is beyond --features 10 (indices count from 0)");
}

TEST(SvmlightReader, QidsBecomeGroups) {
  const Dataset d = svm("3 qid:1 1:1\n2 qid:1 2:1\n# next query\n1 qid:7 1:2\n");
  EXPECT_EQ(d.groups, (I64{1, 1, 7}));
  EXPECT_EQ(csr(d).indices, (I32{0, 1, 0}));
  EXPECT_EQ(error_of("3 qid:1 1:1\n2 2:1\n"), "in.svm:2: no qid on this line, but earlier lines have one");
  EXPECT_EQ(error_of("3 1:1\n2 qid:4 2:1\n"), "in.svm:2: a qid on this line, but earlier lines have none");
}

TEST(SvmlightReader, LineEndsAndAMissingFinalNewlineReadAlike) {
  const std::string lf = "1 1:0.5 3:2\n0 2:1 # c\n\n1 1:1\n";
  const Dataset a = svm(lf);
  std::string crlf;
  for (const char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  for (const std::string& text : {crlf, lf.substr(0, lf.size() - 1), crlf.substr(0, crlf.size() - 2)}) {
    const Dataset b = svm(text);
    EXPECT_EQ(csr(a).offsets, csr(b).offsets);
    EXPECT_EQ(csr(a).indices, csr(b).indices);
    EXPECT_EQ(csr(a).values, csr(b).values);
    EXPECT_EQ(a.targets, b.targets);
  }
}

TEST(SvmlightReader, AByteOrderMarkIsNotPartOfTheFirstLabel) {
  const Dataset d = svm("\xEF\xBB\xBF" + kExample, {}, "a.txt");
  EXPECT_EQ(d.format, "svmlight");
  EXPECT_EQ(csr(d).indices, (I32{0, 2, 1, 0, 3}));
  EXPECT_EQ(d.targets[0], 1.0);
}

TEST(SvmlightReader, MissingLabelsDropTheirRows) {
  const Dataset d = svm("1 1:1\nnan 2:1\n0 3:1\nNA 1:5\n");
  EXPECT_EQ(d.rows(), 2);
  EXPECT_EQ(d.rows_read, 4u);
  EXPECT_EQ(d.rows_dropped, 2u);
  EXPECT_EQ(csr(d).offsets, (I64{0, 1, 2}));
  EXPECT_EQ(csr(d).indices, (I32{0, 2}));
}

TEST(SvmlightReader, GzipIsReadAsItsText) {
  const Dataset d = svm(test::gzip(kExample), classify());
  EXPECT_EQ(csr(d).indices, (I32{0, 2, 1, 0, 3}));
  EXPECT_EQ(d.classes, (std::vector<std::string>{"-1", "1"}));
}

TEST(SvmlightReader, StandardInputIsRecognisedByItsContent) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], kExample.data(), kExample.size()), static_cast<ssize_t>(kExample.size()));
  ::close(fds[1]);
  const int saved = ::dup(0);
  ::dup2(fds[0], 0);
  ::close(fds[0]);
  Dataset d;
  std::string error;
  try {
    d = load_dataset("-", classify());
  } catch (const Error& e) {
    error = e.what();
  }
  ::dup2(saved, 0);
  ::close(saved);
  ASSERT_EQ(error, "");
  EXPECT_EQ(d.format, "svmlight");
  EXPECT_EQ(csr(d).indices, (I32{0, 2, 1, 0, 3}));
}

TEST(SvmlightFormat, RecognisedByExtensionOrContent) {
  const std::string csv_like = "1 1:1\n0 2:1\n";
  for (const char* name : {"a.svm", "a.SVMLIGHT", "a.libsvm", "a.svm.gz", "a.txt", "<stdin>"})
    EXPECT_EQ(svm(csv_like, {}, name).format, "svmlight") << name;
  // A label-only first line is neither; the pairs of the next decide.
  EXPECT_EQ(svm("1\n0 1:1\n", {}, "a.txt").format, "svmlight");
  // qid and comments before the data.
  EXPECT_EQ(svm("# header\n\n1 qid:3 1:1\n0 qid:3 2:1\n", {}, "a.txt").format, "svmlight");
}

TEST(SvmlightFormat, CsvWithColonsInItsCellsStaysCsv) {
  for (const std::string& csv :
       {std::string("time,load,y\n12:30,5,1\n13:45,6,0\n14:00,7,1\n"), std::string("t\n12:30\n13:45\n"),
        std::string("a b,y\n1 2:30,1\n3 4:50,0\n"), std::string("x;y\n1;2\n3;4\n")}) {
    std::string format;
    try {
      format = svm(csv, {}, "a.csv").format;
    } catch (const DataError& e) {
      format = "csv (an error: " + std::string(e.what()) + ")";
      EXPECT_EQ(std::string(e.what()).find("svmlight"), std::string::npos) << e.what();
      continue;
    }
    EXPECT_EQ(format, "csv") << csv;
  }
}

TEST(SvmlightFormat, GivenFormatWins) {
  LoadOptions o;
  o.format = InputFormat::kSvmlight;
  EXPECT_EQ(svm("1 1:1\n0 2:1\n", o, "a.csv").format, "svmlight");
  o.format = InputFormat::kCsv;
  EXPECT_EQ(svm("x,y\n1,2\n3,4\n", o, "a.svm").format, "csv");
}

// svmlight text read as CSV: the errors of one field a line name the format,
// not a delimiter.
TEST(SvmlightFormat, SvmlightTextReadAsCsvSaysSo) {
  LoadOptions o;
  o.format = InputFormat::kCsv;
  const std::string hint =
      " (the content looks like svmlight: --input-format svmlight, or none, reads it as such)";
  EXPECT_EQ(error_of("1 1:0.5 3:-2\n0 2:1\n", o),
            "in.svm:1: the header names one column; a feature and a target are needed" + hint);
  EXPECT_EQ(error_of("# a, b\n1 1:0.5 3:-2\n0 2:1\n", o), "in.svm:2: row has 1 field, the header has 2" + hint);
}

TEST(SvmlightFormat, OptionsOfTheOtherFormatAreUsageErrors) {
  LoadOptions o;
  o.delimiter = ';';
  EXPECT_EQ(error_of("1 1:1\n0 2:1\n", o),
            "--delimiter applies to CSV input, and in.svm is read as svmlight "
            "(--input-format csv reads it as CSV)");
  o = {};
  o.columns.target = "y";
  EXPECT_NE(error_of("1 1:1\n0 2:1\n", o).find("--target applies to CSV input"), std::string::npos);
  o = {};
  o.columns.max_categories = 5;
  EXPECT_NE(error_of("1 1:1\n0 2:1\n", o).find("--max-categories applies to CSV input"), std::string::npos);
  o = {};
  o.zero_based = true;
  EXPECT_EQ(error_of("x,y\n1,2\n3,4\n", o, "a.csv"),
            "--zero-based applies to svmlight input, and a.csv is read as CSV (--input-format svmlight reads it as "
            "svmlight)");
  o = {};
  o.features = 3;
  EXPECT_NE(error_of("x,y\n1,2\n3,4\n", o, "a.csv").find("--features applies to svmlight input"), std::string::npos);
  try {
    svm("1 1:1\n0 2:1\n", LoadOptions{.delimiter = ','});
    ADD_FAILURE() << "no error";
  } catch (const UsageError&) {
  }
}

}  // namespace
}  // namespace lrfind
