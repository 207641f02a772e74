#include "load/assemble.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/parallel.hpp"
#include "load/classes.hpp"
#include "lrfind/error.hpp"

namespace lrfind::load {

namespace {

// The name of a number as a category or class level: its shortest exact form.
template <typename Scalar>
std::string level_name(Scalar x) {
  return fmt::format("{}", x);
}

template <typename Scalar>
const Finding* earliest(const std::deque<Parsed<Scalar>>& blocks, std::vector<Finding> Parsed<Scalar>::*member,
                        std::size_t slot) {
  for (const Parsed<Scalar>& b : blocks)
    if ((b.*member)[slot].found()) return &(b.*member)[slot];
  return nullptr;
}

// A column's problem: where it is first seen (nullptr: the whole column has
// it, with no single place), and what it is.
struct Problem {
  const Finding* at;
  std::string what;
};

// Per feature slot, its sorted levels; empty for a numeric column.
using ColumnLevels = std::vector<std::vector<std::string>>;

// The target's text cells in kept rows, and its first non-finite number.
struct TargetCells {
  std::size_t texts = 0;
  const Finding* non_finite = nullptr;
};

// Where each slot's first feature column is, and how many columns there are.
struct FeatureColumns {
  std::vector<Index> offset;
  Index width = 0;
};

// Rows read, kept and dropped; at least 2 must be kept.
template <typename Scalar>
std::size_t count_rows(const std::deque<Parsed<Scalar>>& blocks, const std::string& source, Dataset& data) {
  std::size_t rows = 0;
  std::size_t kept = 0;
  for (const Parsed<Scalar>& b : blocks) {
    rows += b.rows;
    kept += b.kept;
  }
  data.rows_read = rows;
  data.rows_sampled = rows;
  data.rows_dropped = rows - kept;
  check_usable_rows(rows, kept, source);
  return kept;
}

// Whether feature slot s is a number (no levels) or a category (its sorted
// levels, and its name added to data.categorical_columns), or its problem.
template <typename Scalar>
std::optional<Problem> classify_column(const std::deque<Parsed<Scalar>>& blocks, Staging<Scalar>& staging,
                                       const Layout& layout, std::size_t s, std::size_t kept,
                                       std::vector<std::string>& levels, Dataset& data) {
  const std::string& name = layout.names[s];
  std::size_t texts = 0;
  for (const Parsed<Scalar>& b : blocks) texts += b.text_kept[s];
  if (texts == 0) {
    if (const Finding* f = earliest(blocks, &Parsed<Scalar>::first_non_finite, s))
      return Problem{f, fmt::format("column '{}': non-finite number {}", name, quoted_sample(f->text))};
    return std::nullopt;
  }
  const Finding* first = earliest(blocks, &Parsed<Scalar>::first_text, s);
  const std::size_t numbers = kept - texts;
  // A few stray words in a column of numbers are far more likely an export
  // glitch (#N/A, a unit, a typo) than categories: say so rather than
  // silently one-hot encoding the column.
  if (20 * numbers >= 19 * kept)
    return Problem{first, fmt::format("column '{}' holds numbers but also the text {}; mark such cells missing "
                                      "with --na-values '{}', or leave the column out with --drop '{}'",
                                      name, quoted_sample(first->text), first->text, name)};
  std::set<std::string, std::less<>> distinct;
  bool overflow = false;
  bool decimal_commas = true;  // every text reads as a number written with a decimal comma
  for (const Parsed<Scalar>& b : blocks) {
    if (const Levels* l = b.levels[s].get()) {
      overflow = overflow || l->overflow;
      distinct.insert(l->names.begin(), l->names.end());
      for (const std::string& text : l->names) decimal_commas = decimal_commas && is_decimal_comma_number(text);
    }
    if (numbers > 0 && !overflow && distinct.size() <= layout.max_categories)
      for (std::size_t r = 0; r < b.rows && distinct.size() <= layout.max_categories; ++r) {
        const Scalar x = staging.row(b.first_row + r)[s];
        if (b.keep[r] && !std::isnan(x)) distinct.insert(level_name(x));
      }
  }
  if (decimal_commas && !overflow)
    return Problem{first, fmt::format("column '{}' holds numbers written with decimal commas, like {}; "
                                      "lr-find reads decimal points: export the file with '.' as the decimal "
                                      "separator, or leave the column out with --drop '{}'",
                                      name, quoted_sample(first->text), name)};
  if (overflow || distinct.size() > layout.max_categories) {
    // Counting them all could take as much memory as the file: stop at the limit.
    const std::string_view sample = first->text;
    const bool decimal_comma = is_decimal_comma_number(sample);
    return Problem{nullptr, fmt::format("column '{}' has more than {} distinct text values (--max-categories "
                                        "{}); leave it out with --drop '{}' or raise --max-categories{}",
                                        name, layout.max_categories, layout.max_categories, name,
                                        decimal_comma ? " (numbers written with decimal commas, like " +
                                                            std::string(sample) + "? lr-find reads decimal points)"
                                                      : "")};
  }
  levels.assign(distinct.begin(), distinct.end());
  data.categorical_columns.push_back(name);
  return std::nullopt;
}

// A regression target must be numbers, all finite.
template <typename Scalar>
std::optional<Problem> regression_target_problem(const std::deque<Parsed<Scalar>>& blocks, const TargetCells& target,
                                                 const std::string& target_name, std::size_t t) {
  if (target.texts > 0) {
    const Finding* f = earliest(blocks, &Parsed<Scalar>::first_text, t);
    return Problem{f, fmt::format("the regression target '{}' is not numeric: {} (for class labels use --model "
                                  "logistic or svm)",
                                  target_name, quoted_sample(f->text))};
  }
  if (target.non_finite)
    return Problem{target.non_finite, fmt::format("target '{}': non-finite number {}", target_name,
                                                  quoted_sample(target.non_finite->text))};
  return std::nullopt;
}

// Of the columns' problems, the one earliest in the file (those of a whole
// column, with no single place, after any with one).
void throw_first(const std::vector<Problem>& problems, const std::string& source) {
  if (problems.empty()) return;
  const auto place = [](const Problem& p) {
    return p.at ? std::make_pair(p.at->line, p.at->column) : std::make_pair(std::numeric_limits<long>::max(), 0L);
  };
  const Problem& first = *std::min_element(problems.begin(), problems.end(), [&](const Problem& a, const Problem& b) {
    return place(a) < place(b);
  });
  if (first.at) throw DataError(source, first.at->line, first.at->column, first.what);
  throw DataError(source, 0, first.what);
}

// The class labels in sorted order (numerically when every label is a finite
// number, so 2 sorts before 10; otherwise as text), into data.classes.
template <typename Scalar>
ClassIndex class_labels(const std::deque<Parsed<Scalar>>& blocks, const Staging<Scalar>& staging,
                        const TargetCells& target, std::size_t t, const std::string& source, Dataset& data) {
  ClassLabels labels;
  for (const Parsed<Scalar>& b : blocks) {
    labels.overflow = labels.overflow || b.label_overflow || (b.levels[t] && b.levels[t]->overflow);
    labels.numbers.insert(b.label_text.begin(), b.label_text.end());
  }
  labels.as_text = target.texts > 0 || target.non_finite;
  if (labels.as_text)
    for (const Parsed<Scalar>& b : blocks) {
      if (const Levels* l = b.levels[t].get()) labels.texts.insert(l->names.begin(), l->names.end());
      for (std::size_t r = 0; r < b.rows && labels.texts.size() <= kMaxClasses; ++r)
        if (const double y = staging.target[static_cast<Index>(b.first_row + r)]; b.keep[r] && !std::isnan(y))
          labels.texts.insert(level_name(y));
    }
  return order_classes(labels, data.target_name, source, data.classes);
}

// Feature names and where each column lands in the matrix.
FeatureColumns feature_columns(const ColumnLevels& levels, const Layout& layout, Dataset& data) {
  FeatureColumns columns;
  columns.offset.resize(layout.slots);
  for (std::size_t s = 0; s < layout.slots; ++s) {
    columns.offset[s] = columns.width;
    if (levels[s].empty()) {
      data.feature_names.push_back(layout.names[s]);
      ++columns.width;
    } else {
      for (const std::string& level : levels[s]) data.feature_names.push_back(layout.names[s] + "=" + level);
      columns.width += static_cast<Index>(levels[s].size());
    }
  }
  return columns;
}

// The levels of a block's text cells, as indices into the data set's sorted
// levels (slots) or classes (the target). Rows are asked for in ascending
// order, so one position per column finds each cell.
template <typename Scalar>
class TextLevels {
 public:
  TextLevels(const Parsed<Scalar>& block, const ColumnLevels& levels, const ClassIndex& classes)
      : block_(block), at_(levels.size() + 1, 0), index_(levels.size() + 1) {
    const std::size_t slots = levels.size();
    for (std::size_t s = 0; s <= slots; ++s) {
      const Levels* l = block.levels[s].get();
      if (!l) continue;
      for (const std::string& name : l->names) {
        if (s < slots) {
          index_[s].push_back(static_cast<std::size_t>(std::lower_bound(levels[s].begin(), levels[s].end(), name) -
                                                       levels[s].begin()));
        } else if (!classes.of_text.empty()) {
          index_[s].push_back(classes.of_text.find(name)->second);
        }
      }
    }
  }
  std::size_t level(std::size_t s, std::size_t r) {
    const auto& cells = block_.levels[s]->cells;
    std::size_t& at = at_[s];
    while (cells[at].first < r) ++at;
    return index_[s][cells[at].second];
  }

