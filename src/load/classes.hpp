// What every reader (CSV, svmlight) decides the same way about its rows and
// labels: how many rows are usable, and the order of a classifier's classes.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace lrfind::load {

// Throws DataError unless at least 2 of the `rows` read were kept.
void check_usable_rows(std::size_t rows, std::size_t kept, const std::string& source);

// A classifier's labels as read: the finite numbers, each with the text of
// its first occurrence, and every other label's text.
struct ClassLabels {
  std::map<double, std::string> numbers;
  std::set<std::string, std::less<>> texts;
  bool as_text = false;   // some label is not a finite number: every label is ordered as text
  bool overflow = false;  // a reader met more than kMaxClasses distinct labels
};

// Class indices by label: by value when every label is a finite number, else by text.
struct ClassIndex {
  std::map<double, std::size_t> of_value;
  std::map<std::string, std::size_t, std::less<>> of_text;
};

// A number's name as a class (or category) level: its shortest exact form.
std::string level_name(double x);

// Whether a text is a number written with a decimal comma, as "-1,5" (a
// column of them is refused rather than one-hot encoded).
bool is_decimal_comma_number(std::string_view text);

// The classes in order into `classes`: by value when every label is a finite
// number (so 2 comes before 10), each named by its first text; otherwise by
// text, numbers named by level_name. Throws DataError for more than
// kMaxClasses classes or fewer than 2.
ClassIndex order_classes(const ClassLabels& labels, const std::string& target_name, const std::string& source,
                         std::vector<std::string>& classes);

}  // namespace lrfind::load
