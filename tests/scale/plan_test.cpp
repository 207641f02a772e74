// The files lr-find plan, shard and merge exchange (scale/plan.hpp), the
// shards' balance, and the units' exact JSON (search/units.hpp).
#include "scale/plan.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "lrfind/error.hpp"
#include "search/units.hpp"

namespace lrfind::scale {
namespace {

namespace fs = std::filesystem;

std::string write_temp(const std::string& name, const std::string& text) {
  const fs::path path = fs::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path.string();
}

TEST(Balance, CostliestFirstToTheLeastLoaded) {
  // 7, 6, 6, 6 over 3 shards: 7 | 6 | 6, then the last 6 to the least loaded
  // of equals after that: shard 1 (6 < 7).
  EXPECT_EQ(balance({7, 6, 6, 6}, 3), (std::vector<int>{0, 1, 2, 1}));
  // Loads within the largest unit of each other.
  const std::vector<double> costs{9, 1, 8, 2, 7, 3, 6, 4, 5, 5};
  const std::vector<int> shard = balance(costs, 4);
  std::vector<double> load(4, 0.0);
  for (std::size_t i = 0; i < costs.size(); ++i) load[static_cast<std::size_t>(shard[i])] += costs[i];
  EXPECT_LE(*std::max_element(load.begin(), load.end()) - *std::min_element(load.begin(), load.end()), 9.0);
  EXPECT_EQ(balance({1, 1}, 5), (std::vector<int>{0, 1}));  // more shards than units
}

Plan example() {
  Plan p;
  p.input = "data/iris.csv";
  p.data_path = "/somewhere/data/iris.csv";
  p.data = {4460, "c3f04676387b7111"};
  p.args = {"data/iris.csv", "--model", "svm", "--method", "grid"};
  p.method = "grid";
  p.stage = "grid";
  p.shards = 2;
  p.units = {{0, 0, 5250.0, {{"rates", {0.1, 0.2}}}}, {1, 1, 5250.0, {{"rates", {0.3}}}}};
  return p;
}

TEST(PlanFile, ReadsBackWhatItWrote) {
  const Json written = to_json(example());
  const Plan read = read_plan(write_temp("lrfind_plan_test.json", written.dump(2)));
  EXPECT_EQ(to_json(read), written);
  EXPECT_EQ(read.id, written.at("plan_id").get<std::string>());
  EXPECT_EQ(read.units_of(1), (std::vector<bool>{false, true}));
}

TEST(PlanFile, ALaterRoundCarriesTheResultsBeforeIt) {
  Plan p = example();
  p.round = 2;
  p.done = {{"range tests", {Json{{"repeat", 0}, {"seed", 0}}}, {Json{{"points", Json::array()}}}, {}}};
  const Json written = to_json(p);
  const Plan read = read_plan(write_temp("lrfind_plan_round_2.json", written.dump()));
  EXPECT_EQ(read.round, 2);
  ASSERT_EQ(read.done.size(), 1u);
  EXPECT_EQ(read.done[0].stage, "range tests");
  EXPECT_EQ(read.done[0].results[0], (Json{{"points", Json::array()}}));
  EXPECT_NE(written.at("plan_id"), to_json(example()).at("plan_id"));  // another round, another plan
}

TEST(PlanFile, AnEditedPlanIsRefused) {
  Json edited = to_json(example());
  edited["args"].push_back("--epochs");
  edited["args"].push_back("50");
  try {
    read_plan(write_temp("lrfind_plan_edited.json", edited.dump()));
    FAIL() << "read";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("does not match its plan_id"), std::string::npos) << e.what();
  }
}

TEST(PlanFile, AnotherVersionsPlanIsRefused) {
  Json other = to_json(example());
  other["tool"]["version"] = "0.9.0";
  EXPECT_THROW(read_plan(write_temp("lrfind_plan_version.json", other.dump())), DataError);
  EXPECT_THROW(read_plan(write_temp("lrfind_plan_not_json.json", "{\"lr_find_plan\": 1,")), DataError);
  EXPECT_THROW(read_plan("/nonexistent/plan.json"), InputError);
}

TEST(Fingerprint, ChangesWithOneByte) {
  const std::string a = write_temp("lrfind_fp_a.csv", "x,y\n1,2\n");
  const std::string b = write_temp("lrfind_fp_b.csv", "x,y\n1,3\n");
  EXPECT_EQ(fingerprint_file(a), fingerprint_file(a));
  EXPECT_NE(fingerprint_file(a).hash, fingerprint_file(b).hash);
  EXPECT_EQ(fingerprint_file(a).bytes, 8u);
  EXPECT_EQ(hash_text(""), "cbf29ce484222325");  // FNV-1a's offset basis
  EXPECT_EQ(hash_text("a"), "af63dc4c8601ec8c");  // the published test vector
}

TEST(UnitJson, GridAndRangeResultsRoundTripExactly) {
  GridRateResult g;
  g.lr = 0.1 + 0.2;  // not a short decimal
  g.train_loss = {1.0 / 3.0, std::nextafter(0.5, 1.0), std::numeric_limits<double>::infinity()};
  g.val_loss = {std::numeric_limits<double>::quiet_NaN()};
  g.diverged = true;
  const GridRateResult back = grid_rate_from_unit_json(Json::parse(to_unit_json(g).dump()));
  EXPECT_EQ(back.lr, g.lr);
  EXPECT_EQ(back.train_loss[0], g.train_loss[0]);
  EXPECT_EQ(back.train_loss[1], g.train_loss[1]);
  EXPECT_TRUE(std::isinf(back.train_loss[2]) && back.train_loss[2] > 0);
  EXPECT_TRUE(std::isnan(back.val_loss[0]));
  EXPECT_TRUE(back.diverged);
  EXPECT_FALSE(back.interrupted);

  RangeTestResult r;
  r.points = {{0, 1e-7, 0.6931471805599453, 0.6931471805599453}, {1, 2.2e-7, -std::numeric_limits<double>::infinity(), 1.0 / 7.0}};
  r.stop_reason = StopReason::kNonFiniteLoss;
  const RangeTestResult rb = range_test_from_unit_json(Json::parse(to_unit_json(r).dump()));
  ASSERT_EQ(rb.points.size(), 2u);
  EXPECT_EQ(rb.points[1].step, 1);
  EXPECT_EQ(rb.points[1].smoothed_loss, 1.0 / 7.0);
  EXPECT_TRUE(std::isinf(rb.points[1].loss) && rb.points[1].loss < 0);
  EXPECT_EQ(rb.stop_reason, StopReason::kNonFiniteLoss);
  EXPECT_THROW(range_test_from_unit_json(Json{{"points", Json::array()}, {"stop_reason", "tired"}}), DataError);
  EXPECT_THROW(grid_rate_from_unit_json(Json{{"lr", "fast"}}), DataError);
}

}  // namespace
}  // namespace lrfind::scale
