// One lr-find run from settings to report: read (a file, or data already in
// memory), split, standardise, search, recommend, check. This is the
// library's public surface: the settings, the caller's hooks, and what a run
// returns. Every default lives here, once.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lrfind/progress.hpp"
#include "lrfind/stop.hpp"

namespace lrfind {

// What to read, and how.
struct DataSettings {
  std::string input;                   // a path, or "-" for standard input
  std::string input_format = "auto";   // auto (svmlight by extension or content, else CSV), csv or svmlight
  std::optional<char> delimiter;       // empty: detected from the header and first rows (, ; tab |)
  std::string encoding;                // utf-8, latin1 or cp1252; empty: UTF-8, or cp1252 when the text is not UTF-8
  std::string target;                  // header name or 1-based index; empty: the last column
  std::vector<std::string> drop;       // header names or 1-based indices
  std::vector<std::string> na_values;  // more cell texts that mean "missing"
  std::size_t max_categories = 100;    // distinct values a text column may have
  bool float32 = false;                // hold the features as 32-bit floats
  bool standardize = true;             // false: --no-standardize, the same as scaling "none"
  std::string scaling;                 // zscore, scale or none; empty: zscore for CSV, scale for sparse input
  std::optional<std::size_t> sample;   // read a uniform random sample of this many rows
  bool allow_many_classes = false;     // let a classifier take a target that looks continuous
  std::optional<bool> zero_based;      // svmlight: indices count from 0; empty: from 0 when any index is 0
  std::int64_t features = 0;           // svmlight: the number of features; 0: the largest index in the data
};

// The training the rate is for: the user's budget.
struct TrainingSettings {
  std::string model = "linear";       // a model kind (linear, logistic, svm)
  std::optional<double> l2;           // default: the model kind's
  std::string optimizer = "sgd";
  long batch_size = 32;               // 0: the whole training set
  int epochs = 5;                     // grid and auto
  std::string schedule = "constant";  // grid and auto
  double power_t = 0.25;              // the invscaling schedule's exponent
};

// The range test (--method range, and auto's bracketing tests).
struct RangeSettings {
  int steps = 100;
  std::string sweep = "exp";  // exp or linear
  double smoothing = 0.98;
  double stop_factor = 4.0;
};

// The grid's rates: explicit ones, or `points` log-spaced between the bounds.
struct GridSettings {
  std::vector<double> rates;
  int points = 25;
};

// lr-find check: the rate to judge, and the factor that widens the interval.
struct CheckSettings {
  double lr = 0.0;
  double tolerance = 1.0;
};

// The rates searched when the bounds are not given.
inline constexpr double kDefaultMinLr = 1e-7;
inline constexpr double kDefaultMaxLr = 10.0;

struct RunConfig {
  DataSettings data;
  TrainingSettings training;
  std::string method = "auto";  // auto, range or grid
  // The rates searched. Given bounds are bounds: auto never recommends
  // outside them; without them it may widen the search beyond the defaults.
  std::optional<double> min_lr;  // default kDefaultMinLr
  std::optional<double> max_lr;  // default kDefaultMaxLr
  std::uint64_t seed = 0;
  std::optional<int> repeats;        // default: the method's (3 for auto and range, 1 for grid)
  std::optional<double> validation;  // held-out fraction (grid, auto's hold-out); default 0.2
  int folds = 0;                     // auto: cross-validation folds; 0 chooses (5, or a hold-out on large data)
  RangeSettings range;
  GridSettings grid;
  std::optional<CheckSettings> check;
  unsigned threads = 0;  // threads for reading and training; 0: every core; never changes a result
};

// What the caller gives a run besides its settings.
struct RunContext {
  ProgressFn progress;  // may be empty
  MessageSink warn;     // may be empty
  StopToken stop;       // keep a copy to stop the run from elsewhere
};

// Sparse features in compressed sparse rows (scipy.sparse's CSR): row r's
// stored values are values[k] in column indices[k] (0-based, ascending within
// the row) for k in [offsets[r], offsets[r + 1]); every other entry is 0.
struct SparseFeatures {
  Eigen::Index cols = 0;
  std::vector<std::int64_t> offsets{0};  // rows + 1, from 0
  std::vector<std::int32_t> indices;
  std::vector<double> values;
};

// Data already in memory, instead of a file: a dense matrix of numeric
// features (one-hot encode text columns before) or sparse ones, a NaN
// marking a missing value (the row is dropped and counted, as in a file), and
// the targets as numbers (a value, or a class given by a number) or as class
// names.
struct InMemoryData {
  std::string name = "<memory>";                // names the data in messages and the report
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> features;
  // When set, the features instead of `features`, trained as svmlight input
  // is (scaling "scale" by default); without feature_names the report names
  // none, as for svmlight.
  std::optional<SparseFeatures> sparse_features;
  std::vector<std::string> feature_names;       // empty: x1, x2, ...
  std::vector<std::string> categorical_columns; // source columns the caller one-hot encoded, for the report
  std::variant<std::vector<double>, std::vector<std::string>> targets;
  std::string target_name = "y";
};

// What a run gives back: the report (the JSON document that is lr-find's
// public output, schema_version 1) and the few facts a caller acts on.
struct Run {
  nlohmann::ordered_json report;
  std::optional<double> recommended_lr;  // empty: no usable rate
  bool interrupted = false;              // a stop request cut training short
  std::optional<bool> check_passed;      // lr-find check: the verdict
  std::string check_message;             // lr-find check: one line for a person
  std::string summary;                   // one line for a person
};

// Reads config.data.input and runs. Throws UsageError for bad settings,
// InputError when the input cannot be read, DataError when its content is
// unusable, and Interrupted when a stop was requested before any result; a
// stop after that ends training at the next batch, with the result so far.
Run run(const RunConfig& config, const RunContext& context = {});

// The same on data in memory (config.data.input is ignored).
Run run(const RunConfig& config, InMemoryData data, const RunContext& context = {});

}  // namespace lrfind
