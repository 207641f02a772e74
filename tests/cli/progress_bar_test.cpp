// The progress bar with an injected clock: its estimate of the time left is
// computed from the work done against the whole, is honest once a fifth is
// done, and is redrawn (counting down) even when no report comes.
#include "cli/progress_bar.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

namespace lrfind::cli {
namespace {

// A bar on a fake clock, keeping what it draws.
struct FakeBar {
  double now = 0.0;
  std::vector<std::pair<double, std::string>> drawn;  // (time, text)
  ProgressBar bar{true, 0.5, [this] { return now; },
                  [this](std::string_view text) { drawn.emplace_back(now, std::string(text)); }};
};

// The seconds of "ETA 7s", "ETA 2m05s" in a drawing, or -1.
double eta_shown(const std::string& text) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(R"(ETA (?:(\d+)m)?(\d+)s)"))) return -1.0;
  return (m[1].matched ? 60.0 * std::stod(m[1]) : 0.0) + std::stod(m[2]);
}

TEST(ProgressBar, TimeLeftIsWithinHalfOfTheTruthOnceAFifthIsDone) {
  // A run estimated at 200 s in five stages of a fifth of the bar each, which
  // go 20% faster to 30% slower than estimated (the costs behind the
  // fractions are estimates), reported at irregular moments: once a fifth is
  // done, the time left is within ±50% of the truth.
  FakeBar f;
  constexpr double kTotal = 200.0;
  // The true fraction done at time t, piecewise: stages 20% faster or 30% slower than estimated.
  const auto fraction_at = [](double t) {
    const double speeds[] = {1.2, 0.7, 1.0, 1.3, 0.8};
    double fraction = 0.0, time = 0.0;
    for (const double speed : speeds) {
      const double stage = 0.2;  // of the bar
      const double stage_time = kTotal * stage / speed;
      if (t <= time + stage_time) return fraction + stage * (t - time) / stage_time;
      fraction += stage;
      time += stage_time;
    }
    return 1.0;
  };
  // The run's real end, where the fraction reaches 1.
  double end = 0.0;
  while (fraction_at(end) < 1.0) end += 0.01;
  int checked = 0;
  for (double t = 0.0; t < end; t += 0.37 + 0.5 * std::abs(std::sin(t))) {
    f.now = t;
    f.bar.update(fraction_at(t), "stage");
    if (fraction_at(t) < 0.2) continue;
    const double truth = end - t;
    const double eta = f.bar.eta(t);
    EXPECT_GE(eta, 0.5 * truth) << "at " << t << " s, " << fraction_at(t);
    EXPECT_LE(eta, 1.5 * truth) << "at " << t << " s, " << fraction_at(t);
    ++checked;
  }
  EXPECT_GT(checked, 50);
}

TEST(ProgressBar, TimeLeftIsTheWholeEstimatedFromTheWorkDoneMinusTheTimeNow) {
  FakeBar f;
  f.now = 10.0;
  f.bar.update(0.25, "stage");  // a quarter in 10 s: 40 s in all, 30 s left
  EXPECT_DOUBLE_EQ(f.bar.eta(10.0), 30.0);
  EXPECT_EQ(eta_shown(f.drawn.back().second), 30.0);
  // No report for 4 s: the estimate counts down, it does not grow.
  EXPECT_DOUBLE_EQ(f.bar.eta(14.0), 26.0);
  // A report with the same fraction keeps the time it was reached.
  f.now = 15.0;
  f.bar.update(0.25, "next stage");
  EXPECT_DOUBLE_EQ(f.bar.eta(15.0), 25.0);
  // Slower progress than that puts it up: half in 30 s, 60 s in all.
  f.now = 30.0;
  f.bar.update(0.5, "next stage");
  EXPECT_DOUBLE_EQ(f.bar.eta(30.0), 30.0);
  FakeBar early;
  early.now = 1.0;
  early.bar.update(0.04, "stage");
  EXPECT_LT(early.bar.eta(1.0), 0.0);  // under 5%: too early to say
  EXPECT_EQ(eta_shown(early.drawn.back().second), -1.0);
}

TEST(ProgressBar, RedrawsAtLeastEveryQuarterSecondWithoutReports) {
  FakeBar f;
  f.now = 0.2;
  f.bar.update(0.0, "reading");
  EXPECT_TRUE(f.drawn.empty());  // not before the delay
  f.now = 2.0;
  f.bar.update(0.4, "training");
  ASSERT_EQ(f.drawn.size(), 1u);
  // The refreshing thread ticks every 0.1 s; no report comes for 3 s.
  for (int i = 1; i <= 30; ++i) {
    f.now = 2.0 + 0.1 * i;
    f.bar.tick();
  }
  double previous_time = 2.0, previous_eta = eta_shown(f.drawn.front().second);
  for (const auto& [time, text] : f.drawn) {
    EXPECT_LE(time - previous_time, 0.25 + 1e-9);
    EXPECT_LE(eta_shown(text), previous_eta);
    previous_time = time;
    previous_eta = eta_shown(text);
  }
  EXPECT_GE(f.drawn.size(), 12u);
  EXPECT_EQ(eta_shown(f.drawn.back().second), 0.0);  // 2 s for 40%: 5 s in all, nothing left at 5 s
  EXPECT_NE(f.drawn.back().second.find("]  40%  training"), std::string::npos) << f.drawn.back().second;
}

TEST(ProgressBar, PrintsALineOfItsOwnAndErasesItselfAtTheEnd) {
  FakeBar f;
  f.now = 1.0;
  f.bar.update(0.5, "training");
  f.bar.print_line("lr-find: warning: something");
  f.bar.finish();
  ASSERT_EQ(f.drawn.size(), 3u);
  EXPECT_EQ(f.drawn[1].second, "\r\033[K");
  EXPECT_EQ(f.drawn[2].second, "lr-find: warning: something\n");  // erased already: nothing more at the end
  FakeBar g;
  g.now = 1.0;
  g.bar.update(0.5, "training");
  g.bar.finish();
  EXPECT_EQ(g.drawn.back().second, "\r\033[K");
}

}  // namespace
}  // namespace lrfind::cli
