// Recommendation-quality harness (issue 3). For every row (data set, model
// kind, optimizer) it trains on the default budget (5 epochs, batch 32, the
// model's default L2, constant schedule) and
//  - finds the oracle: the 5-fold cross-validated final validation loss of
//    every rate of a dense log grid (1e-6 to 1e3, 10 per decade), on splits and
//    batch orders drawn from a seed lr-find never uses by default; V* is the
//    lowest, V0 the untrained (zero-weight) model's loss on the same folds;
//  - asks each recommendation rule for one rate r and trains r under the same
//    oracle (same folds, same batches);
//  - scores it by the normalised regret (V(r) - V*)/(V0 - V*), clamped to
//    [0, 1]: 0 is as good as the grid's best, 1 no better than not training.
//    A rule that gives no rate, or a rate that diverges, scores 1.
//
//   lrfind_quality [--quick] [--jobs N] DATA_DIR... OUTPUT_PREFIX
//
// Data files are looked up by name in the DATA_DIRs, in order. Writes
// OUTPUT_PREFIX.csv (one line per row and rule) and OUTPUT_PREFIX.md (the
// summary tables, also printed on stdout).
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <exception>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "recommend/auto.hpp"
#include "search/auto.hpp"
#include "load/loader.hpp"
#include "load/dataset.hpp"
#include "lrfind/error.hpp"
#include "train/model_kind.hpp"
#include "search/grid.hpp"
#include "train/model.hpp"
#include "train/optimizer.hpp"
#include "io/output.hpp"
#include "search/range.hpp"
#include "train/sampling.hpp"
#include "train/schedule.hpp"
#include "recommend/suggest.hpp"

