// Seeded randomness with results that are the same on every platform: the
// standard engines are specified bit for bit, but std::shuffle and the standard
// distributions are not, so shuffling and bounded draws are written out here.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include <Eigen/Core>

namespace lrfind {

using Index = Eigen::Index;

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t next() { return engine_(); }
  // Uniform integer in [0, bound), by rejection so that there is no modulo bias.
  std::uint64_t below(std::uint64_t bound);
  // Fisher-Yates shuffle.
  void shuffle(std::span<Index> values);

 private:
  std::mt19937_64 engine_;
};

// Walks mini-batches over a fixed set of rows; each epoch is a fresh
// permutation drawn from the generator. A batch size of 0 means all rows.
class EpochSampler {
 public:
  EpochSampler(std::span<const Index> rows, Index batch_size, Rng& rng);
  // The next batch (a view valid until the next call); starts a new epoch,
  // reshuffled, when the previous one is used up.
  std::span<const Index> next();
  // Starts the next epoch, reshuffled, as next() would; batch(b) is then
  // its b-th batch, for callers that walk one epoch from several threads.
  void begin_epoch();
  std::span<const Index> batch(Index b) const {
    const std::size_t from = static_cast<std::size_t>(b) * static_cast<std::size_t>(batch_);
    return std::span<const Index>(order_).subspan(from, std::min(order_.size() - from, static_cast<std::size_t>(batch_)));
  }
  // The rows of this epoch from batch b on (to gather several batches at once).
  std::span<const Index> rows_from(Index b) const {
    return std::span<const Index>(order_).subspan(
        std::min(order_.size(), static_cast<std::size_t>(b) * static_cast<std::size_t>(batch_)));
  }
  // True when the batch most recently returned was the last of its epoch.
  bool epoch_finished() const { return position_ >= order_.size(); }
  Index batch_size() const { return batch_; }
  Index batches_per_epoch() const {
    return static_cast<Index>((order_.size() + static_cast<std::size_t>(batch_) - 1) / static_cast<std::size_t>(batch_));
  }

 private:
  std::vector<Index> order_;
  Index batch_;
  Rng& rng_;
  std::size_t position_;
};

}  // namespace lrfind
