#include "load/from_memory.hpp"

#include <cmath>
#include <fmt/format.h>
#include <map>
#include <set>
#include <type_traits>

#include "lrfind/error.hpp"

namespace lrfind {

namespace {

using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

std::size_t target_count(const InMemoryData& data) {
  return std::visit([](const auto& targets) { return targets.size(); }, data.targets);
}

bool target_missing(const InMemoryData& data, std::size_t i) {
  if (const auto* values = std::get_if<std::vector<double>>(&data.targets)) return std::isnan((*values)[i]);
  return is_missing(std::get<std::vector<std::string>>(data.targets)[i]);
}

Index feature_rows(const InMemoryData& data) {
  return data.sparse_features ? static_cast<Index>(data.sparse_features->offsets.size()) - 1 : data.features.rows();
}

Index feature_cols(const InMemoryData& data) {
  return data.sparse_features ? data.sparse_features->cols : data.features.cols();
}

// Whether x marks its row missing (NaN); a non-finite number is an error.
bool missing_value(const InMemoryData& data, Index r, Index c, double x) {
  if (std::isnan(x)) return true;
  if (!std::isfinite(x)) {
    const auto column = static_cast<std::size_t>(c);
    throw DataError(data.name, 0,
                    fmt::format("row {}, column '{}': non-finite number {}", r + 1,
                                column < data.feature_names.size() ? data.feature_names[column]
                                                                   : fmt::format("x{}", c + 1),
                                x));
  }
  return false;
}

// Compressed sparse rows as SparseFeatures promises them; UsageError otherwise.
void check_sparse(const SparseFeatures& s) {
  const auto bad = [](const std::string& what) { throw UsageError("sparse features: " + what); };
  if (s.cols < 0) bad("a negative number of columns");
  if (s.offsets.empty() || s.offsets.front() != 0) bad("the row offsets must start at 0");
  if (s.indices.size() != s.values.size()) bad("as many column indices as values are needed");
  if (static_cast<std::size_t>(s.offsets.back()) != s.values.size()) bad("the last row offset must be the value count");
  for (std::size_t r = 0; r + 1 < s.offsets.size(); ++r) {
    if (s.offsets[r + 1] < s.offsets[r]) bad(fmt::format("row {}: the row offsets must not decrease", r + 1));
    for (std::int64_t k = s.offsets[r]; k < s.offsets[r + 1]; ++k) {
      const std::int32_t c = s.indices[static_cast<std::size_t>(k)];
      if (c < 0 || c >= s.cols || (k > s.offsets[r] && c <= s.indices[static_cast<std::size_t>(k) - 1]))
        bad(fmt::format("row {}: column indices must be ascending, distinct and below {}", r + 1, s.cols));
    }
  }
}

// Which rows to keep: those without a missing value; a non-finite number is an error.
std::vector<Index> usable_rows(const InMemoryData& data) {
  std::vector<Index> kept;
  const RowMajor& X = data.features;
  const SparseFeatures* sparse = data.sparse_features ? &*data.sparse_features : nullptr;
  for (Index r = 0; r < feature_rows(data); ++r) {
    bool missing = target_missing(data, static_cast<std::size_t>(r));
    if (sparse != nullptr) {
      for (std::int64_t k = sparse->offsets[static_cast<std::size_t>(r)];
           k < sparse->offsets[static_cast<std::size_t>(r) + 1]; ++k)
        missing = missing_value(data, r, sparse->indices[static_cast<std::size_t>(k)],
                                sparse->values[static_cast<std::size_t>(k)]) ||
                  missing;
    } else {
      for (Index c = 0; c < X.cols(); ++c) missing = missing_value(data, r, c, X(r, c)) || missing;
    }
    if (const auto* values = std::get_if<std::vector<double>>(&data.targets);
        values && std::isinf((*values)[static_cast<std::size_t>(r)]))
      throw DataError(data.name, 0, fmt::format("row {}: the target '{}' is not finite", r + 1, data.target_name));
    if (!missing) kept.push_back(r);
  }
  return kept;
}

// Class indices of the kept rows, and the sorted class names.
void encode_classes(const InMemoryData& data, const std::vector<Index>& kept, Dataset& out) {
  const auto check_count = [&](std::size_t classes) {
    if (classes > kMaxClasses)
      throw DataError(data.name, 0,
                      fmt::format("the target '{}' has more than {} distinct values; a classifier cannot have that "
                                  "many classes (for a numeric target use --model linear)",
                                  data.target_name, kMaxClasses));
  };
  if (const auto* values = std::get_if<std::vector<double>>(&data.targets)) {
    std::map<double, std::size_t> index;
    for (const Index r : kept) index.emplace((*values)[static_cast<std::size_t>(r)], 0);
    check_count(index.size());
    for (auto& [value, i] : index) {
      i = out.classes.size();
      out.classes.push_back(fmt::format("{}", value));
    }
    for (std::size_t i = 0; i < kept.size(); ++i)
      out.targets(static_cast<Index>(i)) = static_cast<double>(index.at((*values)[static_cast<std::size_t>(kept[i])]));
  } else {
    const auto& names = std::get<std::vector<std::string>>(data.targets);
    std::set<std::string> sorted;
    for (const Index r : kept) sorted.insert(names[static_cast<std::size_t>(r)]);
    check_count(sorted.size());
    out.classes.assign(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < kept.size(); ++i)
      out.targets(static_cast<Index>(i)) = static_cast<double>(
          std::lower_bound(out.classes.begin(), out.classes.end(), names[static_cast<std::size_t>(kept[i])]) -
          out.classes.begin());
  }
  if (out.classes.size() < 2)
    throw DataError(data.name, 0,
                    fmt::format("the target '{}' has a single class ('{}'); a classifier needs at least two",
                                data.target_name, out.classes.empty() ? std::string() : out.classes.front()));
}

// The kept rows of sparse features, in the precision asked for (the
// caller's arrays themselves when every row is kept in float64).
template <typename Scalar>
Features sparse_rows(SparseFeatures& s, const std::vector<Index>& kept) {
  Csr<Scalar> m;
  m.cols = s.cols;
  if constexpr (std::is_same_v<Scalar, double>) {
    if (kept.size() + 1 == s.offsets.size()) {
      m.offsets = std::move(s.offsets);
      m.indices = std::move(s.indices);
      m.values = std::move(s.values);
      return Features(std::move(m));
    }
  }
  m.offsets.reserve(kept.size() + 1);
  for (const Index r : kept) {
    const auto row = static_cast<std::size_t>(r);
    for (auto k = static_cast<std::size_t>(s.offsets[row]); k < static_cast<std::size_t>(s.offsets[row + 1]); ++k) {
      m.indices.push_back(s.indices[k]);
      m.values.push_back(static_cast<Scalar>(s.values[k]));
    }
    m.offsets.push_back(static_cast<std::int64_t>(m.indices.size()));
  }
  return Features(std::move(m));
}

}  // namespace

Dataset dataset_from_memory(InMemoryData data, TargetKind kind, bool float32) {
  const Index rows = feature_rows(data);
  const Index cols = feature_cols(data);
  if (data.sparse_features) check_sparse(*data.sparse_features);
  if (target_count(data) != static_cast<std::size_t>(rows))
    throw DataError(data.name, 0, fmt::format("{} rows of features but {} targets", rows, target_count(data)));
  if (cols < 1) throw DataError(data.name, 0, "no feature columns");
  if (data.feature_names.empty() && !data.sparse_features)
    for (Index c = 0; c < cols; ++c) data.feature_names.push_back(fmt::format("x{}", c + 1));
  if (!data.feature_names.empty() && data.feature_names.size() != static_cast<std::size_t>(cols))
    throw UsageError(fmt::format("{} feature names for {} columns", data.feature_names.size(), cols));
  if (kind == TargetKind::kRegression && std::holds_alternative<std::vector<std::string>>(data.targets))
    throw DataError(data.name, 0,
                    fmt::format("the regression target '{}' is not numeric (for class labels use --model logistic or "
                                "svm)",
                                data.target_name));
  const std::vector<Index> kept = usable_rows(data);
  if (kept.size() < 2)
    throw DataError(data.name, 0,
                    fmt::format("{} usable row{} ({} given, {} dropped for missing values); at least 2 are needed",
                                kept.size(), kept.size() == 1 ? "" : "s", rows, rows - static_cast<Index>(kept.size())));
  Dataset out;
  out.format = "memory";
  const Index n = static_cast<Index>(kept.size());
  if (data.sparse_features) {
    out.features = float32 ? sparse_rows<float>(*data.sparse_features, kept)
                           : sparse_rows<double>(*data.sparse_features, kept);
  } else if (n == rows && !float32) {
    out.features = Features(std::move(data.features));  // every row kept: the matrix itself, no copy
  } else {
    out.features = Features::allocate(n, cols, float32 ? Precision::kFloat32 : Precision::kFloat64);
    for (Index i = 0; i < n; ++i) {
      const auto row = data.features.row(kept[static_cast<std::size_t>(i)]);
      if (float32)
        out.features.f32().row(i) = row.cast<float>();
      else
        out.features.f64().row(i) = row;
    }
  }
  out.targets.resize(n);
  if (kind == TargetKind::kClassification) {
    encode_classes(data, kept, out);
  } else {
    const auto& values = std::get<std::vector<double>>(data.targets);
    for (Index i = 0; i < n; ++i) out.targets(i) = values[static_cast<std::size_t>(kept[static_cast<std::size_t>(i)])];
  }
  out.feature_names = std::move(data.feature_names);
  out.categorical_columns = std::move(data.categorical_columns);
  out.target_name = std::move(data.target_name);
  out.rows_read = static_cast<std::size_t>(rows);
  out.rows_sampled = out.rows_read;
  out.rows_dropped = static_cast<std::size_t>(rows - n);
  return out;
}

}  // namespace lrfind