namespace {

namespace fs = std::filesystem;
using lrfind::Index;

constexpr double kInf = std::numeric_limits<double>::infinity();

// The oracle's seed: lr-find's own runs use seeds 0, 1, 2 by default.
constexpr std::uint64_t kOracleSeed = 20260101;
constexpr std::uint64_t kSecondOracleSeed = 20260102;
constexpr int kOracleFolds = 5;
constexpr double kGridLow = 1e-6;
constexpr double kGridHigh = 1e3;
constexpr int kGridPerDecade = 10;
constexpr int kQuickGridPerDecade = 2;
// How far the grid may be extended when its best rate sits at an end.
constexpr double kGridFloor = 1e-9;
constexpr double kGridCeiling = 1e6;

// The targets of issue 3, for `auto` per model kind and per optimizer.
constexpr double kTargetMedian = 0.01;
constexpr double kTargetP90 = 0.05;
constexpr double kTargetMax = 0.2;
constexpr double kNearBest = 0.05;

struct DatasetSpec {
  const char* name;
  const char* file;
  bool regression;
  bool quick;  // part of the --quick smoke run
  const char* source;
};

const DatasetSpec kDatasets[] = {
    {"iris", "iris.csv", false, true, "UCI (Fisher), via scikit-learn"},
    {"breast_cancer", "breast_cancer.csv", false, false, "UCI Wisconsin diagnostic, via scikit-learn"},
    {"wine", "wine.csv", false, false, "UCI wine recognition, via scikit-learn"},
    {"digits", "digits.csv", false, false, "UCI optical digits (test set), via scikit-learn"},
    {"synth_imbalanced", "synth_imbalanced.csv", false, false, "make_synthetic.py"},
    {"synth_multiclass", "synth_multiclass.csv", false, false, "make_synthetic.py"},
    {"diabetes", "diabetes.csv", true, true, "Efron et al. 2004, via scikit-learn"},
    {"boston", "boston.csv", true, false, "Harrison & Rubinfeld 1978 (without B), via scikit-learn"},
    {"synth_regression", "synth_regression.csv", true, false, "make_synthetic.py"},
    {"synth_friedman", "synth_friedman.csv", true, false, "make_synthetic.py"},
};

const std::vector<std::string> kOptimizers = {"sgd", "momentum", "adam"};

// The rules, in the order of the tables.
const std::vector<std::string> kRules = {"auto",         "range_x3",  "minimum_div_10",       "steepest",
                                         "valley",       "lightning", "lightning_lr_spacing", "torch_lr_finder",
                                         "second_oracle"};

const char* rule_description(const std::string& rule) {
  if (rule == "auto") return "lr-find's default (`--method auto`): `run_auto` with the CLI's defaults";
  if (rule == "range_x3")
    return "lr-find `--method range`: minimum_div_10 on range tests with seeds 0, 1, 2, geometric median";
  if (rule == "minimum_div_10") return "fastai `minimum`: rate at the lowest smoothed loss / 10";
  if (rule == "steepest") return "fastai `steep`: steepest forward-difference slope against log(lr)";
  if (rule == "valley") return "fastai `valley` (fastai's default)";
  if (rule == "lightning")
    return "Lightning `suggestion()` before 2.5.3: argmin of np.gradient (unit spacing) of the smoothed losses, "
           "skip 10 / 1";
  if (rule == "lightning_lr_spacing")
    return "Lightning `suggestion()` since 2.5.3 (PR #21055, reported in #21141): torch.gradient against lr itself, "
           "skip 10 / 1";
  if (rule == "second_oracle")
    return "the noise floor: the best rate of the same grid under a second oracle (other folds and batch orders, "
           "seed 20260102), scored by the first";
  if (rule == "torch_lr_finder") return "torch-lr-finder `plot()`: argmin of np.gradient (unit spacing), skip 10 / 5";
  return "";
}

// ---------------------------------------------------------------------------
// Reimplemented suggestions of other libraries.

// numpy.gradient(f) with unit spacing (edge_order 1): central differences
// inside, one-sided differences at both ends. Needs at least 2 points.
std::vector<double> numpy_gradient(std::span<const double> f) {
  const std::size_t n = f.size();
  std::vector<double> g(n);
  g[0] = f[1] - f[0];
  g[n - 1] = f[n - 1] - f[n - 2];
  for (std::size_t i = 1; i + 1 < n; ++i) g[i] = (f[i + 1] - f[i - 1]) / 2.0;
  return g;
}

// numpy.gradient(f, x) / torch.gradient(f, spacing=[x]) on the coordinates x:
// the second-order formula for uneven spacing inside, one-sided at the ends.
std::vector<double> gradient_on(std::span<const double> f, std::span<const double> x) {
  const std::size_t n = f.size();
  std::vector<double> g(n);
  g[0] = (f[1] - f[0]) / (x[1] - x[0]);
  g[n - 1] = (f[n - 1] - f[n - 2]) / (x[n - 1] - x[n - 2]);
  for (std::size_t i = 1; i + 1 < n; ++i) {
    const double h1 = x[i] - x[i - 1];
    const double h2 = x[i + 1] - x[i];
    g[i] = (h1 * h1 * f[i + 1] - h2 * h2 * f[i - 1] + (h2 * h2 - h1 * h1) * f[i]) / (h1 * h2 * (h1 + h2));
  }
  return g;
}

std::size_t first_argmin(const std::vector<double>& v) {
  return static_cast<std::size_t>(std::min_element(v.begin(), v.end()) - v.begin());
}

// PyTorch Lightning, src/lightning/pytorch/tuner/lr_finder.py,
// _LRFinder.suggestion(skip_begin=10, skip_end=1): the recorded (smoothed)
// losses [10:-1], non-finite ones dropped, then the argmin of their gradient.
// Before Lightning 2.5.3 the gradient is over the index (np.gradient(losses),
// torch.gradient(losses) since PR #17264); 2.5.3 (PR #21055) passes
// spacing=[lrs], the gradient against the rate itself (`against_lr`), which
// issue #21141 reports as no longer finding a good rate.
std::optional<double> lightning_suggestion(const lrfind::RangeTestResult& range, bool against_lr) {
  constexpr std::size_t kSkipBegin = 10;
  constexpr std::size_t kSkipEnd = 1;
  const std::size_t n = range.points.size();
  if (n <= kSkipBegin + kSkipEnd) return std::nullopt;
  std::vector<double> lrs;
  std::vector<double> losses;
  for (std::size_t i = kSkipBegin; i < n - kSkipEnd; ++i)
    if (std::isfinite(range.points[i].smoothed_loss)) {
      lrs.push_back(range.points[i].lr);
      losses.push_back(range.points[i].smoothed_loss);
    }
  if (losses.size() < 2) return std::nullopt;  // Lightning logs an error and returns None
  const std::vector<double> g = against_lr ? gradient_on(losses, lrs) : numpy_gradient(losses);
  return lrs[first_argmin(g)];
}

// torch-lr-finder (davidtvs/pytorch-lr-finder), torch_lr_finder/lr_finder.py,
// LRFinder.plot(skip_start=10, skip_end=5, suggest_lr=True): the recorded
// (smoothed) losses [10:-5], then np.gradient(losses).argmin(). np.gradient
// raises ValueError below 2 points and plot() then prints that it failed.
std::optional<double> torch_lr_finder_suggestion(const lrfind::RangeTestResult& range) {
  constexpr std::size_t kSkipStart = 10;
  constexpr std::size_t kSkipEnd = 5;
  const std::size_t n = range.points.size();
  if (n < kSkipStart + kSkipEnd + 2) return std::nullopt;
  std::vector<double> lrs;
  std::vector<double> losses;
  for (std::size_t i = kSkipStart; i < n - kSkipEnd; ++i) {
    lrs.push_back(range.points[i].lr);
    losses.push_back(range.points[i].smoothed_loss);
  }
  // A non-finite value would make numpy's argmin return its index; lr-find
  // stops at the first one, and skip_end drops it.
  return lrs[first_argmin(numpy_gradient(losses))];
}

// fastai's rules exactly as lr-find's recommend_range (src/run.cpp) reads them:
// the finite prefix of the smoothed curve, fastai's window, then the rule.
std::map<std::string, std::optional<double>> fastai_suggestions(const lrfind::RangeTestResult& range,
                                                                int planned_steps) {
  std::vector<double> lrs;
  std::vector<double> smoothed;
  for (const lrfind::RangePoint& p : range.points) {
    if (!std::isfinite(p.loss) || !std::isfinite(p.smoothed_loss)) break;
    lrs.push_back(p.lr);
    smoothed.push_back(p.smoothed_loss);
  }
  std::map<std::string, std::optional<double>> out{
      {"minimum_div_10", std::nullopt}, {"steepest", std::nullopt}, {"valley", std::nullopt}};
  if (lrs.empty()) return out;
  const lrfind::Window w = lrfind::suggestion_window(lrs.size(), planned_steps);
  const std::span<const double> wl(lrs.data() + w.begin, w.end - w.begin);
  const std::span<const double> ws(smoothed.data() + w.begin, w.end - w.begin);
  static const lrfind::Registry<lrfind::RuleEntry> rules = lrfind::builtin_rules();
  for (const lrfind::RuleEntry& rule : rules)
    if (auto s = rule.suggest(wl, ws)) out[rule.name] = s->lr;
  return out;
}

// The geometric median of rates, as src/run.cpp takes it across repeats.
double rate_median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : std::sqrt(v[n / 2 - 1] * v[n / 2]);
}

