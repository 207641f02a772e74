#include "load/number.hpp"

#include <algorithm>

#include "load/dataset.hpp"

namespace lrfind {

namespace {

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

}  // namespace

bool parse_number(std::string_view text, double& value) {
  text = trim_blanks(text);
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

}  // namespace lrfind
