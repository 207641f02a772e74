// Everything a finished run knows, before it becomes the report: the settings
// with their defaults resolved, what was read (not the data itself), the model,
// the method's outcome, and lr-find check's verdict.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lrfind/run.hpp"
#include "pipeline/method.hpp"
#include "recommend/check.hpp"
#include "recommend/theory.hpp"

namespace lrfind {

// What was read: counts and names, without the feature matrix.
struct DatasetSummary {
  std::string source;             // the input's name in messages and JSON
  Index rows = 0;                 // usable rows
  std::size_t rows_read = 0;      // data rows in the input
  std::size_t rows_sampled = 0;   // of those, kept by --sample (rows_read without a sample)
  bool sampled = false;
  std::size_t rows_dropped = 0;   // of the rows kept, dropped for a missing value
  Index features = 0;
  std::optional<std::size_t> nonzeros;  // sparse features only: the stored entries
  std::vector<std::string> feature_names;
  std::vector<std::string> categorical_columns;
  std::string target_name;
  std::vector<std::string> classes;  // empty for regression
  bool float32 = false;
  char delimiter = ',';           // the field delimiter read with (given or detected)
  std::string encoding;           // latin1 or cp1252 when the text was decoded from it; empty for UTF-8
  std::string format;             // csv, svmlight or memory: as read
  std::optional<bool> zero_based; // svmlight: whether indices counted from 0 (given or detected)
};

struct RunResult {
  RunConfig config;
  // Defaults resolved.
  double l2 = 0.0;
  int repeats = 1;
  double validation = 0.0;
  DatasetSummary dataset;
  std::string scaling;  // zscore, scale or none, as applied
  std::size_t train_rows = 0;
  std::size_t validation_rows = 0;
  Index outputs = 0;
  std::string loss_name;
  std::vector<std::pair<std::string, double>> optimizer_hyperparameters;
  std::optional<Theory> theory;
  MethodOutcome outcome;
  std::optional<CheckResult> check;

  const Recommendation& recommendation() const { return outcome.recommendation; }
  bool interrupted() const { return outcome.interrupted; }
};

}  // namespace lrfind