// ---------------------------------------------------------------------------
// Rows and scores.

struct LoadedData {
  const DatasetSpec* spec;
  lrfind::Dataset data;  // standardised on all rows
};

struct RowJob {
  const LoadedData* data;
  const lrfind::ModelKindEntry* model;
  const lrfind::OptimizerEntry* optimizer;
};

struct RuleScore {
  std::string rule;
  std::optional<double> lr;
  double val_loss = kInf;
  double regret = 1.0;
  std::string note;  // why the regret is 1 without a measurement
};

struct RowResult {
  std::string dataset;
  std::string model;
  std::string optimizer;
  Index rows = 0;
  Index features = 0;       // after one-hot encoding
  std::size_t classes = 0;  // 0: regression
  std::string source;
  double v_star = 0.0;
  double lr_star = 0.0;
  double v0 = 0.0;
  double grid_low = 0.0;  // the grid actually searched, after any extension
  double grid_high = 0.0;
  bool best_at_grid_edge = false;
  double auto_seconds = 0.0;
  std::string auto_confidence;
  std::vector<RuleScore> scores;
};

double normalised_regret(double v, double v_star, double v0) {
  if (!std::isfinite(v)) return 1.0;
  const double gap = v0 - v_star;
  if (!(gap > 0.0)) return v <= v_star ? 0.0 : 1.0;
  return std::clamp((v - v_star) / gap, 0.0, 1.0);
}

