// The recipes of docs/ARCHITECTURE.md, each exercised with a toy entry added
// to a copy of the built-in registries: an optimizer, a loss (a model kind), a
// suggestion rule and a schedule are one entry each, and a whole run uses them.
#include "pipeline/registries.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>

#include "pipeline/run.hpp"
#include "recommend/range.hpp"
#include "report/report.hpp"

namespace lrfind {
namespace {

using Json = nlohmann::ordered_json;

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

RunConfig grid_config(const std::string& model, std::vector<double> rates) {
  RunConfig config;
  config.training.model = model;
  config.method = "grid";
  config.grid.rates = std::move(rates);
  config.training.epochs = 3;
  return config;
}

// The grid's final training losses, rate by rate.
std::vector<double> final_losses(const RunResult& result) {
  std::vector<double> out;
  for (const GridRateResult& g : std::get<GridOutcome>(result.outcome.detail).rates) out.push_back(g.train_loss.back());
  return out;
}

// Recipe "add an optimizer": SGD at half the rate.
class HalfSgd final : public Optimizer {
 public:
  std::vector<std::pair<std::string, double>> hyperparameters() const override { return {{"factor", 0.5}}; }
  void reset(Index, Index) override {}
  void step(Params& params, const Params& g, const Eigen::RowVectorXd& lr) override {
    for (Index j = 0; j < params.cols(); ++j) params.col(j) -= (lr(j) * 0.5) * g.col(j);
  }
  void keep_columns(const std::vector<Index>&) override {}
};

TEST(RegistryRecipes, AToyOptimizerIsOneEntry) {
  Registries registries;
  registries.optimizers.add({"halfsgd", "SGD at half the rate",
                             []() -> std::unique_ptr<Optimizer> { return std::make_unique<HalfSgd>(); }, false});
  const std::string csv = read("data/diabetes.csv");
  RunConfig half = grid_config("linear", {0.02, 0.2});
  half.training.optimizer = "halfsgd";
  const RunResult toy = run_on_bytes(half, csv, "diabetes.csv", {}, registries);
  const RunResult sgd = run_on_bytes(grid_config("linear", {0.01, 0.1}), csv, "diabetes.csv", {}, registries);
  EXPECT_EQ(final_losses(toy), final_losses(sgd));  // the same steps, bit for bit
  EXPECT_EQ(toy.optimizer_hyperparameters.front().first, "factor");
  EXPECT_THROW(run_on_bytes(half, csv, "diabetes.csv"), UsageError);  // not a built-in
}

// Recipe "add a loss": a model kind with the mean absolute error.
struct AbsoluteError {
  static constexpr std::string_view kTorchName = "L1Loss";
  static double row(double z, double y, double rows, double* dz) {
    if (dz) *dz = (z > y ? 1.0 : z < y ? -1.0 : 0.0) / rows;
    return std::abs(z - y);
  }
};

TEST(RegistryRecipes, AToyLossIsOneModelKindEntry) {
  Registries registries;
  ModelKindEntry l1;
  l1.name = "l1";
  l1.help = "least absolute deviations (L1Loss)";
  l1.target = TargetKind::kRegression;
  l1.loss = [](std::size_t) -> std::unique_ptr<Loss> { return std::make_unique<ScalarLoss<AbsoluteError>>(); };
  l1.curvature = [](std::size_t) -> std::optional<double> { return std::nullopt; };  // not smooth
  registries.models.add(l1);
  RunConfig config = grid_config("l1", {1e-3, 1e-2, 1e-1});
  config.data.standardize = false;
  config.validation = 0.0;  // every row trains
  const std::string csv = "x,y\n1,2\n2,-4\n3,6\n4,-8\n5,10\n";
  const RunResult result = run_on_bytes(config, csv, "toy.csv", {}, registries);
  EXPECT_EQ(result.loss_name, "L1Loss");
  EXPECT_FALSE(result.theory);
  // The untrained model predicts 0: its loss is the mean |y|, 30/5.
  const Json report = make_report(result);
  EXPECT_EQ(report["untrained_loss"]["train_loss"], 6.0);
  EXPECT_EQ(report["model"]["kind"], "l1");
  EXPECT_TRUE(report["recommended_lr"].is_number());
}

TEST(RegistryRecipes, AToySuggestionRuleIsOneEntry) {
  Registry<RuleEntry> rules = builtin_rules();
  rules.add({"middle", "the middle point of the window",
             [](std::span<const double> lrs, std::span<const double>) -> std::optional<Suggestion> {
               if (lrs.empty()) return std::nullopt;
               return Suggestion{"middle", lrs[lrs.size() / 2], lrs.size() / 2};
             }});
  RangeTestResult curve;
  for (int i = 0; i < 40; ++i) {
    const double lr = std::pow(10.0, -6 + 0.2 * i);
    const double loss = 1.0 + std::pow(std::log10(lr) + 2, 2);
    curve.points.push_back({i, lr, loss, loss});
  }
  const Recommendation rec = recommend_range(curve, 40, rules);
  ASSERT_EQ(rec.suggestions.size(), 4u);
  EXPECT_EQ(rec.suggestions.back().rule, "middle");
  // The window is points 4..34 (the first tenth of 40 planned steps and the last five left out).
  EXPECT_EQ(rec.suggestions.back().index, 4u + 15u);
  EXPECT_EQ(rec.rule, "minimum_div_10");  // the first rule still recommends
}

TEST(RegistryRecipes, AToyScheduleIsOneEntry) {
  Registries registries;
  registries.schedules.add({"half", "lr/2 at every step", [](long, long, const ScheduleOptions&) { return 0.5; },
                            [](double lr, long, const ScheduleOptions&) -> std::vector<ScheduleParameter> { return {{"lr", lr / 2}}; }});
  const std::string csv = read("data/diabetes.csv");
  RunConfig half = grid_config("linear", {0.02, 0.2});
  half.training.schedule = "half";
  const RunResult toy = run_on_bytes(half, csv, "diabetes.csv", {}, registries);
  const RunResult constant = run_on_bytes(grid_config("linear", {0.01, 0.1}), csv, "diabetes.csv", {}, registries);
  EXPECT_EQ(final_losses(toy), final_losses(constant));
  const Json report = make_report(toy);
  EXPECT_EQ(report["recommendation"]["schedule"]["name"], "half");
  EXPECT_EQ(report["recommendation"]["schedule"]["lr"], report["recommended_lr"].get<double>() / 2);
}

}  // namespace
}  // namespace lrfind
