#include "report/json_read.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <optional>

namespace lrfind::json_read {
namespace {

using Json = nlohmann::ordered_json;

TEST(JsonRead, MissingOrMistypedFieldsReadAsNull) {
  const Json object = Json::parse(R"({"a": 1, "list": [1, 2]})");
  EXPECT_EQ(field(object, "a"), 1);
  EXPECT_TRUE(field(object, "b").is_null());
  EXPECT_TRUE(field(object.at("list"), "a").is_null());
  EXPECT_TRUE(field(Json(), "a").is_null());
  EXPECT_TRUE(field(field(object, "b"), "c").is_null());
  EXPECT_EQ(element(object.at("list"), 1), 2);
  EXPECT_TRUE(element(object.at("list"), 2).is_null());
  EXPECT_TRUE(element(object, 0).is_null());
  EXPECT_EQ(length(object.at("list")), 2u);
  EXPECT_EQ(length(object), 0u);
  EXPECT_EQ(length(Json("text")), 0u);
  EXPECT_EQ(last_element(object.at("list")), 2);
  EXPECT_TRUE(last_element(Json::array()).is_null());
  EXPECT_TRUE(last_element(object).is_null());
}

TEST(JsonRead, NumbersReadOnlyWhenFiniteAndOfTheRightKind) {
  EXPECT_EQ(finite(Json(0.5)), 0.5);
  EXPECT_EQ(finite(Json(-3)), -3.0);
  EXPECT_FALSE(finite(Json()));
  EXPECT_FALSE(finite(Json("1")));
  EXPECT_FALSE(finite(Json(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_FALSE(finite(Json(-std::numeric_limits<double>::infinity())));

  EXPECT_EQ(rate(Json(1e-3)), 1e-3);
  EXPECT_FALSE(rate(Json(0.0)));
  EXPECT_FALSE(rate(Json(-1.0)));

  EXPECT_EQ(integer(Json(32)), 32);
  EXPECT_FALSE(integer(Json(32.0)));
  EXPECT_FALSE(integer(Json("32")));

  EXPECT_TRUE(flag(Json(true)));
  EXPECT_FALSE(flag(Json(false)));
  EXPECT_FALSE(flag(Json("true")));
  EXPECT_FALSE(flag(Json(1)));
}

TEST(JsonRead, TextIsEmptyForNonStringsAndPrintableReplacesControlCharacters) {
  EXPECT_EQ(text(Json("a<b")), "a<b");
  EXPECT_EQ(text(Json("x\x1b[31m")), "x\x1b[31m");
  EXPECT_EQ(text(Json(5)), "");
  EXPECT_EQ(text(Json()), "");
  EXPECT_EQ(printable(Json("x\x1b[31m\x7f\ty")), "x?[31m??y");
  EXPECT_EQ(printable(Json("Iris-setosa")), "Iris-setosa");
  EXPECT_EQ(printable(Json::array()), "");
}

}  // namespace
}  // namespace lrfind::json_read