RowResult score_row(const RowJob& job, int grid_per_decade) {
  const lrfind::Dataset& d = job.data->data;
  const lrfind::Features& X = d.features;
  const lrfind::Vector& y = d.targets;
  const Index n = d.rows();
  const lrfind::StopToken never;  // the harness is never stopped
  std::vector<Index> all(static_cast<std::size_t>(n));
  std::iota(all.begin(), all.end(), Index{0});
  const std::unique_ptr<lrfind::Model> model = std::make_unique<lrfind::Model>(
      lrfind::make_model(*job.model, X.cols(), d.classes.size(), job.model->default_l2));

  lrfind::GridConfig budget;  // 5 epochs, batch 32, constant schedule
  budget.epochs = 5;
  budget.batch_size = 32;
  budget.schedule = &lrfind::schedule_named("constant");

  RowResult row;
  row.dataset = job.data->spec->name;
  row.model = job.model->name;
  row.optimizer = job.optimizer->name;
  row.rows = n;
  row.features = X.cols();
  row.classes = d.classes.size();
  row.source = job.data->spec->source;

  // The oracle.
  lrfind::Rng split_rng(kOracleSeed);
  std::vector<lrfind::Split> folds = lrfind::make_splits(n, kOracleFolds, 0.2, split_rng);
  lrfind::CvObjective oracle(*model, X, y, {std::move(folds)}, {kOracleSeed}, budget, *job.optimizer, never);
  const int decades = static_cast<int>(std::lround(std::log10(kGridHigh / kGridLow)));
  std::vector<double> grid = lrfind::log_spaced(kGridLow, kGridHigh, decades * grid_per_decade + 1);
  oracle.evaluate(grid, lrfind::CandidateStage::kGrid);
  row.v0 = oracle.untrained_loss();
  const auto find_best = [&] {
    row.v_star = kInf;
    for (const double lr : grid) {
      const double v = oracle.scores().at(lr).val_loss;
      if (v < row.v_star) {
        row.v_star = v;
        row.lr_star = lr;
      }
    }
  };
  // A best rate at an end of the grid says only that the optimum lies beyond
  // it: extend the grid a decade at a time (same density) until it does not.
  find_best();
  while (true) {
    std::vector<double> decade;
    if (row.lr_star == grid.back() && grid.back() < kGridCeiling) {
      decade = lrfind::log_spaced(grid.back(), grid.back() * 10.0, grid_per_decade + 1);
      decade.erase(decade.begin());
      grid.insert(grid.end(), decade.begin(), decade.end());
    } else if (row.lr_star == grid.front() && grid.front() > kGridFloor) {
      decade = lrfind::log_spaced(grid.front() / 10.0, grid.front(), grid_per_decade + 1);
      decade.pop_back();
      grid.insert(grid.begin(), decade.begin(), decade.end());
    } else {
      break;
    }
    oracle.evaluate(decade, lrfind::CandidateStage::kGrid);
    find_best();
  }
  row.grid_low = grid.front();
  row.grid_high = grid.back();
  row.best_at_grid_edge = row.lr_star == grid.front() || row.lr_star == grid.back();

  // The rules' rates.
  std::map<std::string, std::optional<double>> rates;
  {
    // The noise floor: the grid's best rate by a second oracle with other folds
    // and batch orders, scored by the first. V* is the minimum of noisy values,
    // so even a perfect rule shows some regret.
    lrfind::Rng other_rng(kSecondOracleSeed);
    std::vector<lrfind::Split> other_folds = lrfind::make_splits(n, kOracleFolds, 0.2, other_rng);
    lrfind::CvObjective other(*model, X, y, {std::move(other_folds)}, {kSecondOracleSeed}, budget, *job.optimizer, never);
    other.evaluate(grid, lrfind::CandidateStage::kGrid);
    double best = kInf;
    for (const double lr : grid)
      if (other.scores().at(lr).val_loss < best) {
        best = other.scores().at(lr).val_loss;
        rates["second_oracle"] = lr;
      }
  }
  lrfind::AutoConfig ac;  // the CLI's defaults: 1e-7..10, 3 repeats, seed 0, folds chosen, hold-out 0.2
  ac.budget = budget;
  const auto start = std::chrono::steady_clock::now();
  const lrfind::AutoSearch search = lrfind::run_auto(*model, *job.optimizer, X, y, all, ac, never);
  const lrfind::AutoRecommendation automatic = lrfind::recommend_auto(search);
  row.auto_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  row.auto_confidence = std::string(lrfind::to_string(automatic.confidence));
  rates["auto"] = automatic.lr;

  const lrfind::RangeTestConfig rc;  // 100 steps, 1e-7..10, exponential, smoothing 0.98, stop factor 4, batch 32
  std::vector<double> minimum_per_seed;
  for (std::uint64_t seed = 0; seed < 3; ++seed) {
    lrfind::Rng stream(seed);
    const std::unique_ptr<lrfind::Optimizer> optimizer = job.optimizer->make();
    const lrfind::RangeTestResult range = lrfind::run_range_test(*model, *optimizer, X, y, all, rc, stream, never);
    const auto fastai = fastai_suggestions(range, rc.settings.steps);
    if (fastai.at("minimum_div_10")) minimum_per_seed.push_back(*fastai.at("minimum_div_10"));
    if (seed != 0) continue;
    for (const auto& [rule, lr] : fastai) rates[rule] = lr;
    rates["lightning"] = lightning_suggestion(range, false);
    rates["lightning_lr_spacing"] = lightning_suggestion(range, true);
    rates["torch_lr_finder"] = torch_lr_finder_suggestion(range);
  }
  rates["range_x3"] = minimum_per_seed.empty() ? std::nullopt : std::optional<double>(rate_median(minimum_per_seed));

  // Score every rate under the oracle (one batch-shared training run).
  std::vector<double> to_score;
  for (const auto& [rule, lr] : rates)
    if (lr && std::isfinite(*lr) && *lr > 0.0) to_score.push_back(*lr);
  oracle.evaluate(to_score, lrfind::CandidateStage::kCheck);
  for (const std::string& rule : kRules) {
    RuleScore s;
    s.rule = rule;
    s.lr = rates.at(rule);
    if (!s.lr || !std::isfinite(*s.lr) || *s.lr <= 0.0) {
      s.note = "no rate";
    } else {
      s.val_loss = oracle.scores().at(*s.lr).val_loss;
      if (!std::isfinite(s.val_loss)) s.note = "diverged";
    }
    s.regret = normalised_regret(s.val_loss, row.v_star, row.v0);
    row.scores.push_back(std::move(s));
  }
  return row;
}

