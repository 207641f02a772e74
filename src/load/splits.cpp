#include "load/splits.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numeric>

#include "lrfind/error.hpp"

namespace lrfind {

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (index + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::vector<Split> make_splits(Index rows, int k, double holdout, Rng& rng) {
  std::vector<Index> order(static_cast<std::size_t>(rows));
  std::iota(order.begin(), order.end(), Index{0});
  rng.shuffle(order);
  const std::size_t n = order.size();
  std::vector<Split> splits;
  const auto add = [&](std::size_t begin, std::size_t end) {
    Split s;
    s.validation.assign(order.begin() + static_cast<std::ptrdiff_t>(begin), order.begin() + static_cast<std::ptrdiff_t>(end));
    s.train.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(begin));
    s.train.insert(s.train.end(), order.begin() + static_cast<std::ptrdiff_t>(end), order.end());
    std::sort(s.validation.begin(), s.validation.end());
    std::sort(s.train.begin(), s.train.end());
    splits.push_back(std::move(s));
  };
  if (k >= 2) {
    for (int f = 0; f < k; ++f)
      add(n * static_cast<std::size_t>(f) / static_cast<std::size_t>(k),
          n * static_cast<std::size_t>(f + 1) / static_cast<std::size_t>(k));
  } else {
    if (n < 2) throw UsageError("a hold-out split needs at least 2 rows");
    std::size_t held = static_cast<std::size_t>(std::llround(holdout * static_cast<double>(n)));
    held = std::clamp<std::size_t>(held, 1, n - 1);
    add(0, held);
  }
  return splits;
}

Split validation_split(Index rows, double fraction, Rng& rng, const std::string& source) {
  std::vector<Index> order(static_cast<std::size_t>(rows));
  std::iota(order.begin(), order.end(), Index{0});
  Split split;
  if (!(fraction > 0.0)) {
    split.train = std::move(order);
    return split;
  }
  rng.shuffle(order);
  std::size_t held_out = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(order.size())));
  held_out = std::max<std::size_t>(held_out, 1);
  if (held_out >= order.size())
    throw DataError(source, 0,
                    fmt::format("{} rows are too few to hold out a validation fraction of {}; use --validation 0",
                                order.size(), fraction));
  split.validation.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(held_out));
  split.train.assign(order.begin() + static_cast<std::ptrdiff_t>(held_out), order.end());
  std::sort(split.validation.begin(), split.validation.end());
  std::sort(split.train.begin(), split.train.end());
  return split;
}

}  // namespace lrfind
