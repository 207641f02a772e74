// Limits that keep a hostile or mistaken input from exhausting memory; each
// is an error that says which limit was hit.
#pragma once

#include <cstddef>

namespace lrfind {

inline constexpr std::size_t kMaxFieldBytes = std::size_t{1} << 20;   // one field, unescaped
inline constexpr std::size_t kMaxColumns = 100'000;                    // fields in the header
inline constexpr std::size_t kMaxRecordBytes = std::size_t{64} << 20;  // one row, quoted newlines included

}  // namespace lrfind
