#include "lrfind/dataset.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <set>

#include "lrfind/error.hpp"

namespace lrfind {

namespace {

std::string_view trim(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

// Resolves a column given by header name or, failing that, by 1-based index.
std::size_t resolve_column(const CsvTable& table, const std::string& spec, std::string_view option) {
  const auto& header = table.header();
  for (std::size_t c = 0; c < header.size(); ++c)
    if (header[c] == spec) return c;
  std::size_t index = 0;
  const auto [end, ec] = std::from_chars(spec.data(), spec.data() + spec.size(), index);
  if (ec == std::errc() && end == spec.data() + spec.size() && index >= 1 && index <= header.size())
    return index - 1;
  std::string names;
  for (std::size_t c = 0; c < header.size() && c < 12; ++c) names += (c ? ", " : "") + header[c];
  if (header.size() > 12) names += ", ...";
  throw UsageError(fmt::format("{}: no column named '{}' and no column number {} (columns: {})", option, spec, spec,
                               names));
}

std::string quoted_sample(std::string_view text) {
  if (text.size() > 40) return fmt::format("'{}...'", text.substr(0, 40));
  return fmt::format("'{}'", text);
}

}  // namespace

bool is_missing(std::string_view cell) {
  cell = trim(cell);
  return cell.empty() || cell == "NA" || cell == "N/A" || cell == "NaN" || cell == "nan" || cell == "null" ||
         cell == "?";
}

// For a valid decimal number that from_chars found out of range: whether it
// overflows (|x| >= 1) rather than underflows. Decided by the decimal exponent
// of the leading significant digit, so 0.000...1 with no exponent is tiny and
// 0.1e999 is huge.
bool overflows(std::string_view text) {
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  const std::size_t e = std::min(text.find_first_of("eE"), text.size());
  const std::string_view mantissa = text.substr(0, e);
  int exponent = 0;
  if (e < text.size()) {
    std::string_view digits = text.substr(e + 1);
    const bool negative = !digits.empty() && digits.front() == '-';
    if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) digits.remove_prefix(1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), exponent);
    if (ec == std::errc::result_out_of_range) return !negative;  // an exponent beyond 2^31 decides alone
    if (negative) exponent = -exponent;
  }
  const std::size_t point = std::min(mantissa.find('.'), mantissa.size());
  const std::size_t first = mantissa.find_first_not_of("0.");
  if (first == std::string_view::npos) return false;
  const long long lead =
      first < point ? static_cast<long long>(point - first - 1) : -static_cast<long long>(first - point);
  return lead + exponent >= 0;
}

bool parse_number(std::string_view text, double& value) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') return false;  // "+-1" is not a number
  }
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (end != text.data() + text.size()) return false;
  if (ec == std::errc::result_out_of_range) {
    // Overflow is reported as an infinity; underflow to zero is harmless.
    value = (text.front() == '-' ? -1.0 : 1.0) * (overflows(text) ? HUGE_VAL : 0.0);
    return true;
  }
  return ec == std::errc();
}

