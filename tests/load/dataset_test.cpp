#include "load/dataset.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "load/loader.hpp"
#include "lrfind/error.hpp"

namespace lrfind {
namespace {

const std::string kSource = "d.csv";
using Names = std::vector<std::string>;

Dataset load(const std::string& csv, const DatasetOptions& options = {}, TargetKind kind = TargetKind::kRegression) {
  LoadOptions load;
  load.columns = options;
  load.kind = kind;
  return load_dataset_from_bytes(csv, kSource, load);
}

Dataset load_classes(const std::string& csv, const DatasetOptions& options = {}) {
  return load(csv, options, TargetKind::kClassification);
}

DatasetOptions target(std::string column) {
  DatasetOptions options;
  options.target = std::move(column);
  return options;
}

DatasetOptions drop(std::vector<std::string> columns) {
  DatasetOptions options;
  options.drop = std::move(columns);
  return options;
}

// Loads a table that must be rejected as bad data and returns the DataError.
DataError data_error(const std::string& csv, const DatasetOptions& options = {},
                     TargetKind kind = TargetKind::kRegression) {
  try {
    load(csv, options, kind);
  } catch (const DataError& e) {
    return e;
  }
  ADD_FAILURE() << "no DataError for:\n" << csv;
  return DataError("", -1, "no error");
}

// Loads a table whose options must be rejected and returns the message.
std::string usage_error(const std::string& csv, const DatasetOptions& options) {
  try {
    load(csv, options);
  } catch (const UsageError& e) {
    EXPECT_EQ(e.exit_code(), kExitUsage);
    return e.what();
  }
  ADD_FAILURE() << "no UsageError";
  return "";
}

Matrix matrix(Index rows, Index cols, std::initializer_list<double> values) {
  Matrix m(rows, cols);
  Index i = 0;
  for (const double v : values) m.data()[i++] = v;  // row-major: values row by row
  return m;
}

Vector vector(std::initializer_list<double> values) {
  Vector v(static_cast<Index>(values.size()));
  Index i = 0;
  for (const double x : values) v(i++) = x;
  return v;
}

// ---------------------------------------------------------------- target

TEST(DatasetTarget, DefaultsToTheLastColumn) {
  const Dataset d = load("x,y,t\n1,2,3\n4,5,6\n");
  EXPECT_EQ(d.target_name, "t");
  EXPECT_EQ(d.feature_names, (Names{"x", "y"}));
  EXPECT_EQ(d.features.f64(), matrix(2, 2, {1, 2, 4, 5}));
  EXPECT_EQ(d.targets, vector({3, 6}));
  EXPECT_EQ(d.rows(), 2);
  EXPECT_EQ(d.rows_read, 2u);
  EXPECT_EQ(d.rows_dropped, 0u);
  EXPECT_TRUE(d.classes.empty());
  EXPECT_TRUE(d.categorical_columns.empty());
}

TEST(DatasetTarget, SelectedByHeaderName) {
  const Dataset d = load("x,y,t\n1,2,3\n4,5,6\n", target("x"));
  EXPECT_EQ(d.target_name, "x");
  EXPECT_EQ(d.feature_names, (Names{"y", "t"}));
  EXPECT_EQ(d.features.f64(), matrix(2, 2, {2, 3, 5, 6}));
  EXPECT_EQ(d.targets, vector({1, 4}));
}

TEST(DatasetTarget, SelectedByOneBasedIndex) {
  const Dataset d = load("x,y,t\n1,2,3\n4,5,6\n", target("2"));
  EXPECT_EQ(d.target_name, "y");
  EXPECT_EQ(d.feature_names, (Names{"x", "t"}));
  EXPECT_EQ(d.features.f64(), matrix(2, 2, {1, 3, 4, 6}));
  EXPECT_EQ(d.targets, vector({2, 5}));
}

TEST(DatasetTarget, HeaderNameWinsOverIndex) {
  // Column 1 is literally named "3": "--target 3" means that column, not the third.
  const Dataset d = load("3,a,b\n10,20,30\n40,50,60\n", target("3"));
  EXPECT_EQ(d.target_name, "3");
  EXPECT_EQ(d.targets, vector({10, 40}));
}

TEST(DatasetTarget, UnknownNameIsUsageErrorListingTheColumns) {
  EXPECT_EQ(usage_error("x,y,t\n1,2,3\n4,5,6\n", target("z")),
            "--target: no column named 'z' and no column number z (columns: x, y, t)");
}

TEST(DatasetTarget, IndexOutOfRangeIsUsageError) {
  const std::string csv = "x,y,t\n1,2,3\n4,5,6\n";
  EXPECT_EQ(usage_error(csv, target("0")), "--target: no column named '0' and no column number 0 (columns: x, y, t)");
  EXPECT_EQ(usage_error(csv, target("4")), "--target: no column named '4' and no column number 4 (columns: x, y, t)");
  EXPECT_THROW(load(csv, target("-1")), UsageError);
  EXPECT_THROW(load(csv, target("2x")), UsageError);
}

TEST(DatasetTarget, ColumnListInMessageIsCutAfterTwelve) {
  std::string header;
  std::string row;
  for (int c = 1; c <= 14; ++c) {
    header += (c > 1 ? "," : "") + std::string("c") + std::to_string(c);
    row += (c > 1 ? "," : "") + std::to_string(c);
  }
  const std::string message = usage_error(header + "\n" + row + "\n" + row + "\n", target("nope"));
  EXPECT_NE(message.find("(columns: c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, ...)"), std::string::npos)
      << message;
}

TEST(DatasetTarget, SingleColumnTableIsDataError) {
  const DataError e = data_error("x\n1\n2\n");
  EXPECT_EQ(e.line(), 1);
  EXPECT_EQ(std::string(e.what()),
            "d.csv:1: the header names one column; a feature and a target are needed (check --delimiter)");
}

// ---------------------------------------------------------------- drop

TEST(DatasetDrop, ColumnsByNameAndIndexAreRemoved) {
  const Dataset d = load("a,b,c,d,t\n1,2,3,4,5\n6,7,8,9,10\n", drop({"b", "3"}));
  EXPECT_EQ(d.feature_names, (Names{"a", "d"}));
  EXPECT_EQ(d.features.f64(), matrix(2, 2, {1, 4, 6, 9}));
  EXPECT_EQ(d.targets, vector({5, 10}));
}

TEST(DatasetDrop, DroppingTheTargetIsUsageError) {
  const std::string csv = "a,b,t\n1,2,3\n4,5,6\n";
  EXPECT_EQ(usage_error(csv, drop({"t"})), "--drop: 't' is the target column");
  EXPECT_EQ(usage_error(csv, drop({"3"})), "--drop: '3' is the target column");
  DatasetOptions options = target("a");
  options.drop = {"1"};
  EXPECT_EQ(usage_error(csv, options), "--drop: '1' is the target column");
}

TEST(DatasetDrop, UnknownColumnIsUsageError) {
  EXPECT_EQ(usage_error("a,b,t\n1,2,3\n4,5,6\n", drop({"q"})),
            "--drop: no column named 'q' and no column number q (columns: a, b, t)");
}

TEST(DatasetDrop, DroppingEveryFeatureIsUsageError) {
  EXPECT_EQ(usage_error("a,b,t\n1,2,3\n4,5,6\n", drop({"a", "2"})), "no feature columns left after --drop");
}

TEST(DatasetDrop, MissingValueInDroppedColumnKeepsTheRow) {
  const Dataset d = load("a,junk,t\n1,NA,3\n4,,6\n", drop({"junk"}));
  EXPECT_EQ(d.rows(), 2);
  EXPECT_EQ(d.rows_dropped, 0u);
  EXPECT_EQ(d.features.f64(), matrix(2, 1, {1, 4}));
}

TEST(DatasetDrop, TextInDroppedColumnIsNotEncoded) {
  const Dataset d = load("a,name,t\n1,ann,3\n4,bob,6\n", drop({"name"}));
  EXPECT_EQ(d.feature_names, (Names{"a"}));
  EXPECT_TRUE(d.categorical_columns.empty());
}

// ---------------------------------------------------------------- missing

TEST(DatasetIsMissing, RecognisesExactlyTheListedTokens) {
  for (const char* token : {"", "NA", "N/A", "NaN", "nan", "null", "?", "  ", " NA ", "\tnull"})
    EXPECT_TRUE(is_missing(token)) << "'" << token << "'";
  for (const char* token : {"0", "na", "NULL", "none", "-", "NAN", "n/a", "??", "x"})
    EXPECT_FALSE(is_missing(token)) << "'" << token << "'";
}

TEST(DatasetMissing, EachMissingTokenDropsItsRowAndIsCounted) {
  const Dataset d = load(
      "x,y,t\n"
      "1,2,3\n"
      ",2,3\n"
      "1,NA,3\n"
      "1,2,N/A\n"
      "NaN,2,3\n"
      "1,nan,3\n"
      "1,2,null\n"
      "?,2,3\n"
      "4,5,6\n"
      " NA ,2,3\n");
  EXPECT_EQ(d.rows_read, 10u);
  EXPECT_EQ(d.rows_dropped, 8u);
  EXPECT_EQ(d.features.f64(), matrix(2, 2, {1, 2, 4, 5}));
  EXPECT_EQ(d.targets, vector({3, 6}));
}

TEST(DatasetMissing, MissingCellsDoNotCreateCategories) {
  const Dataset d = load("c,t\nred,1\n?,2\nblue,3\nNA,4\n");
  EXPECT_EQ(d.feature_names, (Names{"c=blue", "c=red"}));
  EXPECT_EQ(d.targets, vector({1, 3}));
  EXPECT_EQ(d.rows_dropped, 2u);
}

TEST(DatasetMissing, MissingCellsDoNotMakeANumericColumnCategorical) {
  const Dataset d = load("x,t\n1.5,1\nNA,2\n-2,3\n");
  EXPECT_EQ(d.feature_names, (Names{"x"}));
  EXPECT_TRUE(d.categorical_columns.empty());
  EXPECT_EQ(d.features.f64(), matrix(2, 1, {1.5, -2}));
}

// ---------------------------------------------------------------- feature types

TEST(DatasetCategorical, OneHotColumnsInSortedOrder) {
  const Dataset d = load("n,color,t\n1,red,10\n2,blue,20\n3,green,30\n4,blue,40\n");
  EXPECT_EQ(d.feature_names, (Names{"n", "color=blue", "color=green", "color=red"}));
  EXPECT_EQ(d.categorical_columns, (Names{"color"}));
  EXPECT_EQ(d.features.f64(), matrix(4, 4,
                               {1, 0, 0, 1,  //
                                2, 1, 0, 0,  //
                                3, 0, 1, 0,  //
                                4, 1, 0, 0}));
  EXPECT_EQ(d.targets, vector({10, 20, 30, 40}));
}

TEST(DatasetCategorical, SortOrderIsByteOrder) {
  const Dataset d = load("c,t\nb,1\nB,2\na,3\n10,4\n9,5\n");
  EXPECT_EQ(d.feature_names, (Names{"c=10", "c=9", "c=B", "c=a", "c=b"}));
}

TEST(DatasetCategorical, OneNonNumberMakesTheColumnCategorical) {
  const Dataset d = load("x,t\n1,1\n2,2\nx,3\n1,4\n");
  EXPECT_EQ(d.categorical_columns, (Names{"x"}));
  EXPECT_EQ(d.feature_names, (Names{"x=1", "x=2", "x=x"}));
  EXPECT_EQ(d.features.f64(), matrix(4, 3, {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0}));
}

TEST(DatasetCategorical, SurroundingBlanksDoNotMakeNewLevels) {
  const Dataset d = load("c,t\nred,1\n red ,2\nblue\t,3\n");
  EXPECT_EQ(d.feature_names, (Names{"c=blue", "c=red"}));
  EXPECT_EQ(d.features.f64(), matrix(3, 2, {0, 1, 0, 1, 1, 0}));
}

TEST(DatasetCategorical, InfinityAmongWordsIsACategory) {
  // Not every cell is a number, so the column is categorical and "inf" is just a level,
  // wherever it appears. A number's level is named by its value, so 1e999 is "inf".
  const Dataset before = load("c,t\ninf,1\nabc,2\n");
  EXPECT_EQ(before.feature_names, (Names{"c=abc", "c=inf"}));
  const Dataset after = load("c,t\nabc,1\n1e999,2\n");
  EXPECT_EQ(after.feature_names, (Names{"c=abc", "c=inf"}));
}

TEST(DatasetNumeric, BlanksSignsAndExponentsAreNumbers) {
  const Dataset d = load("x,t\n 1.5 ,1\n+2,2\n-3e2,3\n.25,4\n");
  EXPECT_TRUE(d.categorical_columns.empty());
  EXPECT_EQ(d.features.f64(), matrix(4, 1, {1.5, 2, -300, 0.25}));
}

TEST(DatasetNumeric, InfinityIsDataErrorNamingTheLine) {
  const DataError e = data_error("x,t\n1,1\ninf,2\n3,3\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(std::string(e.what()), "d.csv:3:1: column 'x': non-finite number 'inf'");
}

TEST(DatasetNumeric, OverflowIsDataErrorNamingThePhysicalLine) {
  // The quoted cell spans lines 2-3 and a blank line 5 is skipped: the bad row starts on line 6.
  const DataError e = data_error("x,c,t\n1,\"a\nb\",1\n2,c,2\n\n-1e999,d,3\n");
  EXPECT_EQ(e.line(), 6);
  EXPECT_EQ(std::string(e.what()), "d.csv:6:1: column 'x': non-finite number '-1e999'");
}

TEST(DatasetNumeric, NonFiniteValueInDroppedRowIsIgnored) {
  const Dataset d = load("x,y,t\n1,2,3\ninf,NA,4\n5,6,7\n");
  EXPECT_EQ(d.rows_dropped, 1u);
  EXPECT_EQ(d.features.f64(), matrix(2, 2, {1, 2, 5, 6}));
}

// ---------------------------------------------------------------- regression target

TEST(DatasetRegression, NonNumericTargetIsDataErrorNamingTheLine) {
  const DataError e = data_error("x,y\n1,2\n2,abc\n3,4\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.source(), kSource);
  EXPECT_EQ(std::string(e.what()),
            "d.csv:3:3: the regression target 'y' is not numeric: 'abc' (for class labels use --model logistic or "
            "svm)");
  EXPECT_EQ(e.exit_code(), kExitData);
}

TEST(DatasetRegression, InfiniteTargetIsDataErrorNamingTheLine) {
  const DataError e = data_error("x,y\n1,2\n2,3\n3,1e400\n");
  EXPECT_EQ(e.line(), 4);
  EXPECT_EQ(std::string(e.what()), "d.csv:4:3: target 'y': non-finite number '1e400'");
}

TEST(DatasetRegression, LongTextIsCutInTheMessage) {
  const std::string label(50, 'z');
  const DataError e = data_error("x,y\n1,2\n2," + label + "\n");
  EXPECT_NE(std::string(e.what()).find("'" + std::string(40, 'z') + "...'"), std::string::npos) << e.what();
}

// ---------------------------------------------------------------- classes

TEST(DatasetClasses, NumericLabelsSortNumerically) {
  const Dataset d = load_classes("x,y\n1,10\n2,2\n3,1\n4,2\n");
  EXPECT_EQ(d.classes, (Names{"1", "2", "10"}));
  EXPECT_EQ(d.targets, vector({2, 1, 0, 1}));
}

TEST(DatasetClasses, EqualNumbersAreOneClassNamedByFirstOccurrence) {
  const Dataset d = load_classes("x,y\n1,1.0\n2,2\n3,1\n4,+1e0\n");
  EXPECT_EQ(d.classes, (Names{"1.0", "2"}));
  EXPECT_EQ(d.targets, vector({0, 1, 0, 0}));
}

TEST(DatasetClasses, NegativeNumericLabelsSortBelowPositive) {
  const Dataset d = load_classes("x,y\n1,1\n2,-1\n3,0.5\n");
  EXPECT_EQ(d.classes, (Names{"-1", "0.5", "1"}));
  EXPECT_EQ(d.targets, vector({2, 0, 1}));
}

TEST(DatasetClasses, TextLabelsSortLexicographically) {
  const Dataset d = load_classes("x,y\n1,versicolor\n2,setosa\n3,virginica\n4,setosa\n");
  EXPECT_EQ(d.classes, (Names{"setosa", "versicolor", "virginica"}));
  EXPECT_EQ(d.targets, vector({1, 0, 2, 0}));
}

TEST(DatasetClasses, MixedLabelsAreTextSoTenSortsBeforeTwo) {
  const Dataset d = load_classes("x,y\n1,2\n2,10\n3,x\n4,1\n");
  EXPECT_EQ(d.classes, (Names{"1", "10", "2", "x"}));
  EXPECT_EQ(d.targets, vector({2, 1, 3, 0}));
}

TEST(DatasetClasses, LabelsAreTrimmed) {
  const Dataset d = load_classes("x,y\n1, a\n2,a \n3,b\n");
  EXPECT_EQ(d.classes, (Names{"a", "b"}));
  EXPECT_EQ(d.targets, vector({0, 0, 1}));
}

TEST(DatasetClasses, FeaturesAreStillBuiltForClassification) {
  const Dataset d = load_classes("x,c,y\n1.5,u,a\n2.5,v,b\n");
  EXPECT_EQ(d.feature_names, (Names{"x", "c=u", "c=v"}));
  EXPECT_EQ(d.features.f64(), matrix(2, 3, {1.5, 1, 0, 2.5, 0, 1}));
}

TEST(DatasetClasses, SingleClassIsDataError) {
  const DataError e = data_error("x,y\n1,a\n2,a\n3,a\n", {}, TargetKind::kClassification);
  EXPECT_EQ(e.line(), 0);
  EXPECT_EQ(std::string(e.what()), "d.csv: the target 'y' has a single class ('a'); a classifier needs at least two");
}

TEST(DatasetClasses, SingleClassAfterDroppingRowsIsDataError) {
  const DataError e = data_error("x,y\n1,1.0\nNA,2\n3,1\n", {}, TargetKind::kClassification);
  EXPECT_EQ(std::string(e.what()), "d.csv: the target 'y' has a single class ('1.0'); a classifier needs at least two");
}

// ---------------------------------------------------------------- row count

TEST(DatasetRows, OneUsableRowIsDataError) {
  const DataError e = data_error("x,y\n1,2\n");
  EXPECT_EQ(e.line(), 0);
  EXPECT_EQ(std::string(e.what()), "d.csv: 1 usable row (1 read, 0 dropped for missing values); at least 2 are needed");
}

TEST(DatasetRows, RowsLostToMissingValuesAreCountedInTheError) {
  const DataError e = data_error("x,y\n1,2\nNA,3\n4,?\n");
  EXPECT_EQ(std::string(e.what()), "d.csv: 1 usable row (3 read, 2 dropped for missing values); at least 2 are needed");
}

TEST(DatasetRows, HeaderOnlyIsDataError) {
  const DataError e = data_error("x,y\n", {}, TargetKind::kClassification);
  EXPECT_EQ(std::string(e.what()),
            "d.csv: 0 usable rows (0 read, 0 dropped for missing values); at least 2 are needed");
}

TEST(DatasetRows, TwoRowsAreEnough) {
  const Dataset d = load("x,y\n1,2\n3,4\n");
  EXPECT_EQ(d.rows(), 2);
  EXPECT_EQ(d.features.cols(), 1);
}

// ---------------------------------------------------------------- standardize

TEST(Standardize, UsesMeanAndPopulationStandardDeviation) {
  // Column 0: 2 4 4 4 5 5 7 9 has mean 5 and population sd 2 (sample sd would be 2.138).
  // Column 1: 1 2 3 4 1 2 3 4 has mean 2.5 and population variance 1.25.
  Matrix X = matrix(8, 2, {2, 1, 4, 2, 4, 3, 4, 4, 5, 1, 5, 2, 7, 3, 9, 4});
  const std::vector<Index> rows{0, 1, 2, 3, 4, 5, 6, 7};
  const Standardization s = standardize(X, rows);
  EXPECT_DOUBLE_EQ(s.mean(0), 5.0);
  EXPECT_DOUBLE_EQ(s.scale(0), 2.0);
  EXPECT_DOUBLE_EQ(s.mean(1), 2.5);
  EXPECT_DOUBLE_EQ(s.scale(1), std::sqrt(1.25));
  const double z[] = {-1.5, -0.5, -0.5, -0.5, 0.0, 0.0, 1.0, 2.0};
  const double w[] = {-1.5, -0.5, 0.5, 1.5, -1.5, -0.5, 0.5, 1.5};
  for (Index r = 0; r < 8; ++r) {
    EXPECT_DOUBLE_EQ(X(r, 0), z[r]) << "row " << r;
    EXPECT_NEAR(X(r, 1), w[r] / std::sqrt(1.25), 1e-15) << "row " << r;
  }
}

TEST(Standardize, ZeroVarianceColumnIsOnlyCentred) {
  Matrix X = matrix(3, 2, {3, 1, 3, 2, 3, 3});
  const std::vector<Index> rows{0, 1, 2};
  const Standardization s = standardize(X, rows);
  EXPECT_EQ(s.mean(0), 3.0);
  EXPECT_EQ(s.scale(0), 1.0);
  EXPECT_EQ(X.col(0), Vector::Zero(3));
  EXPECT_DOUBLE_EQ(s.scale(1), std::sqrt(2.0 / 3.0));
}

TEST(Standardize, FitsOnTheGivenRowsAndTransformsEveryRow) {
  // Fit on rows 1 and 3 only.
  // Column 0 there: 1 and 3 -> mean 2, sd 1.   Column 1 there: 7 and 7 -> mean 7, constant.
  Matrix X = matrix(4, 2, {100, 10, 1, 7, -5, 4, 3, 7});
  const std::vector<Index> rows{1, 3};
  const Standardization s = standardize(X, rows);
  EXPECT_EQ(s.mean, vector({2, 7}));
  EXPECT_EQ(s.scale, vector({1, 1}));
  EXPECT_EQ(X, matrix(4, 2, {98, 3, -1, 0, -7, -3, 1, 0}));
}

TEST(Standardize, ScaleOfSubsetIsNotTheScaleOfAllRows) {
  // Fit rows 0,1: 0 and 4 -> mean 2, sd 2.  All rows would give mean 4, sd 3.266.
  Matrix X = matrix(3, 1, {0, 4, 8});
  const std::vector<Index> rows{0, 1};
  const Standardization s = standardize(X, rows);
  EXPECT_EQ(s.mean(0), 2.0);
  EXPECT_EQ(s.scale(0), 2.0);
  EXPECT_EQ(X, matrix(3, 1, {-1, 1, 3}));
}

TEST(Standardize, LargeMeanDoesNotLosePrecision) {
  Matrix X = matrix(2, 1, {1e9 + 1, 1e9 + 3});
  const std::vector<Index> rows{0, 1};
  const Standardization s = standardize(X, rows);
  EXPECT_EQ(s.mean(0), 1e9 + 2);
  EXPECT_EQ(s.scale(0), 1.0);
  EXPECT_EQ(X, matrix(2, 1, {-1, 1}));
}

TEST(Standardize, TinyButRealSpreadIsScaled) {
  Matrix X = matrix(2, 1, {-1e-9, 1e-9});
  const std::vector<Index> rows{0, 1};
  const Standardization s = standardize(X, rows);
  EXPECT_DOUBLE_EQ(s.scale(0), 1e-9);
  EXPECT_DOUBLE_EQ(X(0, 0), -1.0);
  EXPECT_DOUBLE_EQ(X(1, 0), 1.0);
}

TEST(Standardize, NoFitRowsLeavesTheDataAlone) {
  Matrix X = matrix(2, 2, {1, 2, 3, 4});
  const Standardization s = standardize(X, std::span<const Index>());
  EXPECT_EQ(s.mean, Vector::Zero(2));
  EXPECT_EQ(s.scale, Vector::Ones(2));
  EXPECT_EQ(X, matrix(2, 2, {1, 2, 3, 4}));
}

}  // namespace
}  // namespace lrfind
