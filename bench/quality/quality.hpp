// The recommendation-quality harness's rows and scores, shared by the scoring
// (quality.cpp) and the tables (tables.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "load/dataset.hpp"

namespace quality {

using lrfind::Index;

// A training budget: the batch size and epochs the rate is for.
struct Budget {
  std::string name;
  Index batch = 32;
  int epochs = 5;
};

struct DatasetSpec {
  const char* name;
  const char* file;
  bool regression;
  bool quick;  // part of the --quick smoke run
  const char* source;
};

// The rules, in the order of the tables.
const std::vector<std::string>& rules();
const char* rule_description(const std::string& rule);

// One rule's rate for a row, scored by the oracle.
struct RuleScore {
  std::string rule;
  std::optional<double> lr;
  double val_loss = 0.0;  // the oracle's V(r)
  double regret = 1.0;    // (V(r) - V*)/(V0 - V*), clamped to [0, 1]
  double excess = 0.0;    // (V(r) - V*)/max(V*, 0.01·V0)
  bool unstable = false;  // an oracle training of r diverged or ended no better than the untrained model
  std::string note;       // why there is no measurement: "no rate", "diverged"
};

// lr-find check on a rate the oracle calls clearly good (its best) or clearly
// bad (the nearest grid rates below and above with excess >= 0.5).
struct CheckProbe {
  std::string kind;  // good, bad_low, bad_high
  double lr = 0.0;
  double excess = 0.0;  // the oracle's
  std::string verdict;  // lr-find's
  bool agrees = false;  // passed a good rate, failed a bad one
};

struct RowResult {
  std::string dataset;
  std::string model;
  std::string optimizer;
  std::string budget;
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
  std::optional<std::pair<double, double>> interval;  // auto's near-best interval
  std::pair<double, double> interval_excess{0.0, 0.0};  // the oracle's excess at its ends
  std::vector<CheckProbe> probes;
  std::vector<RuleScore> scores;  // in the order of rules()
};

// The summary tables (Markdown) and one CSV line per row and rule.
std::string markdown(const std::vector<RowResult>& results, const std::vector<Budget>& budgets, int grid_per_decade,
                     double seconds, double cpu_seconds, bool quick, int jobs);
std::string csv(const std::vector<RowResult>& results);
// One CSV line per check probe: lr-find check's verdict on the oracle's good and bad rates.
std::string checks_csv(const std::vector<RowResult>& results);

}  // namespace quality
