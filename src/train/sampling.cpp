#include "train/sampling.hpp"

#include <algorithm>
#include <limits>
#include <numeric>

namespace lrfind {

std::uint64_t Rng::below(std::uint64_t bound) {
  // Accept draws below the largest multiple of `bound`; the rest would bias.
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                              std::numeric_limits<std::uint64_t>::max() % bound;
  std::uint64_t draw = engine_();
  while (draw >= limit) draw = engine_();
  return draw % bound;
}

void Rng::shuffle(std::span<Index> values) {
  for (std::size_t i = values.size(); i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(below(i));
    std::swap(values[i - 1], values[j]);
  }
}

EpochSampler::EpochSampler(std::span<const Index> rows, Index batch_size, Rng& rng)
    : order_(rows.begin(), rows.end()),
      batch_(batch_size > 0 ? std::min<Index>(batch_size, static_cast<Index>(rows.size()))
                            : static_cast<Index>(rows.size())),
      rng_(rng),
      position_(order_.size()) {
  if (batch_ < 1) batch_ = 1;
}

void EpochSampler::begin_epoch() {
  rng_.shuffle(order_);
  position_ = order_.size();  // next() would start the epoch after this one
}

std::span<const Index> EpochSampler::next() {
  if (position_ >= order_.size()) {
    rng_.shuffle(order_);
    position_ = 0;
  }
  const std::size_t count = std::min(order_.size() - position_, static_cast<std::size_t>(batch_));
  std::span<const Index> batch(order_.data() + position_, count);
  position_ += count;
  return batch;
}

}  // namespace lrfind
