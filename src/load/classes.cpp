#include "load/classes.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "load/dataset.hpp"
#include "load/parse_block.hpp"
#include "lrfind/error.hpp"

namespace lrfind::load {

void check_usable_rows(std::size_t rows, std::size_t kept, const std::string& source) {
  if (kept < 2)
    throw DataError(source, 0,
                    fmt::format("{} usable row{} ({} read, {} dropped for missing values); at least 2 are needed", kept,
                                kept == 1 ? "" : "s", rows, rows - kept));
}

std::string level_name(double x) { return fmt::format("{}", x); }

bool is_decimal_comma_number(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  const std::size_t comma = text.find(',');
  if (comma == std::string_view::npos || comma + 1 == text.size()) return false;
  const auto digits = [](std::string_view part) {
    return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  return digits(text.substr(0, comma)) && digits(text.substr(comma + 1));
}

ClassIndex order_classes(const ClassLabels& labels, const std::string& target_name, const std::string& source,
                         std::vector<std::string>& classes) {
  ClassIndex index;
  bool overflow = labels.overflow;
  if (!labels.as_text) {
    overflow = overflow || labels.numbers.size() > kMaxClasses;
    if (!overflow)
      for (const auto& [value, text] : labels.numbers) {
        index.of_value.emplace(value, classes.size());
        classes.push_back(text);
      }
  } else {
    std::set<std::string, std::less<>> names = labels.texts;
    for (const auto& number : labels.numbers) names.insert(level_name(number.first));
    overflow = overflow || names.size() > kMaxClasses;
    if (!overflow)
      for (const std::string& name : names) {
        index.of_text.emplace(name, classes.size());
        classes.push_back(name);
      }
  }
  if (overflow)
    throw DataError(source, 0,
                    fmt::format("the target '{}' has more than {} distinct values; a classifier cannot have that "
                                "many classes (for a numeric target use --model linear)",
                                target_name, kMaxClasses));
  if (classes.size() < 2)
    throw DataError(source, 0,
                    fmt::format("the target '{}' has a single class ({}); a classifier needs at least two", target_name,
                                quoted_sample(classes.empty() ? std::string() : classes.front())));
  return index;
}

}  // namespace lrfind::load
