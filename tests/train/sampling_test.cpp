#include "train/sampling.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>

namespace lrfind {
namespace {

std::vector<Index> iota(Index n) {
  std::vector<Index> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

TEST(Rng, SameSeedSameSequence) {
  Rng a(42), b(42), c(43);
  for (int i = 0; i < 10; ++i) {
    const auto x = a.next();
    EXPECT_EQ(x, b.next());
    EXPECT_NE(x, c.next());
  }
}

TEST(Rng, TenThousandthDrawIsTheStandardMt19937_64) {
  // The C++ standard fixes mt19937_64's output: the 10000th draw of the
  // default seed is 9981545732273789042. Our sequence is portable because of it.
  Rng rng(5489);
  std::uint64_t x = 0;
  for (int i = 0; i < 10000; ++i) x = rng.next();
  EXPECT_EQ(x, 9981545732273789042ULL);
}

TEST(Rng, BelowStaysInRangeAndCoversIt) {
  Rng rng(1);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const auto v = rng.below(7);
    ASSERT_LT(v, 7u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 7u);
}

TEST(Rng, ShuffleIsAPermutation) {
  Rng rng(3);
  std::vector<Index> v = iota(100);
  rng.shuffle(v);
  EXPECT_NE(v, iota(100));
  std::sort(v.begin(), v.end());
  EXPECT_EQ(v, iota(100));
}

TEST(EpochSampler, EachEpochVisitsEveryRowOnceLastBatchSmaller) {
  Rng rng(0);
  const std::vector<Index> rows = iota(10);
  EpochSampler sampler(rows, 4, rng);
  EXPECT_EQ(sampler.batches_per_epoch(), 3);
  for (int epoch = 0; epoch < 3; ++epoch) {
    std::vector<Index> seen;
    std::vector<std::size_t> sizes;
    for (int b = 0; b < 3; ++b) {
      const auto batch = sampler.next();
      sizes.push_back(batch.size());
      seen.insert(seen.end(), batch.begin(), batch.end());
    }
    EXPECT_TRUE(sampler.epoch_finished());
    EXPECT_EQ(sizes, (std::vector<std::size_t>{4, 4, 2}));
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, rows);
  }
}

TEST(EpochSampler, NewPermutationEveryEpoch) {
  Rng rng(0);
  const std::vector<Index> rows = iota(50);
  EpochSampler sampler(rows, 0, rng);
  const auto a = sampler.next();
  const std::vector<Index> first(a.begin(), a.end());
  const auto b = sampler.next();
  const std::vector<Index> second(b.begin(), b.end());
  EXPECT_EQ(first.size(), 50u);  // batch size 0: the whole set
  EXPECT_NE(first, second);
}

TEST(EpochSampler, BatchLargerThanDataIsOneBatch) {
  Rng rng(0);
  const std::vector<Index> rows = iota(5);
  EpochSampler sampler(rows, 100, rng);
  EXPECT_EQ(sampler.batches_per_epoch(), 1);
  EXPECT_EQ(sampler.next().size(), 5u);
}

// begin_epoch() and batch(b) walk the same batches as next(), from the same generator.
TEST(EpochSampler, BeginEpochAndBatchGiveTheBatchesNextWould) {
  const std::vector<Index> rows = iota(23);
  Rng a(9);
  Rng b(9);
  EpochSampler walked(rows, 5, a);
  EpochSampler indexed(rows, 5, b);
  for (int epoch = 0; epoch < 3; ++epoch) {
    indexed.begin_epoch();
    for (Index k = 0; k < indexed.batches_per_epoch(); ++k) {
      const auto expected = walked.next();
      const auto got = indexed.batch(k);
      EXPECT_EQ(std::vector<Index>(got.begin(), got.end()), std::vector<Index>(expected.begin(), expected.end()));
      EXPECT_EQ(indexed.rows_from(k).size(), rows.size() - static_cast<std::size_t>(k) * 5);
    }
  }
  EXPECT_EQ(indexed.rows_from(indexed.batches_per_epoch()).size(), 0u);
}

}  // namespace
}  // namespace lrfind
