#include "load/dataset.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <type_traits>
#include <vector>
#include <fmt/format.h>

#include "lrfind/error.hpp"
#include "common/parallel.hpp"

namespace lrfind {

std::string_view trim_blanks(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

bool is_missing(std::string_view cell) {
  cell = trim_blanks(cell);
  return cell.empty() || cell == "NA" || cell == "N/A" || cell == "NaN" || cell == "nan" || cell == "null" ||
         cell == "?";
}

namespace {

// Per column c, the sum of f(c, x) over the rows fit_rows, in parts fixed by
// the row count alone (so the result never depends on the number of
// threads), each summed in row order, then combined in order.
template <typename M, typename F>
Vector sum_rows(const M& X, std::span<const Index> fit_rows, F&& f) {
  const std::size_t parts = part_count(fit_rows.size(), 16384, 64);
  const Index d = X.cols();
  std::vector<Vector> partials(parts, Vector::Zero(d));
  parallel_for(parts, 0, [&](std::size_t p) {
    const std::size_t begin = fit_rows.size() * p / parts;
    const std::size_t end = fit_rows.size() * (p + 1) / parts;
    double* __restrict acc = partials[p].data();
    for (std::size_t i = begin; i < end; ++i) {
      const auto* __restrict x = X.data() + fit_rows[i] * d;
      for (Index c = 0; c < d; ++c) acc[c] += f(c, static_cast<double>(x[c]));
    }
  });
  Vector total = Vector::Zero(d);
  for (const Vector& partial : partials) total += partial;
  return total;
}

template <typename M>
Standardization standardize_storage(M& X, std::span<const Index> fit_rows, bool centre = true) {
  const Index d = X.cols();
  Standardization s{Vector::Zero(d), Vector::Ones(d)};
  if (fit_rows.empty()) return s;
  const double n = static_cast<double>(fit_rows.size());
  s.mean = sum_rows(X, fit_rows, [](Index, double x) { return x; }) / n;
  // Two-pass variance: stable for columns with a large mean.
  const double* mean = s.mean.data();
  const Vector variance = sum_rows(X, fit_rows, [&](Index c, double x) { return (x - mean[c]) * (x - mean[c]); }) / n;
  for (Index c = 0; c < d; ++c) {
    const double sd = std::sqrt(variance(c));
    // A column constant on the fit rows is only centred.
    s.scale(c) = sd > 1e-12 * std::max(1.0, std::abs(s.mean(c))) ? sd : 1.0;
  }
  // Every element on its own, in double, rounded once to the storage type
  // after the subtraction and the division: rows in parallel, in one sweep.
  using Scalar = typename M::Scalar;
  const std::size_t rows = static_cast<std::size_t>(X.rows());
  const std::size_t parts = part_count(rows, 16384, 64);
  const double* scale = s.scale.data();
  parallel_for(parts, 0, [&](std::size_t p) {
    const std::size_t begin = rows * p / parts;
    const std::size_t end = rows * (p + 1) / parts;
    for (std::size_t r = begin; r < end; ++r) {
      Scalar* __restrict x = X.data() + static_cast<Index>(r) * d;
      if (centre)
        for (Index c = 0; c < d; ++c) x[c] = static_cast<Scalar>((static_cast<double>(x[c]) - mean[c]) / scale[c]);
      else
        for (Index c = 0; c < d; ++c) x[c] = static_cast<Scalar>(static_cast<double>(x[c]) / scale[c]);
    }
  });
  if (!centre) s.mean.setZero();
  return s;
}

// Divides every column of sparse features by its population standard
// deviation over the rows fit_rows (zeros included; a constant column is left
// as it is): two passes over the fit rows' non-zeros, in row order, then one
// over all values. Never centres, so zeros stay zeros.
template <typename Scalar>
Standardization scale_sparse(Csr<Scalar>& X, std::span<const Index> fit_rows) {
  const Index d = X.cols;
  Standardization s{Vector::Zero(d), Vector::Ones(d)};
  if (fit_rows.empty()) return s;
  const double n = static_cast<double>(fit_rows.size());
  const auto for_fit_values = [&](auto&& fn) {
    for (const Index r : fit_rows)
      for (std::int64_t k = X.offsets[static_cast<std::size_t>(r)]; k < X.offsets[static_cast<std::size_t>(r) + 1]; ++k)
        fn(X.indices[static_cast<std::size_t>(k)], static_cast<double>(X.values[static_cast<std::size_t>(k)]));
  };
  Vector mean = Vector::Zero(d);
  std::vector<std::int64_t> stored(static_cast<std::size_t>(d), 0);
  for_fit_values([&](std::int32_t c, double x) {
    mean(c) += x;
    ++stored[static_cast<std::size_t>(c)];
  });
  mean /= n;
  Vector variance = Vector::Zero(d);
  for_fit_values([&](std::int32_t c, double x) { variance(c) += (x - mean(c)) * (x - mean(c)); });
  for (Index c = 0; c < d; ++c) {
    // The rows where the column is zero, each (0 - mean)².
    variance(c) += (n - static_cast<double>(stored[static_cast<std::size_t>(c)])) * mean(c) * mean(c);
    const double sd = std::sqrt(variance(c) / n);
    s.scale(c) = sd > 1e-12 * std::max(1.0, std::abs(mean(c))) ? sd : 1.0;
  }
  for (std::size_t k = 0; k < X.values.size(); ++k)
    X.values[k] = static_cast<Scalar>(static_cast<double>(X.values[k]) / s.scale(X.indices[k]));
  return s;
}

}  // namespace

Standardization standardize(Matrix& X, std::span<const Index> fit_rows) { return standardize_storage(X, fit_rows); }

Standardization standardize(Features& X, std::span<const Index> fit_rows) {
  return scale_features(X, fit_rows, Scaling::kZscore);
}

Standardization scale_features(Features& X, std::span<const Index> fit_rows, Scaling scaling) {
  const bool single = X.precision() == Precision::kFloat32;
  switch (scaling) {
    case Scaling::kNone:
      return {Vector::Zero(X.cols()), Vector::Ones(X.cols())};
    case Scaling::kZscore:
      if (X.sparse()) throw UsageError("--scaling zscore would make sparse features dense (centring); use --scaling scale");
      return single ? standardize_storage(X.f32(), fit_rows) : standardize_storage(X.f64(), fit_rows);
    case Scaling::kScale:
      if (X.sparse()) return single ? scale_sparse(X.csr32(), fit_rows) : scale_sparse(X.csr64(), fit_rows);
      return single ? standardize_storage(X.f32(), fit_rows, false) : standardize_storage(X.f64(), fit_rows, false);
  }
  return {};
}

std::optional<Scaling> parse_scaling(std::string_view name) {
  if (name == "zscore") return Scaling::kZscore;
  if (name == "scale") return Scaling::kScale;
  if (name == "none") return Scaling::kNone;
  return std::nullopt;
}

std::string_view scaling_name(Scaling scaling) {
  switch (scaling) {
    case Scaling::kZscore: return "zscore";
    case Scaling::kScale: return "scale";
    case Scaling::kNone: return "none";
  }
  return "";
}

namespace {

bool is_number(std::string_view text) {
  text = trim_blanks(text);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

}  // namespace

void check_classifier_target(const Dataset& data, const std::string& source) {
  const std::size_t labels = data.classes.size();
  if (labels <= kContinuousLabels ||
      static_cast<double>(labels) <= kContinuousShare * static_cast<double>(data.rows()) ||
      !std::all_of(data.classes.begin(), data.classes.end(), is_number))
    return;
  throw DataError(source, 0,
                  fmt::format("the target '{}' looks continuous: {} distinct numbers in {} rows; a classifier would "
                              "treat each as a class (for a numeric target use --model linear; to keep them as "
                              "classes, --allow-many-classes)",
                              data.target_name, labels, data.rows()));
}

}  // namespace lrfind