 private:
  const Parsed<Scalar>& block_;
  std::vector<std::size_t> at_;                    // position in each column's text cells
  std::vector<std::vector<std::size_t>> index_;  // per column: block level id -> sorted level
};

// Each block's kept rows land on rows known in advance: moved up in the
// staging (every column a number) or encoded into a new matrix.
template <typename Scalar>
struct RowPlacer {
  std::deque<Parsed<Scalar>>& blocks;
  Staging<Scalar>& staging;
  const Layout& layout;
  const ColumnLevels& levels;
  const ClassIndex& classes;
  const FeatureColumns& columns;
  const std::vector<Index>& first_kept;  // per block: its first row in the data set
  bool all_numeric;
  Scalar* X;         // the new matrix, unless all_numeric
  double* targets;

  void place_block(std::size_t k) {
    Parsed<Scalar>& b = blocks[k];
    TextLevels<Scalar> texts(b, levels, classes);
    Index i = first_kept[k];
    for (std::size_t r = 0; r < b.rows; ++r) {
      if (!b.keep[r]) continue;
      const std::size_t from = b.first_row + r;
      const Scalar* v = staging.row(from);
      if (all_numeric) {
        if (static_cast<std::size_t>(i) != from)
          std::memmove(staging.row(static_cast<std::size_t>(i)), v, layout.slots * sizeof(Scalar));
      } else {
        encode(X + i * columns.width, v, r, texts);
      }
      const double y = staging.target[static_cast<Index>(from)];
      if (layout.kind == TargetKind::kRegression)
        targets[i] = y;
      else if (!classes.of_text.empty())
        targets[i] = static_cast<double>(std::isnan(y) ? texts.level(layout.slots, r)
                                                       : classes.of_text.find(level_name(y))->second);
      else
        targets[i] = static_cast<double>(classes.of_value.find(y)->second);
      ++i;
    }
    b = Parsed<Scalar>{};
  }

