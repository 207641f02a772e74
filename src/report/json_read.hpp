// Reading the report (make_report's JSON) defensively, for the renderers: a
// field that is missing or of another type (an older or newer schema, or a
// document edited by hand) reads as null, empty or absent, so that rendering
// never throws. One set of accessors, shared by every renderer.
#pragma once

#include <cmath>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace lrfind::json_read {

inline const nlohmann::ordered_json& null_json() {
  static const nlohmann::ordered_json null;
  return null;
}

// The member `key` of an object; null when there is none or `object` is not an object.
inline const nlohmann::ordered_json& field(const nlohmann::ordered_json& object, std::string_view key) {
  if (!object.is_object()) return null_json();
  const auto it = object.find(key);
  return it == object.end() ? null_json() : *it;
}

// Element i of an array; null when there is none or `array` is not an array.
inline const nlohmann::ordered_json& element(const nlohmann::ordered_json& array, std::size_t i) {
  return array.is_array() && i < array.size() ? array[i] : null_json();
}

// The number of elements of an array; 0 for anything else.
inline std::size_t length(const nlohmann::ordered_json& array) { return array.is_array() ? array.size() : 0; }

// The last element of an array (a curve's final loss); null when it is empty or not an array.
inline const nlohmann::ordered_json& last_element(const nlohmann::ordered_json& array) {
  return length(array) == 0 ? null_json() : array.back();
}

// A finite number; empty for null (how the report writes NaN and infinity),
// for a non-finite double and for anything that is not a number.
inline std::optional<double> finite(const nlohmann::ordered_json& value) {
  if (!value.is_number()) return std::nullopt;
  const double v = value.get<double>();
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

// A learning rate: finite and positive, so that it has a place on a log axis.
inline std::optional<double> rate(const nlohmann::ordered_json& value) {
  const std::optional<double> v = finite(value);
  if (v && *v > 0.0) return v;
  return std::nullopt;
}

// A whole number written as one (not 3.0).
inline std::optional<long long> integer(const nlohmann::ordered_json& value) {
  if (!value.is_number_integer()) return std::nullopt;
  return value.get<long long>();
}

// True only for the JSON value true.
inline bool flag(const nlohmann::ordered_json& value) { return value.is_boolean() && value.get<bool>(); }

// A string as it is; empty for anything else. For markup that escapes it (SVG).
inline std::string text(const nlohmann::ordered_json& value) {
  return value.is_string() ? value.get<std::string>() : std::string();
}

// A string from the input (path, column names, class labels) to show on a
// terminal: control characters, an escape sequence's ESC among them, become
// '?'. Empty for anything that is not a string.
inline std::string printable(const nlohmann::ordered_json& value) {
  std::string out = text(value);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return out;
}

}  // namespace lrfind::json_read
