// Which rows train and which validate: k folds or a hold-out (auto), and the
// grid's validation split. Splits are drawn from a seeded generator, so they
// are the same on every machine.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "load/features.hpp"
#include "train/sampling.hpp"

namespace lrfind {

// Train/validation row sets of one split.
struct Split {
  std::vector<Index> train;
  std::vector<Index> validation;
};

// k >= 2: k-fold cross-validation over a shuffled order of `rows` rows;
// k == 1: one hold-out of `holdout` of them. Row lists are sorted. Throws
// UsageError when a hold-out has fewer than 2 rows to split.
std::vector<Split> make_splits(Index rows, int k, double holdout, Rng& rng);

// The grid's split: `fraction` of `rows` rows (at least one) held out for
// validation, drawn from rng; with fraction 0 every row trains. Throws
// DataError (naming `source`) when too few rows are left to train on.
Split validation_split(Index rows, double fraction, Rng& rng, const std::string& source);

// Independent stream seeds from (seed, index) (splitmix64), so that each
// (repeat, fold) run has batches of its own whatever else is trained.
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t index);

}  // namespace lrfind
