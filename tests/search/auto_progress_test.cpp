// The auto search's progress (search/auto_progress.hpp): the bar moves through
// every stage in small steps, whether the search widens its range or not and
// however soon its refinement ends, since each stage's share is its estimated
// cost, planned again as the search learns more.
#include "search/auto_progress.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "train/train_support.hpp"

namespace lrfind {
namespace {

struct Report {
  double fraction;
  std::string stage;
};

// The reports of run_auto on a noisy linear target of `n` rows (its sign as
// two classes when `classes`).
std::vector<Report> auto_reports(Index n, bool classes, const AutoConfig& config) {
  std::mt19937 gen(5);
  std::normal_distribution<double> normal(0.0, 1.0);
  Matrix X(n, 3);
  Vector y(n);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < 3; ++j) X(i, j) = normal(gen);
    const double t = 1.5 * X(i, 0) - X(i, 1) + 0.5 * normal(gen);
    y(i) = classes ? (t > 0 ? 1.0 : 0.0) : t + 2.0;
  }
  std::vector<Index> rows(static_cast<std::size_t>(n));
  std::iota(rows.begin(), rows.end(), Index{0});
  const Features features = X;
  const Model model = classes ? testing::make("logistic", 3, 2, 0.0) : testing::make("linear", 3, 0, 0.0);
  std::vector<Report> reports;
  const Progress progress([&](double f, std::string_view stage) { reports.push_back({f, std::string(stage)}); });
  run_auto(model, testing::optimizer("sgd"), features, y, rows, config, StopToken{}, progress);
  return reports;
}

// The largest step of the bar from one report to the next, but the last.
double largest_step(const std::vector<Report>& reports) {
  double largest = 0.0;
  for (std::size_t i = 1; i + 1 < reports.size(); ++i)
    largest = std::max(largest, reports[i].fraction - reports[i - 1].fraction);
  return largest;
}

bool has_stage(const std::vector<Report>& reports, const std::string& stage) {
  return std::any_of(reports.begin(), reports.end(), [&](const Report& r) { return r.stage == stage; });
}

AutoConfig config(int epochs) {
  AutoConfig c;
  c.budget.epochs = epochs;
  c.budget.batch_size = 16;
  c.range.settings.steps = 60;
  return c;
}

TEST(AutoProgress, MovesInSmallStepsWhetherItWidensOrNotAndHoweverLongItRefines) {
  // A stage the first plan leaves out (widening, the check) or a refinement
  // that ends sooner or later than the typical one moves the bar in small
  // steps: each stage starts where the bar is and shares what is left of it.
  // Only the last step may be larger: what was left for refinement
  // evaluations that did not come (the forecast is one off on the plain run).
  const std::vector<Report> plain = auto_reports(300, false, config(4));
  EXPECT_FALSE(has_stage(plain, "auto: widening the range"));
  AutoConfig low = config(4);
  low.max_lr = 1e-4;  // far too small: widened
  const std::vector<Report> widened = auto_reports(300, false, low);
  EXPECT_TRUE(has_stage(widened, "auto: widening the range"));
  AutoConfig checked = config(4);
  checked.check_lr = 0.5;
  const std::vector<Report> with_check = auto_reports(300, true, checked);
  EXPECT_TRUE(has_stage(with_check, "auto: checking the rate"));
  for (const std::vector<Report>* reports : {&plain, &widened, &with_check}) {
    ASSERT_GT(reports->size(), 100u);
    EXPECT_TRUE(has_stage(*reports, "auto: range tests") && has_stage(*reports, "auto: scoring candidate rates") &&
                has_stage(*reports, "auto: refining"));
    EXPECT_EQ(reports->front().fraction, 0.0);
    EXPECT_TRUE(std::is_sorted(reports->begin(), reports->end(),
                               [](const Report& a, const Report& b) { return a.fraction < b.fraction; }));
    EXPECT_LE(largest_step(*reports), 0.01);
    const Report& last = reports->back();
    EXPECT_EQ(last.fraction, 1.0);
    EXPECT_EQ(last.stage, "auto: done");
    EXPECT_LE(last.fraction - (*reports)[reports->size() - 2].fraction, 0.15);
  }
}