// ---------------------------------------------------------------------------
// Summaries.

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const double pos = p * static_cast<double>(v.size() - 1);  // numpy's default (linear)
  const std::size_t lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

struct Summary {
  std::size_t rows = 0;
  double median = 0.0;
  double p90 = 0.0;
  double max = 0.0;
  double near_best = 0.0;    // share within kNearBest
  std::size_t failures = 0;  // no rate or diverged
};

Summary summarise(const std::vector<const RuleScore*>& scores) {
  Summary s;
  std::vector<double> r;
  for (const RuleScore* x : scores) {
    r.push_back(x->regret);
    if (!x->note.empty()) ++s.failures;
  }
  s.rows = r.size();
  if (r.empty()) return s;
  s.median = percentile(r, 0.5);
  s.p90 = percentile(r, 0.9);
  s.max = *std::max_element(r.begin(), r.end());
  s.near_best = static_cast<double>(std::count_if(r.begin(), r.end(), [](double x) { return x <= kNearBest; })) /
                static_cast<double>(r.size());
  return s;
}

std::string targets_met(const Summary& s) {
  std::vector<std::string> missed;
  if (s.median > kTargetMedian) missed.push_back("median");
  if (s.p90 > kTargetP90) missed.push_back("p90");
  if (s.max > kTargetMax) missed.push_back("max");
  if (missed.empty()) return "yes";
  std::string out = "no (";
  for (std::size_t i = 0; i < missed.size(); ++i) out += (i ? ", " : "") + missed[i];
  return out + ")";
}