  // One row's features: numbers as they are, categories one-hot.
  void encode(Scalar* x, const Scalar* v, std::size_t r, TextLevels<Scalar>& texts) const {
    for (std::size_t s = 0; s < layout.slots; ++s) {
      const Index offset = columns.offset[s];
      if (levels[s].empty()) {
        x[offset] = v[s];
        continue;
      }
      std::fill(x + offset, x + offset + static_cast<Index>(levels[s].size()), Scalar(0));
      const std::size_t level =
          std::isnan(v[s]) ? texts.level(s, r)
                           : static_cast<std::size_t>(std::lower_bound(levels[s].begin(), levels[s].end(),
                                                                       level_name(v[s])) -
                                                      levels[s].begin());
      x[offset + static_cast<Index>(level)] = Scalar(1);
    }
  }
};

// With every column a number the staging is the feature matrix: rows move up
// over dropped and unused ones (in file order, one thread, when any must move)
// and the storage shrinks in place. Otherwise the rows are encoded into a new
// matrix of the final width, block by block on all threads.
template <typename Scalar>
void place_rows(std::deque<Parsed<Scalar>>& blocks, Staging<Scalar>& staging, const Layout& layout,
                const ColumnLevels& levels, const ClassIndex& classes, const FeatureColumns& columns,
                std::size_t kept, unsigned threads, Dataset& data) {
  const bool all_numeric = data.categorical_columns.empty();
  const Index n = static_cast<Index>(kept);
  std::vector<Index> first_kept(blocks.size() + 1, 0);
  bool in_place = true;
  for (std::size_t k = 0; k < blocks.size(); ++k) {
    first_kept[k + 1] = first_kept[k] + static_cast<Index>(blocks[k].kept);
    in_place = in_place && first_kept[k] == static_cast<Index>(blocks[k].first_row) && blocks[k].kept == blocks[k].rows;
  }
  Scalar* X = nullptr;
  if (!all_numeric) {
    data.features = Features::allocate(n, columns.width,
                                       std::is_same_v<Scalar, float> ? Precision::kFloat32 : Precision::kFloat64);
    data.targets.resize(n);
    if constexpr (std::is_same_v<Scalar, float>)
      X = data.features.f32().data();
    else
      X = data.features.f64().data();
  }
  double* const targets = all_numeric ? staging.target.data() : data.targets.data();
  RowPlacer<Scalar> placer{blocks, staging, layout, levels, classes, columns, first_kept, all_numeric, X, targets};
  const bool regression_in_place = all_numeric && in_place && layout.kind == TargetKind::kRegression;
  const std::size_t workers =
      all_numeric && !in_place ? 1 : std::min<std::size_t>(std::max(1u, threads), blocks.size());
  if (!regression_in_place)  // else nothing moves and no target changes
    parallel_for(blocks.size(), static_cast<unsigned>(workers), [&](std::size_t k) { placer.place_block(k); });
  blocks.clear();
  if (all_numeric) {
    staging.values.conservativeResize(n, Eigen::NoChange);
    staging.target.conservativeResize(n);
    data.features = Features(std::move(staging.values));
    data.targets = std::move(staging.target);
  }
}

}  // namespace

template <typename Scalar>
Dataset assemble(std::deque<Parsed<Scalar>>& blocks, Staging<Scalar>& staging, const Layout& layout,
                 const std::string& source, unsigned threads) {
  Dataset data;
  const std::size_t kept = count_rows(blocks, source, data);
  data.target_name = layout.names.back();
  const std::size_t slots = layout.slots;
  std::vector<Problem> problems;
  ColumnLevels levels(slots);
  for (std::size_t s = 0; s < slots; ++s)
    if (std::optional<Problem> p = classify_column(blocks, staging, layout, s, kept, levels[s], data))
      problems.push_back(std::move(*p));
  TargetCells target;
  for (const Parsed<Scalar>& b : blocks) target.texts += b.text_kept[slots];
  target.non_finite = earliest(blocks, &Parsed<Scalar>::first_non_finite, slots);
  if (layout.kind == TargetKind::kRegression)
    if (std::optional<Problem> p = regression_target_problem(blocks, target, data.target_name, slots))
      problems.push_back(std::move(*p));
  throw_first(problems, source);
  ClassIndex classes;
  if (layout.kind == TargetKind::kClassification) classes = class_labels(blocks, staging, target, slots, source, data);
  const FeatureColumns columns = feature_columns(levels, layout, data);
  place_rows(blocks, staging, layout, levels, classes, columns, kept, threads, data);
  return data;
}

template Dataset assemble(std::deque<Parsed<float>>&, Staging<float>&, const Layout&, const std::string&, unsigned);
template Dataset assemble(std::deque<Parsed<double>>&, Staging<double>&, const Layout&, const std::string&, unsigned);

}  // namespace lrfind::load
