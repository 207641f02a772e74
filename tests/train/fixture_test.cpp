// Pins full-batch grid training to losses computed independently of this code
// base: tests/fixtures/make_fullbatch_fixture.py (pure Python, following
// PyTorch's loss definitions and torch.optim's update formulas) wrote
// tests/fixtures/fullbatch_losses.json. Each case runs the real CLI.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cli/cli_support.hpp"

namespace lrfind {
namespace {

using nlohmann::json;

std::string number_text(double value) { return json(value).dump(); }

TEST(FullBatchFixture, EveryModelAndOptimizerMatchesIndependentLosses) {
  const json fixture = json::parse(testing::read_file(std::string(LRFIND_SOURCE_DIR) + "/tests/fixtures/fullbatch_losses.json"));
  const int epochs = fixture.at("epochs").get<int>();
  ASSERT_GE(fixture.at("cases").size(), 30u);
  for (const json& c : fixture.at("cases")) {
    const std::string label = c.dump();
    const testing::CliResult r = testing::run_cli({c.at("data").get<std::string>(), "--model",
                                                   c.at("model").get<std::string>(), "--optimizer",
                                                   c.at("optimizer").get<std::string>(), "--method", "grid", "--rates",
                                                   number_text(c.at("lr").get<double>()), "--l2",
                                                   number_text(c.at("l2").get<double>()), "--epochs",
                                                   std::to_string(epochs), "--batch-size", "0", "--validation", "0",
                                                   "--quiet"});
    ASSERT_EQ(r.exit_code, 0) << label << "\n" << r.err;
    const json out = json::parse(r.out);
    ASSERT_EQ(out.at("grid").size(), 1u);
    const json& train = out.at("grid")[0].at("train_loss");
    const json& expected = c.at("train_loss");
    ASSERT_EQ(train.size(), expected.size()) << label;
    for (std::size_t e = 0; e < expected.size(); ++e) {
      const double want = expected[e].get<double>();
      EXPECT_NEAR(train[e].get<double>(), want, 1e-9 * std::abs(want)) << label << " epoch " << e + 1;
    }
  }
}

}  // namespace
}  // namespace lrfind