TEST(AutoProgress, TheRangeTestsTakeTheirCostsShareNotAFixedOne) {
  // The range tests cost the same whatever the epochs; the candidates' training
  // costs in proportion to them: with 40 epochs instead of 2 the range tests
  // take a far smaller part of the bar.
  const auto range_share = [](int epochs) {
    const std::vector<Report> reports = auto_reports(300, false, config(epochs));
    const auto first_grid = std::find_if(reports.begin(), reports.end(),
                                         [](const Report& r) { return r.stage == "auto: scoring candidate rates"; });
    return first_grid == reports.end() ? 1.0 : first_grid->fraction;
  };
  const double short_budget = range_share(2);
  const double long_budget = range_share(40);
  EXPECT_GT(short_budget, 0.0);
  EXPECT_LT(long_budget, short_budget / 5);
}

// A golden-section search on the loss `f` of log(lr) as auto's refinement
// makes it (search/auto.cpp), from the bracket of a best rate and its two
// neighbours: the forecast before each evaluation and how many there were.
struct Refinement {
  std::vector<int> forecasts;
  int evaluations = 0;
};
template <class F>
Refinement golden_section(F f, double left, double best, double right, double threshold) {
  std::map<double, CvObjective::Score> scores;
  for (const double lr : {left, best, right}) scores[lr].val_loss = f(std::log(lr));
  RefinementForecast forecast(scores, threshold);
  Refinement out;
  double a = std::log(left), b = std::log(right);
  const auto value = [&](double x) {
    out.forecasts.push_back(forecast.left(a, b));
    const double loss = f(x);
    forecast.saw(std::exp(x), loss);
    ++out.evaluations;
    return loss;
  };
  const double inv_phi = (std::sqrt(5.0) - 1.0) / 2.0;
  double c = b - inv_phi * (b - a), d = a + inv_phi * (b - a);
  double fc = value(c), fd = value(d);
  while (b - a > std::log(1.05)) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - inv_phi * (b - a);
      fc = value(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + inv_phi * (b - a);
      fd = value(d);
    }
    if (std::abs(fc - fd) <= threshold) break;
  }
  return out;
}

TEST(RefinementForecast, IsExactOnAParabolaAndCloseOnOtherCurves) {
  // A bracket of a factor 10^(4/3) around 0.01 (a best rate and its two
  // neighbours). On parabolas in log(lr) of growing curvature, from one that
  // ends at the first comparison to one that runs down to the bracket's
  // width, the forecast is exact at every evaluation; on a curve that is no
  // parabola (steeper on the right, as losses are), within two.
  const double best = 0.01, left = best / std::pow(10.0, 2.0 / 3.0), right = best * std::pow(10.0, 2.0 / 3.0);
  const double low = std::log(0.013);
  std::set<int> lengths;
  for (const double curvature : {1e-5, 1e-3, 0.1, 10.0}) {
    const auto parabola = [&](double x) { return 1.0 + curvature * (x - low) * (x - low); };
    const Refinement r = golden_section(parabola, left, best, right, 1e-4);
    lengths.insert(r.evaluations);
    for (int e = 0; e < r.evaluations; ++e)
      EXPECT_EQ(r.forecasts[static_cast<std::size_t>(e)], r.evaluations - e)
          << "curvature " << curvature << ", evaluation " << e << " of " << r.evaluations;
  }
  EXPECT_EQ(lengths.size(), 4u);  // the cases differ
  for (const double curvature : {1e-3, 0.1, 10.0}) {
    const auto skewed = [&](double x) { return 1.0 + curvature * (std::exp(x - low) - 1.0 - (x - low)); };
    const Refinement r = golden_section(skewed, left, best, right, 1e-4);
    for (int e = 0; e < r.evaluations; ++e)
      EXPECT_NEAR(r.forecasts[static_cast<std::size_t>(e)], r.evaluations - e, 2)
          << "curvature " << curvature << ", evaluation " << e << " of " << r.evaluations;
  }
}

}  // namespace
}  // namespace lrfind