std::string fmt_regret(double x) { return fmt::format("{:.3f}", x); }

std::string markdown(const std::vector<RowResult>& results, int grid_per_decade, double seconds, double cpu_seconds,
                     bool quick, int jobs) {
  std::string md;
  const auto rule_scores = [&](const std::string& rule, const auto& keep) {
    std::vector<const RuleScore*> out;
    for (const RowResult& row : results)
      if (keep(row))
        for (const RuleScore& s : row.scores)
          if (s.rule == rule) out.push_back(&s);
    return out;
  };
  std::size_t datasets = 0;
  {
    std::vector<std::string> names;
    for (const RowResult& r : results)
      if (std::find(names.begin(), names.end(), r.dataset) == names.end()) names.push_back(r.dataset);
    datasets = names.size();
  }
  md += fmt::format(
      "Rows: {} ({} data sets x model kinds x optimizers{}). Oracle: {}-fold CV, seed {}, grid "
      "{:g}..{:g} at {} per decade. Budget: 5 epochs, batch 32, default L2, constant schedule.\n\n",
      results.size(), datasets, quick ? "; --quick smoke run" : "", kOracleFolds, kOracleSeed, kGridLow, kGridHigh,
      grid_per_decade);

  md += "### Data sets\n\n| data set | rows | features | classes | models | source |\n|---|---:|---:|---:|---|---|\n";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const RowResult& r = results[i];
    if (i > 0 && results[i - 1].dataset == r.dataset) continue;
    md += fmt::format("| {} | {} | {} | {} | {} | {} |\n", r.dataset, r.rows, r.features,
                      r.classes ? std::to_string(r.classes) : std::string("(regression)"),
                      r.classes ? "logistic, svm" : "linear", r.source);
  }
  md += "\n### Normalised regret by rule, all rows\n\n";
  md += "| rule | median | p90 | max | within 0.05 | no rate or diverged |\n|---|---:|---:|---:|---:|---:|\n";
  for (const std::string& rule : kRules) {
    const Summary s = summarise(rule_scores(rule, [](const RowResult&) { return true; }));
    md += fmt::format("| `{}` | {} | {} | {} | {:.0f}% | {} |\n", rule, fmt_regret(s.median), fmt_regret(s.p90),
                      fmt_regret(s.max), 100.0 * s.near_best, s.failures);
  }

  const auto group_table = [&](const char* title, const std::vector<std::string>& groups, auto member) {
    md += fmt::format("\n### `auto` by {}\n\n", title);
    md += fmt::format("| {} | rows | median | p90 | max | within 0.05 | targets met |\n", title);
    md += "|---|---:|---:|---:|---:|---:|---|\n";
    for (const std::string& g : groups) {
      const Summary s = summarise(rule_scores("auto", [&](const RowResult& r) { return member(r) == g; }));
      if (s.rows == 0) continue;
      md += fmt::format("| {} | {} | {} | {} | {} | {:.0f}% | {} |\n", g, s.rows, fmt_regret(s.median),
                        fmt_regret(s.p90), fmt_regret(s.max), 100.0 * s.near_best, targets_met(s));
    }
  };
  group_table("model kind", {"linear", "logistic", "svm"}, [](const RowResult& r) { return r.model; });
  group_table("optimizer", kOptimizers, [](const RowResult& r) { return r.optimizer; });
  md +=
      fmt::format("\nTargets (issue 3): median <= {}, p90 <= {}, max <= {}.\n", kTargetMedian, kTargetP90, kTargetMax);

  // The worst rows for auto.
  std::vector<std::pair<const RowResult*, const RuleScore*>> worst;
  for (const RowResult& row : results)
    for (const RuleScore& s : row.scores)
      if (s.rule == "auto") worst.emplace_back(&row, &s);
  std::stable_sort(worst.begin(), worst.end(),
                   [](const auto& a, const auto& b) { return a.second->regret > b.second->regret; });
  md += "\n### Worst rows for `auto`\n\n";
  md += "| data set | model | optimizer | auto lr | confidence | grid's best lr | V(auto) | V* | V0 | regret |\n";
  md += "|---|---|---|---:|---|---:|---:|---:|---:|---:|\n";
  for (std::size_t i = 0; i < std::min<std::size_t>(5, worst.size()); ++i) {
    const auto& [row, s] = worst[i];
    md += fmt::format("| {} | {} | {} | {} | {} | {:.3g} | {:.6g} | {:.6g} | {:.6g} | {} |\n", row->dataset, row->model,
                      row->optimizer, s->lr ? fmt::format("{:.3g}", *s->lr) : std::string("none"), row->auto_confidence,
                      row->lr_star, s->val_loss, row->v_star, row->v0,
                      fmt_regret(s->regret) + (s->note.empty() ? "" : " (" + s->note + ")"));
  }

  md += "\n### Rules\n\n";
  for (const std::string& rule : kRules) md += fmt::format("- `{}`: {}\n", rule, rule_description(rule));
  md +=
      "\nRegret is clamped to [0, 1]; a rule that gives no rate, or whose rate diverges (a non-finite loss in any "
      "fold), scores 1, no better than the untrained model.\n";

  std::size_t edges = 0;
  double auto_total = 0.0;
  for (const RowResult& r : results) {
    if (r.best_at_grid_edge) ++edges;
    auto_total += r.auto_seconds;
    if (r.grid_low < kGridLow * 0.999 || r.grid_high > kGridHigh * 1.001)
      md += fmt::format("\nThe oracle's grid was extended to {:g}..{:g} for {} {} {}: its best rate was at an end.\n",
                        r.grid_low, r.grid_high, r.dataset, r.model, r.optimizer);
  }
  if (edges > 0)
    md += fmt::format(
        "\nWarning: on {} row(s) the grid's best rate is at an end of the extended grid ({:g}..{:g} at "
        "most); V* may be too high there.\n",
        edges, kGridFloor, kGridCeiling);
  md += fmt::format(
      "\nTotal run time {:.1f} s wall, {:.1f} s CPU, with {} job(s); `run_auto` took {:.1f} s of wall "
      "time in all ({:.2f} s per row on average).\n",
      seconds, cpu_seconds, jobs, auto_total, results.empty() ? 0.0 : auto_total / static_cast<double>(results.size()));
  return md;
}

