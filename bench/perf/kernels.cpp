// Google Benchmark kernels of lr-find's hot paths (issue 4): number parsing,
// the CSV loader on bytes in memory and on a file, loss and gradient per model kind and
// batch size, one optimizer step, the gather of a batch's rows and a whole
// grid epoch. Each reports bytes/s or items/s. Built only with
// -DLRFIND_BENCH=ON; not part of `make test`. Inputs are generated from fixed
// seeds, so every run times the same work.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "load/dataset.hpp"
#include "load/loader.hpp"
#include "load/number.hpp"
#include "search/grid.hpp"
#include "train/model.hpp"
#include "train/model_kind.hpp"
#include "train/optimizer.hpp"
#include "common/parallel.hpp"
#include "train/sampling.hpp"

namespace {

using lrfind::Index;

constexpr Index kFeatures = 20;

// Uniform in [-1, 1) from the top 53 bits.
double uniform(lrfind::Rng& rng) { return static_cast<double>(rng.next() >> 11) * 0x1p-52 - 1.0; }

// Cells written as bench/perf/gen_data.py writes them (%.6g), on scales from 1 to 100.
std::string csv_text(Index rows, Index features, std::uint64_t seed) {
  lrfind::Rng rng(seed);
  std::string text;
  for (Index j = 0; j < features; ++j) text += "x" + std::to_string(j) + ",";
  text += "y\n";
  char cell[32];
  for (Index i = 0; i < rows; ++i) {
    double y = 0.0;
    for (Index j = 0; j < features; ++j) {
      const double x = uniform(rng) * static_cast<double>(1 + 99 * (j % 4) / 3);
      y += x * 0.1 * static_cast<double>(j + 1);
      text.append(cell, static_cast<std::size_t>(std::snprintf(cell, sizeof cell, "%.6g,", x)));
    }
    text.append(cell, static_cast<std::size_t>(std::snprintf(cell, sizeof cell, "%.6g\n", y)));
  }
  return text;
}

// A feature matrix with entries in [-1, 1) and targets of the given kind:
// a noisy linear function (classes == 0) or class indices 0..classes-1.
struct Data {
  lrfind::Features X;
  lrfind::Vector y;
};

Data make_data(Index rows, Index features, std::size_t classes, lrfind::Precision precision, std::uint64_t seed) {
  lrfind::Rng rng(seed);
  Data d;
  d.X = lrfind::Features::allocate(rows, features, precision);
  d.y.resize(rows);
  for (Index i = 0; i < rows; ++i) {
    double s = 0.0;
    for (Index j = 0; j < features; ++j) {
      const double x = uniform(rng);
      if (precision == lrfind::Precision::kFloat32) {
        d.X.f32()(i, j) = static_cast<float>(x);
      } else {
        d.X.f64()(i, j) = x;
      }
      s += x * static_cast<double>(j + 1) / static_cast<double>(features);
    }
    s += 0.1 * uniform(rng);
    d.y(i) = classes == 0 ? s : static_cast<double>(rng.below(classes));
  }
  return d;
}

// --- number parsing ---------------------------------------------------------

void BM_ParseNumber(benchmark::State& state) {
  lrfind::Rng rng(1);
  std::vector<std::string> cells;
  std::size_t bytes = 0;
  char cell[32];
  for (int i = 0; i < 65536; ++i) {
    const double scale = std::pow(10.0, static_cast<double>(rng.below(5)) - 2.0);
    std::snprintf(cell, sizeof cell, "%.6g", uniform(rng) * scale);
    cells.emplace_back(cell);
    bytes += cells.back().size() + 1;  // with its delimiter, as in a file
    double v = 0.0;
    if (!lrfind::parse_number(cells.back(), v)) {
      state.SkipWithError(("not a number: " + cells.back()).c_str());
      return;
    }
  }
  for (auto _ : state) {
    double sum = 0.0;
    for (const std::string& c : cells) {
      double v = 0.0;
      lrfind::parse_number(c, v);
      sum += v;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * cells.size()));
}
BENCHMARK(BM_ParseNumber);

// The whole loader (row boundaries, parsing, the target, the matrix) on a
// 100,000 x 21 CSV in memory; argument: threads (0: every core).
void BM_LoadFromBytes(benchmark::State& state) {
  static const std::string text = csv_text(100000, kFeatures, 2);
  lrfind::LoadOptions options;
  options.threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    lrfind::Dataset d = lrfind::load_dataset_from_bytes(text, "bench.csv", options);
    benchmark::DoNotOptimize(d.features.rows());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.SetItemsProcessed(state.iterations() * 100000);
  state.SetLabel(options.threads == 0 ? std::to_string(lrfind::available_cores()) + " threads" : "1 thread");
}
BENCHMARK(BM_LoadFromBytes)->ArgName("threads")->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime();

// The loader alone on a file, as lr-find reads it (from the page cache, after
// one untimed read): record boundaries, parsing, the target, the matrix.
// The file is $LRFIND_BENCH_FILE, by default gen_data.py's reg-1m.csv;
// argument: threads (0: every core). Skipped when the file is missing.
void BM_LoadFile(benchmark::State& state) {
  const char* env = std::getenv("LRFIND_BENCH_FILE");
  const std::string path = env && *env ? env : "/tmp/lrfind-bench/reg-1m.csv";
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    state.SkipWithError(("cannot open " + path + " (bench/perf/gen_data.py writes it)").c_str());
    return;
  }
  std::size_t bytes = 0;
  char buffer[1 << 16];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) bytes += n;  // into the page cache
  std::fclose(f);
  lrfind::LoadOptions options;
  options.threads = static_cast<unsigned>(state.range(0));
  lrfind::Index rows = 0;
  for (auto _ : state) {
    lrfind::Dataset d = lrfind::load_dataset(path, options);
    rows = d.rows();
    benchmark::DoNotOptimize(d.features.rows());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(state.iterations() * rows);
  state.SetLabel(path + (options.threads == 0 ? ", " + std::to_string(lrfind::available_cores()) + " threads" : ", 1 thread"));
}
BENCHMARK(BM_LoadFile)->ArgName("threads")->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime();

