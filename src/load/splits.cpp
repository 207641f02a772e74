#include "load/splits.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numeric>
#include <unordered_map>

#include "lrfind/error.hpp"

namespace lrfind {

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (index + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

namespace {

// The rows in a shuffled order, as whole groups when `groups` (a group id
// per row) is given: the groups in order of first appearance, shuffled, each
// group's rows in row order. `starts` receives where each unit (a row, or a
// group) begins in the order, and the order's size at the end.
std::vector<Index> shuffled_units(Index rows, Rng& rng, std::span<const std::int64_t> groups,
                                  std::vector<std::size_t>& starts) {
  std::vector<Index> order(static_cast<std::size_t>(rows));
  std::iota(order.begin(), order.end(), Index{0});
  starts.clear();
  if (groups.empty()) {
    rng.shuffle(order);
    for (std::size_t i = 0; i <= order.size(); ++i) starts.push_back(i);
    return order;
  }
  std::unordered_map<std::int64_t, std::size_t> unit_of;
  std::vector<std::vector<Index>> units;
  for (Index r = 0; r < rows; ++r) {
    const auto [it, added] = unit_of.try_emplace(groups[static_cast<std::size_t>(r)], units.size());
    if (added) units.emplace_back();
    units[it->second].push_back(r);
  }
  std::vector<Index> unit_order(units.size());
  std::iota(unit_order.begin(), unit_order.end(), Index{0});
  rng.shuffle(unit_order);
  order.clear();
  for (const Index u : unit_order) {
    starts.push_back(order.size());
    const std::vector<Index>& members = units[static_cast<std::size_t>(u)];
    order.insert(order.end(), members.begin(), members.end());
  }
  starts.push_back(order.size());
  return order;
}

// The first unit boundary at or after `at`.
std::size_t boundary_at_or_after(const std::vector<std::size_t>& starts, std::size_t at) {
  return *std::lower_bound(starts.begin(), starts.end(), at);
}

}  // namespace

std::vector<Split> make_splits(Index rows, int k, double holdout, Rng& rng, std::span<const std::int64_t> groups) {
  std::vector<std::size_t> starts;
  const std::vector<Index> order = shuffled_units(rows, rng, groups, starts);
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
  const std::size_t units = starts.size() - 1;
  if (k >= 2) {
    if (!groups.empty() && units < static_cast<std::size_t>(k))
      throw UsageError(fmt::format("{} folds need at least {} groups (qid), not {}: give --folds {} or fewer", k, k,
                                   units, units));
    for (int f = 0; f < k; ++f)
      add(boundary_at_or_after(starts, n * static_cast<std::size_t>(f) / static_cast<std::size_t>(k)),
          boundary_at_or_after(starts, n * static_cast<std::size_t>(f + 1) / static_cast<std::size_t>(k)));
  } else {
    if (n < 2) throw UsageError("a hold-out split needs at least 2 rows");
    if (units < 2) throw UsageError("a hold-out split needs at least 2 groups (qid)");
    std::size_t held = static_cast<std::size_t>(std::llround(holdout * static_cast<double>(n)));
    held = std::clamp<std::size_t>(held, 1, n - 1);
    held = std::clamp<std::size_t>(boundary_at_or_after(starts, held), starts[1], starts[units - 1]);
    add(0, held);
  }
  return splits;
}

Split validation_split(Index rows, double fraction, Rng& rng, const std::string& source,
                       std::span<const std::int64_t> groups) {
  Split split;
  if (!(fraction > 0.0)) {
    split.train.resize(static_cast<std::size_t>(rows));
    std::iota(split.train.begin(), split.train.end(), Index{0});
    return split;
  }
  std::vector<std::size_t> starts;
  const std::vector<Index> order = shuffled_units(rows, rng, groups, starts);
  std::size_t held_out = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(order.size())));
  held_out = boundary_at_or_after(starts, std::max<std::size_t>(held_out, 1));
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
