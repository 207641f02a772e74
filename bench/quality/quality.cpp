// Recommendation-quality harness (issues 3 and 13). For every row (data set,
// model kind, optimizer, training budget) it
//  - finds the oracle: the 5-fold cross-validated final validation loss of
//    every rate of a dense log grid (1e-6 to 1e3, 10 per decade), trained for
//    the budget on splits and batch orders drawn from a seed lr-find never
//    uses by default; V* is the lowest, V0 the untrained model's loss;
//  - asks each recommendation rule for one rate r and trains r under the same
//    oracle (same folds, same batches), scoring it by the excess loss
//    (V(r) - V*)/max(V*, 0.01·V0), the normalised regret (V(r) - V*)/(V0 - V*)
//    and whether any oracle training of it was unstable;
//  - scores lr-find's near-best interval by the oracle's excess at its ends,
//    and `lr-find check` by its verdicts on rates the oracle calls clearly good
//    (its best) and clearly bad (the nearest grid rates with excess >= 0.5).
//
//   lrfind_quality [--quick] [--budgets default|all] [--jobs N] DATA_DIR... OUTPUT_PREFIX
//
// Data files are looked up by name in the DATA_DIRs, in order. Writes
// OUTPUT_PREFIX.csv (one line per row and rule) and OUTPUT_PREFIX.md (the
// summary tables, also printed on stdout).
#include "quality.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <exception>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <thread>

#include "io/output.hpp"
#include "load/loader.hpp"
#include "lrfind/error.hpp"
#include "peers.hpp"
#include "recommend/auto.hpp"
#include "recommend/check.hpp"
#include "search/auto.hpp"
#include "train/model_kind.hpp"
#include "train/optimizer.hpp"