// --- loss and gradient ------------------------------------------------------

struct ModelCase {
  const char* name;
  const char* kind;
  std::size_t classes;
};
constexpr ModelCase kModels[] = {
    {"linear", "linear", 0}, {"logistic-2", "logistic", 2}, {"logistic-5", "logistic", 5},
    {"svm-2", "svm", 2},     {"svm-5", "svm", 5},
};

const lrfind::Registry<lrfind::ModelKindEntry>& model_kinds() {
  static const lrfind::Registry<lrfind::ModelKindEntry> kinds = lrfind::builtin_model_kinds();
  return kinds;
}

const lrfind::Registry<lrfind::OptimizerEntry>& optimizers() {
  static const lrfind::Registry<lrfind::OptimizerEntry> all = lrfind::builtin_optimizers();
  return all;
}

// Arguments: model case (index into kModels), batch size. Items: rows.
void BM_LossGradient(benchmark::State& state) {
  const ModelCase& mc = kModels[state.range(0)];
  const Index batch = state.range(1);
  const Data d = make_data(batch, kFeatures, mc.classes, lrfind::Precision::kFloat64, 3);
  const lrfind::ModelKindEntry& kind = model_kinds().at(mc.kind);
  const lrfind::Model model = lrfind::make_model(kind, kFeatures, mc.classes, kind.default_l2);
  lrfind::Params params = model.initial_params();
  lrfind::Rng rng(4);
  for (Index k = 0; k < params.size(); ++k) params.data()[k] = 0.1 * uniform(rng);
  lrfind::Params gradient;
  lrfind::Workspace ws;
  const lrfind::Chunk::Rows rows{d.X.f64(), d.y};
  for (auto _ : state) {
    double loss = 0.0;
    model.loss_gradient(rows, params, 1, &loss, &gradient, ws);
    benchmark::DoNotOptimize(loss);
    benchmark::DoNotOptimize(gradient.data());
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.SetBytesProcessed(state.iterations() * batch * kFeatures * static_cast<Index>(sizeof(double)));
  state.SetLabel(mc.name);
}
BENCHMARK(BM_LossGradient)->ArgNames({"model", "batch"})->ArgsProduct({{0, 1, 2, 3, 4}, {1, 32, 256}});

// --- optimizer step ---------------------------------------------------------

// One step on (features + 1) x columns parameters: one model (columns 1, one
// rate) or 16 rates stacked side by side as the grid trains them.
// Arguments: optimizer (index into the registry), columns. Items: parameters updated.
void BM_OptimizerStep(benchmark::State& state) {
  const lrfind::OptimizerEntry& entry = *(optimizers().begin() + state.range(0));
  const std::string& name = entry.name;
  const Index cols = state.range(1);
  const std::unique_ptr<lrfind::Optimizer> optimizer = entry.make();
  lrfind::Rng rng(5);
  lrfind::Params params(kFeatures + 1, cols);
  lrfind::Params gradient(kFeatures + 1, cols);
  for (Index k = 0; k < params.size(); ++k) {
    params.data()[k] = uniform(rng);
    gradient.data()[k] = 1e-3 * uniform(rng);
  }
  Eigen::RowVectorXd rates(cols);
  for (Index j = 0; j < cols; ++j) rates(j) = 1e-5 * std::pow(1e4, static_cast<double>(j) / 15.0);
  optimizer->reset(params.rows(), params.cols());
  for (auto _ : state) {
    if (cols == 1) {
      optimizer->step(params, gradient, 1e-3);
    } else {
      optimizer->step(params, gradient, rates);
    }
    benchmark::DoNotOptimize(params.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * params.size());
  state.SetLabel(name);
}
BENCHMARK(BM_OptimizerStep)->ArgNames({"optimizer", "columns"})->ArgsProduct({{0, 1, 2, 3, 4, 5}, {1, 16}});

// --- gathering a batch ------------------------------------------------------

// Copies `batch` rows at random positions of a 100,000 x 20 matrix (and their
// targets) into a batch, as every training step does. Arguments: batch size,
// storage (0: float64, 1: float32). Bytes: those written to the batch.
void BM_GatherRows(benchmark::State& state) {
  constexpr Index kRows = 100000;
  const Index batch = state.range(0);
  const auto precision = state.range(1) == 0 ? lrfind::Precision::kFloat64 : lrfind::Precision::kFloat32;
  const Data d = make_data(kRows, kFeatures, 0, precision, 6);
  lrfind::Rng rng(7);
  std::vector<Index> order(kRows);
  std::iota(order.begin(), order.end(), Index{0});
  rng.shuffle(order);
  lrfind::Chunk chunk;
  std::size_t at = 0;
  for (auto _ : state) {
    if (at + static_cast<std::size_t>(batch) > order.size()) at = 0;
    chunk.gather(d.X, d.y, std::span<const Index>(order).subspan(at, static_cast<std::size_t>(batch)));
    at += static_cast<std::size_t>(batch);
    benchmark::DoNotOptimize(chunk.all().x.data());
    benchmark::DoNotOptimize(chunk.all().y.data());
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.SetBytesProcessed(state.iterations() * batch * (kFeatures + 1) * static_cast<Index>(sizeof(double)));
  state.SetLabel(precision == lrfind::Precision::kFloat32 ? "float32" : "float64");
}
BENCHMARK(BM_GatherRows)->ArgNames({"batch", "f32"})->ArgsProduct({{1, 32, 256}, {0, 1}});

// --- a grid epoch -----------------------------------------------------------

// One epoch of plain SGD linear regression over 100,000 x 20 generated rows
// for 16 log-spaced rates (1e-5..1e-1, as run_bench.py's grid), with the
// end-of-epoch training loss, no validation split, on one thread (the rates
// are one stacked product). Argument: batch size. Items: rows x rates trained.
void BM_GridEpoch(benchmark::State& state) {
  constexpr Index kRows = 100000;
  constexpr int kRates = 16;
  static const Data d = make_data(kRows, kFeatures, 0, lrfind::Precision::kFloat64, 8);
  const lrfind::Model model = lrfind::make_model(model_kinds().at("linear"), kFeatures, 0, 0.0);
  const lrfind::StopToken never;
  std::vector<Index> rows(kRows);
  std::iota(rows.begin(), rows.end(), Index{0});
  lrfind::GridConfig config;
  for (int k = 0; k < kRates; ++k) config.rates.push_back(1e-5 * std::pow(1e4, k / double(kRates - 1)));
  config.epochs = 1;
  config.batch_size = state.range(0);
  std::size_t diverged = 0;
  for (auto _ : state) {
    lrfind::Rng rng(9);
    const std::vector<lrfind::GridRateResult> results =
        lrfind::run_grid(model, optimizers().at("sgd"), d.X, d.y, rows, {}, config, rng, never);
    diverged = 0;
    for (const lrfind::GridRateResult& r : results) diverged += r.diverged ? 1 : 0;
    benchmark::DoNotOptimize(results.data());
  }
  // A diverged rate leaves the stack early, so the work would be smaller than counted.
  if (diverged != 0) state.SkipWithError("a rate diverged");
  state.SetItemsProcessed(state.iterations() * kRows * kRates);
}
BENCHMARK(BM_GridEpoch)
    ->ArgName("batch")
    ->Arg(1)
    ->Arg(32)
    ->Arg(256)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
