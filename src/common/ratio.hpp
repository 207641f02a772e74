// A ratio of two rates or losses as messages write it: 3 significant digits
// with trailing zeros kept ("within 1.03x of", "1.00x the best rate's"), so
// that a ratio near 1 never reads "1x"; whole numbers from 100 up.
#pragma once

#include <cmath>
#include <fmt/format.h>
#include <string>

namespace lrfind {

inline std::string ratio_text(double ratio) {
  if (!std::isfinite(ratio) || ratio <= 0.0) return fmt::format("{:.3g}", ratio);
  if (ratio < 1.0) return fmt::format("{:#.3g}", ratio);
  if (ratio < 10.0) return fmt::format("{:.2f}", ratio);
  if (ratio < 100.0) return fmt::format("{:.1f}", ratio);
  if (ratio < 1e6) return fmt::format("{:.0f}", ratio);
  return fmt::format("{:.3g}", ratio);
}

}  // namespace lrfind
