// The header and what each column is for: a feature slot, the target, left
// out (--drop), or an unnamed last column left by a delimiter at every line
// end, which must stay empty.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "load/blocks.hpp"
#include "load/dataset.hpp"
#include "load/loader.hpp"

namespace lrfind::load {

// Roles of columns that are not a feature slot (0, 1, ...).
inline constexpr int kSkip = -1;
inline constexpr int kTarget = -2;
inline constexpr int kTrailing = -3;  // an unnamed last column left by a delimiter at every line end: must stay empty

// The header's names, and the character column where each starts.
struct Header {
  std::vector<std::string> names;
  std::vector<long> columns;  // character column of each name
  long line = 1;
};

// Reads blocks up to the one holding the header (blank lines may come first),
// leaves `first` holding it, positioned after the header, and returns the names.
Header read_header(BlockReader& reader, Block& first, const std::string& source, char delim);

// The column a --target or --drop value names: a header name, else a 1-based
// number. Throws UsageError naming `option` when it names none, or two.
std::size_t resolve_column(const std::vector<std::string>& header, const std::string& spec, std::string_view option);

// How the records of an input are read: each column's role, the names of the
// feature slots and the target, and what counts as missing.
struct Layout {
  const std::string* source = nullptr;
  char delim = ',';
  std::string delimiter_hint;          // for errors: "the file looks ';'-separated: try ...", or empty
  std::size_t width = 0;               // fields per record
  std::vector<int> role;               // per column: kSkip, kTarget or a feature slot
  std::size_t slots = 0;               // feature columns
  std::vector<std::string> names;      // per slot, then the target
  std::vector<std::string> na_values;  // more texts that mean missing (trimmed)
  bool na_numeric = false;             // some of them read as numbers
  TargetKind kind = TargetKind::kRegression;
  std::size_t max_categories = 100;

  bool missing(std::string_view trimmed) const {
    return is_missing(trimmed) ||
           std::find(na_values.begin(), na_values.end(), trimmed) != na_values.end();
  }
  // How many distinct texts a slot may collect before it is known to be too many.
  std::size_t level_cap(std::size_t slot) const {
    if (slot < slots) return max_categories;
    return kind == TargetKind::kClassification ? kMaxClasses : 0;
  }
};

// The layout the options give the header, read with options.delimiter (a
// comma when empty); `delimiter_hint` names a likelier delimiter in errors.
// Throws DataError for unnamed columns, UsageError for column options that
// do not fit the header.
Layout make_layout(const Header& header, const std::string& source, const LoadOptions& options,
                   const std::string& delimiter_hint = {});

}  // namespace lrfind::load