Dataset make_dataset(const CsvTable& table, const std::string& source, const DatasetOptions& options,
                     TargetKind kind) {
  const std::size_t width = table.columns();
  if (width < 2) throw DataError(source, 1, "the header names one column; a feature and a target are needed (check --delimiter)");
  const std::size_t target = options.target.empty() ? width - 1 : resolve_column(table, options.target, "--target");
  std::vector<bool> used(width, true);
  for (const std::string& spec : options.drop) {
    const std::size_t column = resolve_column(table, spec, "--drop");
    if (column == target) throw UsageError(fmt::format("--drop: '{}' is the target column", spec));
    used[column] = false;
  }
  std::vector<std::size_t> feature_columns;
  for (std::size_t c = 0; c < width; ++c)
    if (used[c] && c != target) feature_columns.push_back(c);
  if (feature_columns.empty()) throw UsageError("no feature columns left after --drop");

  Dataset data;
  data.target_name = table.header()[target];
  data.rows_read = table.rows();

  const auto missing = [&](std::string_view cell) {
    if (is_missing(cell)) return true;
    const std::string_view text = trim(cell);
    return std::find(options.na_values.begin(), options.na_values.end(), text) != options.na_values.end();
  };
  // Rows with a missing value in any used column are dropped.
  std::vector<std::size_t> kept;
  kept.reserve(table.rows());
  for (std::size_t r = 0; r < table.rows(); ++r) {
    bool complete = !missing(table.cell(r, target));
    for (std::size_t i = 0; complete && i < feature_columns.size(); ++i)
      complete = !missing(table.cell(r, feature_columns[i]));
    if (complete) kept.push_back(r);
  }
  data.rows_dropped = table.rows() - kept.size();
  if (kept.size() < 2)
    throw DataError(source, 0,
                    fmt::format("{} usable row{} ({} read, {} dropped for missing values); at least 2 are needed",
                                kept.size(), kept.size() == 1 ? "" : "s", data.rows_read, data.rows_dropped));

  // Numeric columns keep their values; any other column is one-hot encoded.
  struct Column {
    std::size_t source;
    bool numeric;
    std::vector<std::string> levels;  // sorted categories when not numeric
  };
  std::vector<Column> columns;
  std::size_t encoded_width = 0;
  for (const std::size_t c : feature_columns) {
    Column column{c, true, {}};
    double value = 0.0;
    // The first row holding inf or 1e999; an error only once the whole column is known to be numeric.
    std::size_t non_finite = table.rows();
    std::size_t first_text = table.rows();
    std::size_t numbers = 0;
    for (const std::size_t r : kept) {
      if (!parse_number(table.cell(r, c), value)) {
        if (first_text == table.rows()) first_text = r;
        continue;
      }
      ++numbers;
      if (non_finite == table.rows() && !std::isfinite(value)) non_finite = r;
    }
    const std::string& name = table.header()[c];
    column.numeric = numbers == kept.size();
    if (column.numeric && non_finite < table.rows())
      throw DataError(source, table.line(non_finite),
                      fmt::format("column '{}': non-finite number {}", name, quoted_sample(table.cell(non_finite, c))));
    // A few stray words in a column of numbers are far more likely an export
    // glitch (#N/A, a unit, a typo) than categories: say so rather than
    // silently one-hot encoding the column.
    if (!column.numeric && 20 * numbers >= 19 * kept.size()) {
      const std::string_view stray = trim(table.cell(first_text, c));
      throw DataError(source, table.line(first_text),
                      fmt::format("column '{}' holds numbers but also the text {}; mark such cells missing with "
                                  "--na-values '{}', or leave the column out with --drop '{}'",
                                  name, quoted_sample(stray), stray, name));
    }
    if (!column.numeric) {
      std::set<std::string, std::less<>> levels;
      for (const std::size_t r : kept) levels.emplace(trim(table.cell(r, c)));
      column.levels.assign(levels.begin(), levels.end());
      if (column.levels.size() > options.max_categories) {
        const std::string_view sample = trim(table.cell(first_text, c));
        const bool decimal_comma = sample.find(',') != std::string_view::npos &&
                                   sample.find_first_not_of("0123456789,-+") == std::string_view::npos;
        throw DataError(source, 0,
                        fmt::format("column '{}' has {} distinct text values, more than --max-categories {}; leave "
                                    "it out with --drop '{}' or raise --max-categories{}",
                                    name, column.levels.size(), options.max_categories, name,
                                    decimal_comma ? " (numbers written with decimal commas, like "
                                                        + std::string(sample) + "? lr-find reads decimal points)"
                                                  : ""));
      }
      data.categorical_columns.push_back(table.header()[c]);
    }
    encoded_width += column.numeric ? 1 : column.levels.size();
    columns.push_back(std::move(column));
  }

  const Index n = static_cast<Index>(kept.size());
  data.features.setZero(n, static_cast<Index>(encoded_width));
  Index offset = 0;
  for (const Column& column : columns) {
    const std::string& name = table.header()[column.source];
    if (column.numeric) {
      data.feature_names.push_back(name);
      double value = 0.0;
      for (Index i = 0; i < n; ++i) {
        parse_number(table.cell(kept[static_cast<std::size_t>(i)], column.source), value);
        data.features(i, offset) = value;
      }
      ++offset;
      continue;
    }
    for (const std::string& level : column.levels) data.feature_names.push_back(name + "=" + level);
    for (Index i = 0; i < n; ++i) {
      const std::string_view cell = trim(table.cell(kept[static_cast<std::size_t>(i)], column.source));
      const auto it = std::lower_bound(column.levels.begin(), column.levels.end(), cell);
      data.features(i, offset + (it - column.levels.begin())) = 1.0;
    }
    offset += static_cast<Index>(column.levels.size());
  }

  // Target: a value for regression, a class index for classification.
  data.targets.resize(n);
  if (kind == TargetKind::kRegression) {
    for (Index i = 0; i < n; ++i) {
      const std::size_t r = kept[static_cast<std::size_t>(i)];
      double value = 0.0;
      if (!parse_number(table.cell(r, target), value))
        throw DataError(source, table.line(r),
                        fmt::format("the regression target '{}' is not numeric: {} (for class labels use --model "
                                    "logistic or svm)",
                                    data.target_name, quoted_sample(table.cell(r, target))));
      if (!std::isfinite(value))
        throw DataError(source, table.line(r),
                        fmt::format("target '{}': non-finite number {}", data.target_name,
                                    quoted_sample(table.cell(r, target))));
      data.targets(i) = value;
    }
    return data;
  }

  // Class labels in sorted order: numerically when every label is a number
  // (so "1" and "1.0" are one class, and 2 sorts before 10), otherwise as text.
  bool numeric_labels = true;
  std::vector<double> label_values(kept.size());
  for (std::size_t i = 0; i < kept.size() && numeric_labels; ++i) {
    numeric_labels = parse_number(table.cell(kept[i], target), label_values[i]) && std::isfinite(label_values[i]);
  }
  if (numeric_labels) {
    std::map<double, std::string> classes;  // value -> text of its first occurrence
    for (std::size_t i = 0; i < kept.size(); ++i)
      classes.emplace(label_values[i], std::string(trim(table.cell(kept[i], target))));
    std::vector<double> values;
    for (const auto& [value, text] : classes) {
      values.push_back(value);
      data.classes.push_back(text);
    }
    for (std::size_t i = 0; i < kept.size(); ++i)
      data.targets(static_cast<Index>(i)) =
          static_cast<double>(std::lower_bound(values.begin(), values.end(), label_values[i]) - values.begin());
  } else {
    std::set<std::string, std::less<>> classes;
    for (const std::size_t r : kept) classes.emplace(trim(table.cell(r, target)));
    data.classes.assign(classes.begin(), classes.end());
    for (std::size_t i = 0; i < kept.size(); ++i) {
      const auto it = std::lower_bound(data.classes.begin(), data.classes.end(), trim(table.cell(kept[i], target)));
      data.targets(static_cast<Index>(i)) = static_cast<double>(it - data.classes.begin());
    }
  }
  if (data.classes.size() < 2)
    throw DataError(source, 0,
                    fmt::format("the target '{}' has a single class ({}); a classifier needs at least two",
                                data.target_name, quoted_sample(data.classes.front())));
  return data;
}

Standardization standardize(Matrix& X, std::span<const Index> fit_rows) {
  const Index d = X.cols();
  Standardization s{Vector::Zero(d), Vector::Ones(d)};
  if (fit_rows.empty()) return s;
  const double n = static_cast<double>(fit_rows.size());
  for (const Index r : fit_rows) s.mean += X.row(r).transpose();
  s.mean /= n;
  // Two-pass variance: stable for columns with a large mean.
  Vector variance = Vector::Zero(d);
  for (const Index r : fit_rows) variance += (X.row(r).transpose() - s.mean).array().square().matrix();
  variance /= n;
  for (Index c = 0; c < d; ++c) {
    const double sd = std::sqrt(variance(c));
    // A column constant on the fit rows is only centred.
    s.scale(c) = sd > 1e-12 * std::max(1.0, std::abs(s.mean(c))) ? sd : 1.0;
  }
  X.rowwise() -= s.mean.transpose();
  X.array().rowwise() /= s.scale.transpose().array();
  return s;
}

}  // namespace lrfind
