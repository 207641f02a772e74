// Bad svmlight input: each error is one DataError naming SOURCE:LINE:COLUMN
// of the token at fault (or SOURCE:LINE, or SOURCE alone for the whole input).
#include <gtest/gtest.h>

#include <string>

#include "load/limits.hpp"
#include "load/loader.hpp"
#include "lrfind/error.hpp"

namespace lrfind {
namespace {

struct BadCase {
  const char* name;
  std::string text;
  TargetKind kind;
  std::string error;
};

std::string error_of(const std::string& text, TargetKind kind) {
  LoadOptions options;
  options.kind = kind;
  try {
    load_dataset_from_bytes(text, "in.svm", options);
  } catch (const DataError& e) {
    return e.what();
  } catch (const Error& e) {
    return std::string("not a DataError: ") + e.what();
  }
  return "no error";
}

constexpr TargetKind kReg = TargetKind::kRegression;
constexpr TargetKind kCls = TargetKind::kClassification;

TEST(SvmlightErrors, EachIsPositionedAtItsToken) {
  const BadCase cases[] = {
      {"multilabel", "1 1:1\n1,3 1:2 2:1\n", kCls,
       "in.svm:2:1: multilabel rows are not supported: the label '1,3' holds several labels"},
      {"descending", "1 1:1\n0 2:1 5:1 3:1\n", kReg,
       "in.svm:2:11: feature index 3 after 5: indices must ascend within a line"},
      {"repeated", "1 1:1 1:2\n0 2:1\n", kReg,
       "in.svm:1:7: feature index 1 repeated: indices must ascend within a line"},
      {"non-integer index", "1 1:1\n0 1.5:2\n", kReg,
       "in.svm:2:3: the feature index '1.5' is not a whole number (in '1.5:2')"},
      {"negative index", "1 -1:1\n0 1:2\n", kReg,
       "in.svm:1:3: feature index -1 is negative: an index must be a positive integer (0 or more with "
       "--zero-based)"},
      {"missing colon", "1 1:1 2\n0 1:2\n", kReg, "in.svm:1:7: '2' is not a feature index:value: it has no ':'"},
      {"bad value", "1 1:1\n0 1:2 2:abc\n", kReg, "in.svm:2:9: feature 2: value 'abc' is not a number"},
      {"empty value", "1 1:1\n0 1:\n", kReg, "in.svm:2:5: feature 1: value '' is not a number"},
      {"inf value", "1 1:inf\n0 1:2\n", kReg, "in.svm:1:5: feature 1: value 'inf' is not finite"},
      {"nan value", "1 1:1\n0 1:nan\n", kReg, "in.svm:2:5: feature 1: value 'nan' is not finite"},
      {"overflowing value", "1 1:1e999\n0 1:2\n", kReg, "in.svm:1:5: feature 1: value '1e999' is not finite"},
      {"huge index", "1 1:1\n0 2147483648:1\n", kReg,
       "in.svm:2:3: feature index 2147483648 is above the limit of 2147483647"},
      {"bad qid", "1 qid:x 1:1\n0 qid:1 1:2\n", kReg, "in.svm:1:3: qid 'x' is not a whole number"},
      {"qid after features", "1 1:1 qid:2\n0 1:2\n", kReg, "in.svm:1:7: a qid must come once, right after the label"},
      {"text label for regression", "1 1:1\ncat 1:2\n", kReg,
       "in.svm:2:1: the regression target 'label' is not numeric: 'cat' (for class labels use --model logistic or "
       "svm)"},
      {"infinite regression label", "inf 1:1\n0 1:2\n", kReg, "in.svm:1:1: target 'label': non-finite number 'inf'"},
      {"label with a colon", "1 1:1\n 2:1 3:1\n", kReg,
       "in.svm:2:2: the line starts with '2:1', not a label: svmlight lines read 'label index:value ...'"},
      {"column counts characters", "1 1:1\né 1:x\n", kCls, "in.svm:2:5: feature 1: value 'x' is not a number"},
      {"empty", "", kReg, "in.svm: no data rows: svmlight lines read 'label index:value ...'"},
      {"only comments", "# one\n\n  # two\n", kReg,
       "in.svm: no data rows: svmlight lines read 'label index:value ...'"},
      {"one row", "1 1:1\n", kReg,
       "in.svm: 1 usable row (1 read, 0 dropped for missing values); at least 2 are needed"},
      {"no features", "1\n0\n", kReg, "in.svm: no feature index:value in any row, and no --features"},
      {"one class", "1 1:1\n1 2:1\n", kCls,
       "in.svm: the target 'label' has a single class ('1'); a classifier needs at least two"},
      {"nul byte",
       std::string("1 1:1\n0 1:\0"
                   "2\n",
                   13),
       kReg, "in.svm:2: not an svmlight text file: it holds a NUL byte (binary data)"},
  };
  for (const BadCase& c : cases) EXPECT_EQ(error_of(c.text, c.kind), c.error) << c.name;
}

std::string forced_error(const std::string& text, const std::string& source) {
  LoadOptions options;
  options.format = InputFormat::kSvmlight;
  options.kind = kCls;
  try {
    load_dataset_from_bytes(text, source, options);
  } catch (const DataError& e) {
    return e.what();
  }
  return "no error";
}

// CSV read as svmlight (--input-format svmlight, or a .svm name) is named as
// CSV at its first line, not taken for a multilabel row.
TEST(SvmlightErrors, CsvTextReadAsSvmlightIsNamedAsCsv) {
  EXPECT_EQ(forced_error("x1,x2,y\n0.5,1,0\n1.5,2,1\n", "a.csv"),
            "a.csv:1: not svmlight text ('label index:value ...'): the line has no index:value pair, and the file "
            "reads as ','-separated CSV; --input-format csv reads it as CSV");
  EXPECT_EQ(forced_error("\n0.5;1;0\n1.5;2;1\n", "a.svm"),
            "a.svm:2: not svmlight text ('label index:value ...'): the line has no index:value pair, and the file "
            "reads as ';'-separated CSV; --input-format csv reads it as CSV");
  // svmlight at fault on a later line keeps its own positioned error.
  EXPECT_EQ(forced_error("1\t1:1\t2:1\n0\t1:2\t2:abc\n", "a.txt"),
            "a.txt:2:9: feature 2: value 'abc' is not a number");
  EXPECT_EQ(forced_error("1 1:1\n1,3 1:2 2:1\n", "a.txt"),
            "a.txt:2:1: multilabel rows are not supported: the label '1,3' holds several labels");
}

TEST(SvmlightErrors, ANegativeIndexWithZeroBasedIndices) {
  LoadOptions options;
  options.zero_based = true;
  try {
    load_dataset_from_bytes("1 0:1\n0 1:1 -2:1\n", "in.svm", options);
    ADD_FAILURE() << "no error";
  } catch (const DataError& e) {
    EXPECT_STREQ(e.what(), "in.svm:2:7: feature index -2 is negative: an index must be 0 or more (--zero-based)");
  }
}

TEST(SvmlightErrors, TooManyClassesAsInCsv) {
  std::string text;
  for (int i = 0; i <= 1000; ++i) text += "c" + std::to_string(i) + " 1:1\n";
  EXPECT_EQ(error_of(text, kCls),
            "in.svm: the target 'label' has more than 1000 distinct values; a classifier cannot have that many "
            "classes (for a numeric target use --model linear)");
}

TEST(SvmlightErrors, ALineLongerThanTheLimit) {
  std::string text = "1 1:1\n0";
  for (std::size_t i = 1; text.size() < kMaxRecordBytes + 1024; ++i) text += " " + std::to_string(i) + ":1";
  EXPECT_EQ(error_of(text + "\n", kReg), "in.svm:2: a row longer than the limit of 64 MiB");
}

// A NUL byte past the first 4 KiB is named in file order, and the bytes that
// tell binary data from UTF-16 stay on its line, so the message is the same
// whatever block holds the line.
TEST(SvmlightErrors, ANulByteIsNamedAlikeWhateverTheBlocks) {
  std::string text;
  while (text.size() < 5000) text += "1 1:0.25 2:0.5 3:0.75 4:1 5:1.25 6:1.5 7:1.75\n";
  text += std::string(10, '\0');
  LoadOptions options;
  options.block_bytes = std::size_t{4} << 20;
  std::string expected;
  try {
    load_dataset_from_bytes(text, "in.svm", options);
  } catch (const DataError& e) {
    expected = e.what();
  }
  EXPECT_NE(expected.find("not an svmlight text file: it holds a NUL byte (UTF-16 text?"), std::string::npos)
      << expected;
  for (std::size_t block = 64; block < 200; ++block) {
    options.block_bytes = block;
    options.threads = 2;
    try {
      load_dataset_from_bytes(text, "in.svm", options);
      ADD_FAILURE() << "no error";
    } catch (const DataError& e) {
      EXPECT_EQ(e.what(), expected) << block;
    }
  }
}

// Quotes mean nothing in svmlight: one opened in a comment must not make the
// reader look for its end as CSV's would, up to the record limit.
TEST(SvmlightErrors, AQuoteInACommentOpensNothing) {
  std::string text = "1 1:1\n# a,\"quote\n";  // a CSV field that opens a quote
  const std::string comment(1000, 'c');
  while (text.size() <= kMaxRecordBytes + 4096) text += "0 2:1 # " + comment + "\n";
  EXPECT_EQ(error_of(text, kReg), "no error");
}

}  // namespace
}  // namespace lrfind