namespace quality {

namespace {

namespace fs = std::filesystem;

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
// A rate the oracle calls clearly bad.
constexpr double kClearlyBad = 0.5;

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

// lr-find's default budget first; the others are issue 13's.
const std::vector<Budget> kBudgets = {
    {"batch 32 x 5 epochs (default)", 32, 5}, {"batch 1 x 2 epochs", 1, 2}, {"batch 8 x 3 epochs", 8, 3},
    {"batch 128 x 20 epochs", 128, 20}};

struct LoadedData {
  const DatasetSpec* spec;
  lrfind::Dataset data;  // standardised on all rows
};

struct RowJob {
  const LoadedData* data;
  const lrfind::ModelKindEntry* model;
  const lrfind::OptimizerEntry* optimizer;
  const Budget* budget;
};

double normalised_regret(double v, double v_star, double v0) {
  if (!std::isfinite(v)) return 1.0;
  const double gap = v0 - v_star;
  if (!(gap > 0.0)) return v <= v_star ? 0.0 : 1.0;
  return std::clamp((v - v_star) / gap, 0.0, 1.0);
}

double excess_loss(double v, double v_star, double v0) {
  if (!std::isfinite(v)) return kInf;
  return (v - v_star) / std::max(v_star, 0.01 * std::abs(v0));
}

// The oracle's dense grid, extended a decade at a time while its best rate
// sits at an end (a best rate at an end says only that the optimum lies
// beyond it).
std::vector<double> oracle_grid(lrfind::CvObjective& oracle, int per_decade, RowResult& row) {
  const int decades = static_cast<int>(std::lround(std::log10(kGridHigh / kGridLow)));
  std::vector<double> grid = lrfind::log_spaced(kGridLow, kGridHigh, decades * per_decade + 1);
  oracle.evaluate(grid, lrfind::CandidateStage::kGrid);
  const auto find_best = [&] {
    row.v_star = kInf;
    for (const double lr : grid)
      if (oracle.scores().at(lr).val_loss < row.v_star) {
        row.v_star = oracle.scores().at(lr).val_loss;
        row.lr_star = lr;
      }
  };
  find_best();
  for (;;) {
    std::vector<double> decade;
    if (row.lr_star == grid.back() && grid.back() < kGridCeiling) {
      decade = lrfind::log_spaced(grid.back(), grid.back() * 10.0, per_decade + 1);
      decade.erase(decade.begin());
      grid.insert(grid.end(), decade.begin(), decade.end());
    } else if (row.lr_star == grid.front() && grid.front() > kGridFloor) {
      decade = lrfind::log_spaced(grid.front() / 10.0, grid.front(), per_decade + 1);
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
  return grid;
}

// The classic rules, each from lr-find's range test at the budget's batch size.
void range_rules(const lrfind::Model& model, const RowJob& job, std::span<const Index> all,
                 std::map<std::string, std::optional<double>>& rates) {
  const lrfind::Dataset& d = job.data->data;
  lrfind::RangeTestConfig rc;  // 100 steps, 1e-7..10, exponential, smoothing 0.98, stop factor 4
  rc.batch_size = job.budget->batch;
  const lrfind::StopToken never;
  std::vector<double> minimum_per_seed;
  for (std::uint64_t seed = 0; seed < 3; ++seed) {
    lrfind::Rng stream(seed);
    const std::unique_ptr<lrfind::Optimizer> optimizer = job.optimizer->make();
    const lrfind::RangeTestResult range =
        lrfind::run_range_test(model, *optimizer, d.features, d.targets, all, rc, stream, never);
    const auto fastai = fastai_suggestions(range, rc.settings.steps);
    if (fastai.at("minimum_div_10")) minimum_per_seed.push_back(*fastai.at("minimum_div_10"));
    if (seed != 0) continue;
    for (const auto& [rule, lr] : fastai) rates[rule] = lr;
    rates["lightning"] = lightning_suggestion(range, false);
    rates["lightning_lr_spacing"] = lightning_suggestion(range, true);
    rates["torch_lr_finder"] = torch_lr_finder_suggestion(range);
  }
  rates["range_x3"] = minimum_per_seed.empty() ? std::nullopt : std::optional<double>(rate_median(minimum_per_seed));
}

// The noise floor: the grid's best rate by a second oracle with other folds
// and batch orders, scored by the first.
std::optional<double> second_oracle(const lrfind::Model& model, const RowJob& job, const lrfind::GridConfig& budget,
                                    const std::vector<double>& grid) {
  const lrfind::Dataset& d = job.data->data;
  const lrfind::StopToken never;
  lrfind::Rng rng(kSecondOracleSeed);
  lrfind::CvObjective other(model, d.features, d.targets, {lrfind::make_splits(d.rows(), kOracleFolds, 0.2, rng)},
                            {kSecondOracleSeed}, budget, *job.optimizer, never);
  other.evaluate(grid, lrfind::CandidateStage::kGrid);
  std::optional<double> best;
  double best_loss = kInf;
  for (const double lr : grid)
    if (other.scores().at(lr).val_loss < best_loss) {
      best_loss = other.scores().at(lr).val_loss;
      best = lr;
    }
  return best;
}

// The rates the oracle calls clearly good (its best) and clearly bad (the
// nearest grid rates below and above whose excess is at least kClearlyBad).
std::vector<CheckProbe> probes(const lrfind::CvObjective& oracle, const std::vector<double>& grid,
                               const RowResult& row) {
  std::vector<CheckProbe> out{{"good", row.lr_star, 0.0, "", false}};
  const auto at = std::find(grid.begin(), grid.end(), row.lr_star) - grid.begin();
  const auto excess = [&](double lr) { return excess_loss(oracle.scores().at(lr).val_loss, row.v_star, row.v0); };
  for (auto i = at - 1; i >= 0; --i)
    if (excess(grid[static_cast<std::size_t>(i)]) >= kClearlyBad) {
      out.push_back({"bad_low", grid[static_cast<std::size_t>(i)], excess(grid[static_cast<std::size_t>(i)]), "", false});
      break;
    }
  for (auto i = at + 1; i < static_cast<std::ptrdiff_t>(grid.size()); ++i)
    if (excess(grid[static_cast<std::size_t>(i)]) >= kClearlyBad) {
      out.push_back({"bad_high", grid[static_cast<std::size_t>(i)], excess(grid[static_cast<std::size_t>(i)]), "",
                     false});
      break;
    }
  return out;
}

// lr-find check on each probe, as the CLI judges it after auto: the probe
// trained on the same folds, repeats and batches as auto's own search.
void check_probes(const lrfind::Model& model, const RowJob& job, const lrfind::AutoConfig& ac,
                  const lrfind::AutoSearch& search, const lrfind::AutoRecommendation& verdict,
                  std::vector<CheckProbe>& out) {
  const lrfind::Dataset& d = job.data->data;
  std::vector<Index> all(static_cast<std::size_t>(d.rows()));
  std::iota(all.begin(), all.end(), Index{0});
  const lrfind::StopToken never;
  lrfind::CvObjective same(model, d.features, d.targets, lrfind::cv_splits(all, search.seeds, search.folds, ac.holdout),
                           search.seeds, ac.budget, *job.optimizer, never);
  std::vector<double> rates;
  for (const CheckProbe& p : out) rates.push_back(p.lr);
  same.evaluate(rates, lrfind::CandidateStage::kCheck);
  lrfind::Recommendation rec;
  rec.lr = verdict.lr;
  rec.interval = verdict.interval;
  rec.reason = verdict.reason;
  for (CheckProbe& p : out) {
    lrfind::CheckInputs in;
    in.lr = p.lr;
    in.checked = &same.scores().at(p.lr);
    in.untrained_by_run = same.untrained_by_run();
    in.reference = verdict.reference;
    const lrfind::CheckResult c = lrfind::check_rate(rec, in);
    p.verdict = std::string(lrfind::to_string(c.verdict));
    p.agrees = (p.kind == "good") == c.passed();
  }
}

RowResult score_row(const RowJob& job, int grid_per_decade) {
  const lrfind::Dataset& d = job.data->data;
  const Index n = d.rows();
  std::vector<Index> all(static_cast<std::size_t>(n));
  std::iota(all.begin(), all.end(), Index{0});
  const lrfind::Model model = lrfind::make_model(*job.model, d.features.cols(), d.classes.size(), job.model->default_l2);
  const lrfind::StopToken never;  // the harness is never stopped
  lrfind::GridConfig budget;
  budget.epochs = job.budget->epochs;
  budget.batch_size = job.budget->batch;
  budget.schedule = &lrfind::schedule_named("constant");

  RowResult row;
  row.dataset = job.data->spec->name;
  row.model = job.model->name;
  row.optimizer = job.optimizer->name;
  row.budget = job.budget->name;
  row.rows = n;
  row.features = d.features.cols();
  row.classes = d.classes.size();
  row.source = job.data->spec->source;

  lrfind::Rng split_rng(kOracleSeed);
  lrfind::CvObjective oracle(model, d.features, d.targets, {lrfind::make_splits(n, kOracleFolds, 0.2, split_rng)},
                             {kOracleSeed}, budget, *job.optimizer, never);
  row.v0 = oracle.untrained_loss();
  const std::vector<double> grid = oracle_grid(oracle, grid_per_decade, row);

  std::map<std::string, std::optional<double>> rates;
  rates["second_oracle"] = second_oracle(model, job, budget, grid);
  lrfind::AutoConfig ac;  // the CLI's defaults: 1e-7..10, 3 repeats, seed 0, folds chosen, hold-out 0.2
  ac.budget = budget;
  ac.range.batch_size = job.budget->batch;
  const auto start = std::chrono::steady_clock::now();
  const lrfind::AutoSearch search = lrfind::run_auto(model, *job.optimizer, d.features, d.targets, all, ac, never);
  const lrfind::AutoRecommendation verdict = lrfind::recommend_auto(search);
  row.auto_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  row.auto_confidence = std::string(lrfind::to_string(verdict.confidence));
  row.interval = verdict.interval;
  rates["auto"] = verdict.lr;
  range_rules(model, job, all, rates);

  // Score every rate under the oracle (one batch-shared training run).
  std::vector<double> to_score;
  for (const auto& [rule, lr] : rates)
    if (lr && std::isfinite(*lr) && *lr > 0.0) to_score.push_back(*lr);
  if (row.interval) to_score.insert(to_score.end(), {row.interval->first, row.interval->second});
  oracle.evaluate(to_score, lrfind::CandidateStage::kCheck);
  const auto oracle_excess = [&](double lr) { return excess_loss(oracle.scores().at(lr).val_loss, row.v_star, row.v0); };
  if (row.interval) row.interval_excess = {oracle_excess(row.interval->first), oracle_excess(row.interval->second)};
  for (const std::string& rule : rules()) {
    RuleScore s;
    s.rule = rule;
    s.lr = rates.at(rule);
    if (!s.lr || !std::isfinite(*s.lr) || *s.lr <= 0.0) {
      s.note = "no rate";
      s.excess = kInf;
      s.unstable = true;
    } else {
      const lrfind::CvObjective::Score& o = oracle.scores().at(*s.lr);
      s.val_loss = o.val_loss;
      s.excess = oracle_excess(*s.lr);
      s.unstable = o.unstable;
      if (!std::isfinite(s.val_loss)) s.note = "diverged";
    }
    s.regret = normalised_regret(s.val_loss, row.v_star, row.v0);
    row.scores.push_back(std::move(s));
  }
  row.probes = probes(oracle, grid, row);
  if (verdict.lr) check_probes(model, job, ac, search, verdict, row.probes);
  return row;
}

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

std::vector<RowResult> score_rows(const std::vector<RowJob>& row_jobs, int grid_per_decade, int jobs) {
  std::vector<RowResult> results(row_jobs.size());
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::atomic<bool> failed{false};
  const auto worker = [&] {
    for (std::size_t i = next++; i < row_jobs.size() && !failed; i = next++) {
      try {
        results[i] = score_row(row_jobs[i], grid_per_decade);
        const RowResult& r = results[i];
        std::fprintf(stderr, "%s %s %s, %s: auto excess %.4f\n", r.dataset.c_str(), r.model.c_str(),
                     r.optimizer.c_str(), r.budget.c_str(), r.scores.front().excess);
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
  return results;
}

int usage() {
  std::fputs("usage: lrfind_quality [--quick] [--budgets default|all] [--jobs N] DATA_DIR... OUTPUT_PREFIX\n", stderr);
  return lrfind::kExitUsage;
}

}  // namespace

const std::vector<std::string>& rules() {
  static const std::vector<std::string> names = {"auto",     "range_x3",  "minimum_div_10",       "steepest",
                                                 "valley",   "lightning", "lightning_lr_spacing", "torch_lr_finder",
                                                 "second_oracle"};
  return names;
}

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

}  // namespace quality

int main(int argc, char** argv) {
  using namespace quality;
  bool quick = false;
  bool all_budgets = true;
  int jobs = 1;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      quick = true;
    } else if (arg == "--jobs" && i + 1 < argc) {
      jobs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--budgets" && i + 1 < argc) {
      const std::string which = argv[++i];
      if (which != "default" && which != "all") return usage();
      all_budgets = which == "all";
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
  const std::vector<Budget> budgets =
      all_budgets && !quick ? kBudgets : std::vector<Budget>(kBudgets.begin(), kBudgets.begin() + 1);
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
    for (const Budget& budget : budgets)
      for (const LoadedData& d : loaded) {
        const std::vector<std::string> kinds =
            d.spec->regression ? std::vector<std::string>{"linear"} : std::vector<std::string>{"logistic", "svm"};
        for (const std::string& kind : kinds)
          for (const std::string& opt : kOptimizers)
            if (!quick || opt == "sgd")
              row_jobs.push_back({&d, &model_kinds.at(kind), &optimizers.at(opt), &budget});
      }
    const std::vector<RowResult> results = score_rows(row_jobs, grid_per_decade, jobs);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    const std::string md = markdown(results, budgets, grid_per_decade, seconds, cpu_seconds, quick, jobs);
    lrfind::write_output(prefix + ".csv", csv(results));
    lrfind::write_output(prefix + ".checks.csv", checks_csv(results));
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
