#include "load/number.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace lrfind {
namespace {

double parsed(std::string_view text) {
  double value = -12345.0;
  EXPECT_TRUE(parse_number(text, value)) << "'" << text << "'";
  return value;
}

bool rejects(std::string_view text) {
  double value = 0.0;
  return !parse_number(text, value);
}

TEST(ParseNumber, PlainDecimalsAndExponents) {
  EXPECT_EQ(parsed("0"), 0.0);
  EXPECT_EQ(parsed("-3.25"), -3.25);
  EXPECT_EQ(parsed("2.5E3"), 2500.0);
  EXPECT_EQ(parsed("1e-3"), 0.001);
  EXPECT_EQ(parsed(".5"), 0.5);
  EXPECT_EQ(parsed("5."), 5.0);
  EXPECT_EQ(parsed("0.1"), 0.1);  // correctly rounded, as from_chars promises
}

TEST(ParseNumber, LeadingPlusIsAccepted) {
  EXPECT_EQ(parsed("+1.5"), 1.5);
  EXPECT_EQ(parsed("+1e2"), 100.0);
  EXPECT_EQ(parsed(" +7 "), 7.0);
}

TEST(ParseNumber, SignAfterPlusIsRejected) {
  EXPECT_TRUE(rejects("+-1"));
  EXPECT_TRUE(rejects("++1"));
  EXPECT_TRUE(rejects("+ 1"));
  EXPECT_TRUE(rejects("-+1"));
}

TEST(ParseNumber, SurroundingBlanksAreAccepted) {
  EXPECT_EQ(parsed("  2.5"), 2.5);
  EXPECT_EQ(parsed("2.5\t"), 2.5);
  EXPECT_EQ(parsed(" \t-4 \t"), -4.0);
}

TEST(ParseNumber, EmptyBlankOrSignAloneIsRejected) {
  EXPECT_TRUE(rejects(""));
  EXPECT_TRUE(rejects("   "));
  EXPECT_TRUE(rejects("+"));
  EXPECT_TRUE(rejects("-"));
  EXPECT_TRUE(rejects("."));
}

TEST(ParseNumber, HexIsRejected) {
  EXPECT_TRUE(rejects("0x1A"));
  EXPECT_TRUE(rejects("0x1p3"));
  EXPECT_TRUE(rejects("1A"));
}

TEST(ParseNumber, TrailingOrInnerGarbageIsRejected) {
  EXPECT_TRUE(rejects("1.5x"));
  EXPECT_TRUE(rejects("1 2"));
  EXPECT_TRUE(rejects("1,5"));
  EXPECT_TRUE(rejects("1e"));
  EXPECT_TRUE(rejects("1e+"));
  EXPECT_TRUE(rejects("1.2.3"));
  EXPECT_TRUE(rejects("12abc"));
  EXPECT_TRUE(rejects("abc"));
}

TEST(ParseNumber, UnderflowIsAcceptedAsZero) {
  EXPECT_EQ(parsed("1e-400"), 0.0);
  EXPECT_EQ(parsed("-1e-400"), 0.0);
  EXPECT_EQ(parsed("+2.5E-999"), 0.0);
  EXPECT_EQ(parsed("5e-324"), 4.9406564584124654e-324);  // the smallest subnormal still parses
}

TEST(ParseNumber, UnderflowWithoutExponentIsAcceptedAsZero) {
  EXPECT_EQ(parsed("0." + std::string(400, '0') + "1"), 0.0);
  EXPECT_EQ(parsed("-0." + std::string(400, '0') + "1"), 0.0);
  EXPECT_EQ(parsed("0." + std::string(400, '0') + "1e5"), 0.0);
}

TEST(ParseNumber, OverflowIsANumberWithInfiniteValue) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(parsed("1e999"), inf);
  EXPECT_EQ(parsed("-1e999"), -inf);
  EXPECT_EQ(parsed("1" + std::string(400, '0')), inf);
  EXPECT_EQ(parsed("0.1e999"), inf);
  EXPECT_EQ(parsed("1" + std::string(500, '0') + "e-10"), inf);
}

TEST(ParseNumber, InfinityWordsAreNumbersWithInfiniteValue) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(parsed("inf"), inf);
  EXPECT_EQ(parsed("-Infinity"), -inf);
  EXPECT_TRUE(std::isnan(parsed("NAN")));
}

// ---------------------------------------------------------------- in place

// The loader's fast path: the same double as std::from_chars where it
// answers, and nullptr (leaving the text to from_chars) where it does not.
TEST(FastDecimal, SameDoubleAsFromCharsOrNoAnswer) {
  const std::vector<std::string> answered = {
      "0", "-0", "1.", ".5", "-.5", "1e5", "1E-5", "1e+22", "1e-22", "12345678", "123456789", "0.1",
      "-87654321.5", "123456789012345", "9007199254740992", "12345678e-8"};
  for (const std::string& text : answered) {
    double fast = -1.0;
    const char* end = load::fast_decimal(text.data(), text.data() + text.size(), fast);
    ASSERT_EQ(end, text.data() + text.size()) << text;
    double reference = 0.0;
    std::from_chars(text.data(), text.data() + text.size(), reference);
    EXPECT_EQ(std::memcmp(&fast, &reference, sizeof fast), 0) << text;
  }
  // Too many digits, a significand over 2^53, a power of ten past 10^22, no digits.
  for (const std::string text : {"12345678901234567890", "1234567890123456789", "9007199254740993",
                                 "99999999.99999999", "1e23", "1e-23", "-", ".", "e5", "1e"}) {
    double value = 0.0;
    EXPECT_EQ(load::fast_decimal(text.data(), text.data() + text.size(), value), nullptr) << text;
  }
}

TEST(FastDecimal, StopsAtTheFirstByteThatIsNotPartOfTheNumber) {
  const std::string text = "-12.5e1,7";
  double value = 0.0;
  EXPECT_EQ(load::fast_decimal(text.data(), text.data() + text.size(), value), text.data() + 7);
  EXPECT_EQ(value, -125.0);
}

TEST(NumberInPlace, FallsBackToFromCharsForFiniteNumbersOnly) {
  double value = 0.0;
  const std::string many = "12345678901234567890,";
  EXPECT_EQ(load::number_in_place(many.data(), many.data() + many.size(), value), many.data() + 20);
  EXPECT_EQ(value, 12345678901234567890.0);
  const std::string huge = "1e999";
  EXPECT_EQ(load::number_in_place(huge.data(), huge.data() + huge.size(), value), nullptr);
  const std::string word = "abc";
  EXPECT_EQ(load::number_in_place(word.data(), word.data() + word.size(), value), nullptr);
}

}  // namespace
}  // namespace lrfind
