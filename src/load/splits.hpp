// Which rows train and which validate: k folds or a hold-out (auto), and the
// grid's validation split. Splits are drawn from a seeded generator, so they
// are the same on every machine.
#pragma once

#include <cstdint>
#include <span>
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
// k == 1: one hold-out of `holdout` of them. Row lists are sorted. With
// `groups` (a group id per row, svmlight's qid), a group's rows stay on one
// side of every split: groups are shuffled and folds cut at group
// boundaries. Throws UsageError when a hold-out has fewer than 2 rows (or
// groups) to split, or there are fewer groups than folds.
std::vector<Split> make_splits(Index rows, int k, double holdout, Rng& rng, std::span<const std::int64_t> groups = {});

// The grid's split: `fraction` of `rows` rows (at least one) held out for
// validation, drawn from rng; with fraction 0 every row trains. Throws
// DataError (naming `source`) when too few rows are left to train on.
// With `groups`, as make_splits keeps them.
Split validation_split(Index rows, double fraction, Rng& rng, const std::string& source,
                       std::span<const std::int64_t> groups = {});

// Independent stream seeds from (seed, index) (splitmix64), so that each
// (repeat, fold) run has batches of its own whatever else is trained.
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t index);

}  // namespace lrfind
