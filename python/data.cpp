#include "data.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "load/classes.hpp"
#include "load/dataset.hpp"
#include "load/number.hpp"
#include "load/parse_block.hpp"
#include "lrfind/error.hpp"

namespace py = pybind11;

namespace lrfind::python {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One cell of a text column or a list of labels, as the CSV reader sees it.
struct Cell {
  enum Kind { kMissing, kNumber, kText } kind = kMissing;
  double number = 0.0;
  std::string text;
};

Cell read_cell(py::handle value, const TextRules& rules) {
  Cell cell;
  if (value.is_none()) return cell;
  if (!py::isinstance<py::str>(value) && !py::isinstance<py::bytes>(value) && PyNumber_Check(value.ptr())) {
    cell.number = value.cast<double>();
    cell.kind = std::isnan(cell.number) ? Cell::kMissing : Cell::kNumber;
    return cell;
  }
  const std::string text = py::str(value);
  const std::string_view trimmed = trim_blanks(text);
  const auto& na = rules.na_values;
  if (is_missing(trimmed) || std::find(na.begin(), na.end(), trimmed) != na.end()) return cell;
  if (parse_number(trimmed, cell.number)) {
    cell.kind = Cell::kNumber;
    return cell;
  }
  cell.kind = Cell::kText;
  cell.text = std::string(trimmed);
  return cell;
}

template <typename T>
void copy_matrix(const py::array& X, InMemoryData& data) {
  const auto view = X.unchecked<T, 2>();
  data.features.resize(view.shape(0), view.shape(1));
  for (py::ssize_t r = 0; r < view.shape(0); ++r)
    for (py::ssize_t c = 0; c < view.shape(1); ++c) data.features(r, c) = static_cast<double>(view(r, c));
}

// Whether row r is dropped for a missing target.
bool target_missing(const InMemoryData& data, std::size_t r) {
  if (const auto* values = std::get_if<std::vector<double>>(&data.targets)) return std::isnan((*values)[r]);
  return is_missing(std::get<std::vector<std::string>>(data.targets)[r]);
}

// A text column's sorted levels (texts, and numbers by their level names) over
// the kept rows, or the CSV reader's error for it.
std::vector<std::string> column_levels(const std::string& source, const std::string& name,
                                       const std::vector<Cell>& cells, const std::vector<bool>& kept,
                                       const TextRules& rules) {
  std::size_t rows = 0, texts = 0;
  const Cell* first = nullptr;
  std::set<std::string> distinct;
  bool decimal_commas = true;
  for (std::size_t r = 0; r < cells.size(); ++r) {
    if (cells[r].kind == Cell::kText && first == nullptr) first = &cells[r];
    if (!kept[r]) continue;
    ++rows;
    if (cells[r].kind == Cell::kText) {
      ++texts;
      distinct.insert(cells[r].text);
      decimal_commas = decimal_commas && load::is_decimal_comma_number(cells[r].text);
    } else {
      distinct.insert(load::level_name(cells[r].number));
    }
  }
  if (20 * (rows - texts) >= 19 * rows)
    throw DataError(source, 0,
                    fmt::format("column '{}' holds numbers but also the text {}; mark such cells missing with "
                                "--na-values '{}', or leave the column out with --drop '{}'",
                                name, load::quoted_sample(first->text), first->text, name));
  if (decimal_commas)
    throw DataError(source, 0,
                    fmt::format("column '{}' holds numbers written with decimal commas, like {}; lr-find reads decimal "
                                "points: export the file with '.' as the decimal separator, or leave the column out "
                                "with --drop '{}'",
                                name, load::quoted_sample(first->text), name));
  if (distinct.size() > rules.max_categories)
    throw DataError(source, 0,
                    fmt::format("column '{}' has more than {} distinct text values (--max-categories {}); leave it out "
                                "with --drop '{}' or raise --max-categories",
                                name, rules.max_categories, rules.max_categories, name));
  return {distinct.begin(), distinct.end()};
}

// One source column: numbers, or cells, and (for text) its levels.
struct Column {
  std::string name;
  py::array_t<double> numbers;  // a numeric column (when `numeric`)
  bool numeric = false;
  std::vector<Cell> cells;      // a column of cells
  std::vector<std::string> levels;
  bool text = false;
};

}  // namespace

void dense_features(const py::array& X, InMemoryData& data) {
  if (X.ndim() != 2) throw py::type_error(fmt::format("X must be a 2-D array, not {}-D", X.ndim()));
  if (py::isinstance<py::array_t<double>>(X))
    copy_matrix<double>(X, data);
  else if (py::isinstance<py::array_t<float>>(X))
    copy_matrix<float>(X, data);
  else
    throw py::type_error("X must hold float64 or float32 numbers (a DataFrame takes text columns)");
}