std::string csv_number(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return fmt::format("{}", x);
}

std::string csv(const std::vector<RowResult>& results) {
  std::string out = "dataset,model,optimizer,rows,rule,lr,val_loss,v_star,v0,regret,lr_star,note\n";
  for (const RowResult& row : results)
    for (const RuleScore& s : row.scores)
      out +=
          fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", row.dataset, row.model, row.optimizer, row.rows, s.rule,
                      s.lr ? csv_number(*s.lr) : std::string(), csv_number(s.val_loss), csv_number(row.v_star),
                      csv_number(row.v0), csv_number(s.regret), csv_number(row.lr_star), s.note);
  return out;
}

// ---------------------------------------------------------------------------

LoadedData load(const DatasetSpec& spec, const std::vector<fs::path>& dirs) {
  for (const fs::path& dir : dirs) {
    const fs::path path = dir / spec.file;
    if (!fs::is_regular_file(path)) continue;
    lrfind::LoadOptions options;
    options.kind = spec.regression ? lrfind::TargetKind::kRegression : lrfind::TargetKind::kClassification;
    LoadedData out{&spec, lrfind::load_dataset(path.string(), options)};
    std::vector<Index> all(static_cast<std::size_t>(out.data.rows()));
    std::iota(all.begin(), all.end(), Index{0});
    lrfind::standardize(out.data.features, all);
    return out;
  }
  throw lrfind::InputError(fmt::format("{} not found in any data folder", spec.file));
}

