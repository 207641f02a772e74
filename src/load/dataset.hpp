// A data set ready for training: a dense feature matrix (numeric columns as
// they are, categorical columns one-hot encoded) and a target vector holding a
// value (regression) or a class index (classification).
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <optional>
#include <string_view>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "load/features.hpp"

namespace lrfind {

enum class TargetKind { kRegression, kClassification };

struct DatasetOptions {
  std::string target;              // header name or 1-based index; empty: the last column
  std::vector<std::string> drop;   // header names or 1-based indices
  std::vector<std::string> na_values;  // more cell texts that mean "missing"
  std::size_t max_categories = 100;    // distinct values a text column may have
  Precision precision = Precision::kFloat64;  // storage of the feature matrix
};

// The cell texts that mean "missing".
bool is_missing(std::string_view cell);

// The text without the blanks (spaces, tabs) around it.
std::string_view trim_blanks(std::string_view text);

// The most classes a classifier's target may have.
inline constexpr std::size_t kMaxClasses = 1000;

// A classifier's target whose labels are all numbers, more than
// kContinuousLabels of them and distinct in more than kContinuousShare of the
// rows, is taken for a regression target given to a classifier.
inline constexpr std::size_t kContinuousLabels = 20;
inline constexpr double kContinuousShare = 0.10;

struct Dataset {
  Features features;                // rows x features
  Vector targets;                   // value, or class index 0..classes-1
  std::vector<std::string> feature_names;
  std::vector<std::string> categorical_columns;  // source columns that were one-hot encoded
  std::string target_name;
  std::vector<std::string> classes; // sorted class labels; empty for regression
  std::size_t rows_read = 0;        // data rows in the file
  std::size_t rows_sampled = 0;     // of those, kept by --sample (rows_read without a sample)
  bool sampled = false;             // whether --sample chose the rows
  std::size_t rows_dropped = 0;     // of the rows kept, dropped for a missing value in a used column
  char delimiter = ',';             // the field delimiter the text was read with
  bool delimiter_detected = false;  // chosen from the header and first rows, not given
  std::string encoding;             // "latin1" or "cp1252" when the text was decoded from it; empty for UTF-8
  long not_utf8_line = 0;           // when detection chose cp1252: the first line that is not UTF-8
  std::vector<std::int64_t> groups; // svmlight: each row's qid, so a query's rows stay together; empty without qid
  std::string format;               // where the rows came from: "csv", "svmlight", or "memory" (InMemoryData)
  std::optional<bool> zero_based;   // svmlight: whether indices counted from 0 (given or detected); else empty
  Index rows() const { return features.rows(); }
};

// Throws DataError (hint: --model linear, or --allow-many-classes) when the
// classes of `data` look like a continuous target (see kContinuousLabels).
void check_classifier_target(const Dataset& data, const std::string& source);

// z-scores every column of X in place with the mean and population standard
// deviation of the rows `fit_rows` (the training rows); a column with zero
// variance there is only centred. Returns (mean, scale) per column.
struct Standardization {
  Vector mean;
  Vector scale;
};
Standardization standardize(Matrix& X, std::span<const Index> fit_rows);
Standardization standardize(Features& X, std::span<const Index> fit_rows);

// How features are scaled before training (--scaling): zscore centres each
// column and divides it by its standard deviation (dense input's default);
// scale only divides (scikit-learn's StandardScaler(with_mean=False)), which
// keeps zeros zero (sparse input's default); none leaves the values as they are.
enum class Scaling { kZscore, kScale, kNone };
inline constexpr std::string_view kScalingNames[] = {"zscore", "scale", "none"};
std::optional<Scaling> parse_scaling(std::string_view name);
std::string_view scaling_name(Scaling scaling);

// Scales X in place with statistics of the rows `fit_rows`. Throws UsageError
// for zscore on sparse features (centring would make every row dense).
Standardization scale_features(Features& X, std::span<const Index> fit_rows, Scaling scaling);

}  // namespace lrfind