void sparse_features(Eigen::Index cols, const py::array_t<std::int64_t, py::array::c_style>& offsets,
                     const py::array_t<std::int32_t, py::array::c_style>& indices,
                     const py::array_t<double, py::array::c_style>& values, InMemoryData& data) {
  SparseFeatures s;
  s.cols = cols;
  s.offsets.assign(offsets.data(), offsets.data() + offsets.size());
  s.indices.assign(indices.data(), indices.data() + indices.size());
  s.values.assign(values.data(), values.data() + values.size());
  data.sparse_features = std::move(s);
}

void read_targets(py::handle y, const TextRules& rules, InMemoryData& data) {
  if (py::isinstance<py::array_t<double>>(y)) {
    const auto values = py::reinterpret_borrow<py::array>(y).unchecked<double, 1>();
    std::vector<double> targets(static_cast<std::size_t>(values.shape(0)));
    for (py::ssize_t i = 0; i < values.shape(0); ++i) targets[static_cast<std::size_t>(i)] = values(i);
    data.targets = std::move(targets);
    return;
  }
  std::vector<Cell> cells;
  bool any_text = false;
  for (const py::handle value : y) {
    cells.push_back(read_cell(value, rules));
    any_text = any_text || cells.back().kind == Cell::kText;
  }
  if (!any_text) {
    std::vector<double> targets;
    for (const Cell& c : cells) targets.push_back(c.kind == Cell::kNumber ? c.number : kNaN);
    data.targets = std::move(targets);
    return;
  }
  std::vector<std::string> names;  // a missing label is the empty text, which is_missing
  for (const Cell& c : cells)
    names.push_back(c.kind == Cell::kText ? c.text : c.kind == Cell::kNumber ? load::level_name(c.number) : "");
  data.targets = std::move(names);
}

void frame_features(const std::vector<std::string>& names, const py::list& columns, const TextRules& rules,
                    InMemoryData& data) {
  const std::size_t rows = std::visit([](const auto& t) { return t.size(); }, data.targets);
  std::vector<Column> source(names.size());
  std::vector<bool> kept(rows);
  for (std::size_t r = 0; r < rows; ++r) kept[r] = !target_missing(data, r);
  for (std::size_t i = 0; i < names.size(); ++i) {
    Column& col = source[i];
    col.name = names[i];
    const py::handle values = columns[i];
    if (py::isinstance<py::array_t<double>>(values)) {
      col.numbers = py::reinterpret_borrow<py::array_t<double>>(values);
      col.numeric = true;
      if (static_cast<std::size_t>(col.numbers.size()) != rows)
        throw DataError(data.name, 0, fmt::format("column '{}' has {} rows, the targets {}", col.name,
                                                  col.numbers.size(), rows));
      const auto v = col.numbers.unchecked<1>();
      for (std::size_t r = 0; r < rows; ++r) kept[r] = kept[r] && !std::isnan(v(static_cast<py::ssize_t>(r)));
      continue;
    }
    for (const py::handle cell : values) col.cells.push_back(read_cell(cell, rules));
    if (col.cells.size() != rows)
      throw DataError(data.name, 0, fmt::format("column '{}' has {} rows, the targets {}", col.name,
                                                col.cells.size(), rows));
    for (std::size_t r = 0; r < rows; ++r) {
      kept[r] = kept[r] && col.cells[r].kind != Cell::kMissing;
      col.text = col.text || col.cells[r].kind == Cell::kText;
    }
  }
  Eigen::Index width = 0;
  for (Column& col : source) {
    if (col.text) {
      col.levels = column_levels(data.name, col.name, col.cells, kept, rules);
      data.categorical_columns.push_back(col.name);
      for (const std::string& level : col.levels) data.feature_names.push_back(col.name + "=" + level);
      width += static_cast<Eigen::Index>(col.levels.size());
    } else {
      data.feature_names.push_back(col.name);
      ++width;
    }
  }
  data.features.resize(static_cast<Eigen::Index>(rows), width);
  Eigen::Index offset = 0;
  for (const Column& col : source) {
    for (std::size_t r = 0; r < rows; ++r) {
      const Eigen::Index row = static_cast<Eigen::Index>(r);
      if (col.numeric) {
        data.features(row, offset) = col.numbers.at(static_cast<py::ssize_t>(r));
      } else if (!col.text) {
        const Cell& c = col.cells[r];
        data.features(row, offset) = c.kind == Cell::kNumber ? c.number : kNaN;
      } else {
        const Cell& c = col.cells[r];
        const auto n = static_cast<Eigen::Index>(col.levels.size());
        data.features.row(row).segment(offset, n).setConstant(c.kind == Cell::kMissing ? kNaN : 0.0);
        if (c.kind == Cell::kMissing) continue;
        const std::string level = c.kind == Cell::kText ? c.text : load::level_name(c.number);
        data.features(row, offset + (std::lower_bound(col.levels.begin(), col.levels.end(), level) - col.levels.begin())) = 1.0;
      }
    }
    offset += col.text ? static_cast<Eigen::Index>(col.levels.size()) : 1;
  }
}

}  // namespace lrfind::python
