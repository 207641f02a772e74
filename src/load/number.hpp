// Reading numbers, locale-free: a whole cell as the CSV cells are read
// (parse_number), and the loader's fast path over decimal text in place,
// which gives the same double as std::from_chars, bit for bit.
#pragma once

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace lrfind {

// Parses a whole cell (surrounding blanks allowed) as a number, locale-free.
// Returns false when the text is not a number; `value` may then be infinite
// for overflowing text such as 1e999.
bool parse_number(std::string_view text, double& value);

}  // namespace lrfind

namespace lrfind::load {

// The digits at p, eight at a time where eight bytes can be read: a run of
// decimal digits is accumulated into m (mod 2^64; callers give up past 19
// digits, before any wrap matters). Returns the end of the run.
[[gnu::always_inline]] inline const char* digit_run(const char* p, const char* end, std::uint64_t& m) {
  static constexpr std::uint64_t kPow10[] = {1,      10,      100,      1000,      10000,
                                             100000, 1000000, 10000000, 100000000};
  if constexpr (std::endian::native == std::endian::little) {
    while (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, 8);
      // Each byte minus '0'; a byte is a digit when that is below 10, which
      // (x & 0x7f) + 0x76 tells by its top bit without carrying into the next byte.
      const std::uint64_t x = word ^ 0x3030303030303030u;
      const std::uint64_t not_digit = (((x & 0x7f7f7f7f7f7f7f7fu) + 0x7676767676767676u) | x) & 0x8080808080808080u;
      const int n = not_digit == 0 ? 8 : std::countr_zero(not_digit) >> 3;
      if (n == 0) return p;
      // The n digits as the low end of an eight-digit number with leading
      // zeros (the first byte is the most significant digit), then the
      // three multiply-and-add steps of the SWAR conversion.
      std::uint64_t v = x << (8 * (8 - n));
      v = v * 10 + (v >> 8);
      v = (((v & 0x000000ff000000ffu) * (100 + (std::uint64_t{1000000} << 32))) +
           (((v >> 16) & 0x000000ff000000ffu) * (1 + (std::uint64_t{10000} << 32)))) >>
          32;
      m = m * kPow10[n] + v;
      p += n;
      if (n < 8) return p;
    }
  }
  while (p < end && static_cast<unsigned>(*p - '0') < 10) {
    m = m * 10 + static_cast<unsigned>(*p - '0');
    ++p;
  }
  return p;
}

// Clinger's fast path: a decimal [-]digits[.digits][e[+-]digits] with at most
// 19 digits, a significand up to 2^53 and a power of ten within 10^±22 is one
// exact number times or over another, so one IEEE operation rounds it
// correctly, to the same double std::from_chars gives. Returns the end of the
// number, or nullptr to leave the text to std::from_chars.
[[gnu::always_inline]] inline const char* fast_decimal(const char* p, const char* end, double& value) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const bool negative = p < end && *p == '-';
  p += negative;
  std::uint64_t m = 0;
  const char* start = p;
  p = digit_run(p, end, m);
  int digits = static_cast<int>(p - start);
  if (digits > 19) return nullptr;
  int exponent = 0;
  if (p < end && *p == '.') {
    ++p;
    const char* frac = p;
    p = digit_run(p, end, m);
    exponent = -static_cast<int>(p - frac);
    digits += static_cast<int>(p - frac);
  }
  if (digits == 0 || digits > 19) return nullptr;
  if (p < end && (*p == 'e' || *p == 'E')) {
    const char* q = p + 1;
    const bool minus = q < end && *q == '-';
    if (q < end && (*q == '-' || *q == '+')) ++q;
    int e = 0;
    const char* e_start = q;
    while (q < end && static_cast<unsigned>(*q - '0') < 10 && q - e_start < 4) {
      e = e * 10 + (*q - '0');
      ++q;
    }
    if (q == e_start || (q < end && static_cast<unsigned>(*q - '0') < 10)) return nullptr;
    exponent += minus ? -e : e;
    p = q;
  }
  if (m > (std::uint64_t{1} << 53) || exponent < -22 || exponent > 22) return nullptr;
  double x = static_cast<double>(m);
  x = exponent < 0 ? x / kPow10[-exponent] : x * kPow10[exponent];
  // The sign as a bit, not a branch: signs in data are as good as random.
  value = std::bit_cast<double>(std::bit_cast<std::uint64_t>(x) | std::uint64_t{negative} << 63);
  return p;
}

// A finite number at p, in place: the fast path, or std::from_chars.
inline const char* number_in_place(const char* p, const char* end, double& value) {
  if (const char* q = fast_decimal(p, end, value)) return q;
  const auto [q, ec] = std::from_chars(p, end, value);
  return ec == std::errc() && std::isfinite(value) ? q : nullptr;
}

}  // namespace lrfind::load