int usage() {
  std::fputs("usage: lrfind_quality [--quick] [--jobs N] DATA_DIR... OUTPUT_PREFIX\n", stderr);
  return lrfind::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  int jobs = 1;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      quick = true;
    } else if (arg == "--jobs" && i + 1 < argc) {
      jobs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "-h" || arg == "--help") {
      usage();
      return 0;
    } else if (!arg.empty() && arg[0] == '-') {
      return usage();
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() < 2) return usage();
  const std::string prefix = positional.back();
  const std::vector<fs::path> dirs(positional.begin(), positional.end() - 1);
  const int grid_per_decade = quick ? kQuickGridPerDecade : kGridPerDecade;

  try {
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
    std::vector<LoadedData> loaded;
    loaded.reserve(std::size(kDatasets));
    for (const DatasetSpec& spec : kDatasets)
      if (!quick || spec.quick) loaded.push_back(load(spec, dirs));
    std::vector<RowJob> row_jobs;
    const lrfind::Registry<lrfind::ModelKindEntry> model_kinds = lrfind::builtin_model_kinds();
    const lrfind::Registry<lrfind::OptimizerEntry> optimizers = lrfind::builtin_optimizers();
    for (const LoadedData& d : loaded) {
      const std::vector<std::string> kinds =
          d.spec->regression ? std::vector<std::string>{"linear"} : std::vector<std::string>{"logistic", "svm"};
      for (const std::string& kind : kinds)
        for (const std::string& opt : kOptimizers)
          if (!quick || opt == "sgd") row_jobs.push_back({&d, &model_kinds.at(kind), &optimizers.at(opt)});
    }

    std::vector<RowResult> results(row_jobs.size());
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::atomic<bool> failed{false};
    const auto worker = [&] {
      for (std::size_t i = next++; i < row_jobs.size() && !failed; i = next++) {
        try {
          results[i] = score_row(row_jobs[i], grid_per_decade);
          std::fprintf(stderr, "%s %s %s: auto regret %.4f\n", results[i].dataset.c_str(), results[i].model.c_str(),
                       results[i].optimizer.c_str(), results[i].scores.front().regret);
        } catch (...) {
          if (!failed.exchange(true)) failure = std::current_exception();
        }
      }
    };
    std::vector<std::thread> threads;
    for (int t = 1; t < jobs; ++t) threads.emplace_back(worker);
    worker();
    for (std::thread& t : threads) t.join();
    if (failure) std::rethrow_exception(failure);

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    const std::string md = markdown(results, grid_per_decade, seconds, cpu_seconds, quick, jobs);
    lrfind::write_output(prefix + ".csv", csv(results));
    lrfind::write_output(prefix + ".md", md);
    std::fputs(md.c_str(), stdout);
  } catch (const lrfind::Error& e) {
    std::fprintf(stderr, "lrfind_quality: error: %s\n", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lrfind_quality: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
