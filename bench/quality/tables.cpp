// The harness's summary tables (Markdown) and its CSV.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "quality.hpp"

namespace quality {

namespace {

// Issue 3's targets for auto's normalised regret, per model kind and optimizer.
constexpr double kRegretMedian = 0.01;
constexpr double kRegretP90 = 0.05;
constexpr double kRegretMax = 0.2;
constexpr double kNearBestRegret = 0.05;

// Issue 13's targets for auto on the default budget, and on the others.
struct Targets {
  double rec_median, rec_p90, rec_max;  // recommendation excess (p90, max: default budget only)
  double ends_median, ends_max;         // interval ends' excess (max: default budget only)
  double check_agreement;
};
constexpr Targets kDefaultTargets{0.01, 0.15, 0.30, 0.05, 0.30, 0.95};
constexpr Targets kOtherTargets{0.01, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
                                0.05, std::numeric_limits<double>::infinity(), 0.90};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const double pos = p * static_cast<double>(v.size() - 1);  // numpy's default (linear)
  const std::size_t lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  if (std::isinf(v[hi])) return v[hi];
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

std::string num(double x) {
  if (std::isinf(x)) return "inf";
  return std::abs(x) >= 100 ? fmt::format("{:.3g}", x) : fmt::format("{:.3f}", x);
}

std::string share(std::size_t count, std::size_t of) {
  return of == 0 ? std::string("-") : fmt::format("{:.0f}%", 100.0 * static_cast<double>(count) / static_cast<double>(of));
}

std::vector<const RuleScore*> scores_of(const std::vector<const RowResult*>& rows, const std::string& rule) {
  std::vector<const RuleScore*> out;
  for (const RowResult* row : rows)
    for (const RuleScore& s : row->scores)
      if (s.rule == rule) out.push_back(&s);
  return out;
}

std::string rules_table(const std::vector<const RowResult*>& rows) {
  std::string md = "| rule | excess median | p90 | max | regret median | regret within 0.05 | unstable training |\n";
  md += "|---|---:|---:|---:|---:|---:|---:|\n";
  for (const std::string& rule : rules()) {
    std::vector<double> excess, regret;
    std::size_t unstable = 0, near = 0;
    for (const RuleScore* s : scores_of(rows, rule)) {
      excess.push_back(s->excess);
      regret.push_back(s->regret);
      unstable += s->unstable ? 1 : 0;
      near += s->regret <= kNearBestRegret ? 1 : 0;
    }
    md += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} |\n", rule, num(percentile(excess, 0.5)),
                      num(percentile(excess, 0.9)), num(percentile(excess, 1.0)), num(percentile(regret, 0.5)),
                      share(near, regret.size()), share(unstable, excess.size()));
  }
  return md;
}

struct AutoMeasures {
  std::vector<double> rec, ends;
  std::size_t good = 0, good_passed = 0, bad = 0, bad_failed = 0, unstable = 0, rows = 0;
  double agreement() const {
    const std::size_t n = good + bad;
    return n == 0 ? 0.0 : static_cast<double>(good_passed + bad_failed) / static_cast<double>(n);
  }
};

AutoMeasures auto_measures(const std::vector<const RowResult*>& rows) {
  AutoMeasures m;
  for (const RowResult* row : rows) {
    const RuleScore& a = row->scores.front();
    ++m.rows;
    m.rec.push_back(a.excess);
    m.unstable += a.unstable ? 1 : 0;
    if (row->interval) {
      m.ends.push_back(row->interval_excess.first);
      m.ends.push_back(row->interval_excess.second);
    }
    for (const CheckProbe& p : row->probes) {
      if (p.verdict.empty()) continue;  // no recommendation to check against
      if (p.kind == "good") {
        ++m.good;
        m.good_passed += p.agrees ? 1 : 0;
      } else {
        ++m.bad;
        m.bad_failed += p.agrees ? 1 : 0;
      }
    }
  }
  return m;
}

std::string met(bool ok) { return ok ? "met" : "**not met**"; }

std::string auto_section(const std::vector<const RowResult*>& rows, const Targets& t, bool is_default) {
  const AutoMeasures m = auto_measures(rows);
  const double rec_median = percentile(m.rec, 0.5), rec_p90 = percentile(m.rec, 0.9), rec_max = percentile(m.rec, 1.0);
  const double ends_median = percentile(m.ends, 0.5), ends_max = percentile(m.ends, 1.0);
  std::string md = "| measure (lr-find auto, by the oracle) | value | target | result |\n|---|---:|---:|---|\n";
  md += fmt::format("| recommendation excess, median | {} | <= {} | {} |\n", num(rec_median), t.rec_median,
                    met(rec_median <= t.rec_median));
  if (is_default) {
    md += fmt::format("| recommendation excess, p90 | {} | <= {} | {} |\n", num(rec_p90), t.rec_p90,
                      met(rec_p90 <= t.rec_p90));
    md += fmt::format("| recommendation excess, max | {} | <= {} | {} |\n", num(rec_max), t.rec_max,
                      met(rec_max <= t.rec_max));
  } else {
    md += fmt::format("| recommendation excess, p90 / max (no target: the oracle's own noise) | {} / {} | | |\n",
                      num(rec_p90), num(rec_max));
  }
  md += fmt::format("| interval ends' excess, median | {} | <= {} | {} |\n", num(ends_median), t.ends_median,
                    met(ends_median <= t.ends_median));
  if (is_default)
    md += fmt::format("| interval ends' excess, max | {} | <= {} | {} |\n", num(ends_max), t.ends_max,
                      met(ends_max <= t.ends_max));
  else
    md += fmt::format("| interval ends' excess, max (no target) | {} | | |\n", num(ends_max));
  md += fmt::format("| `check` agrees with the oracle | {:.1f}% ({} of {} good rates passed, {} of {} bad failed) | "
                    ">= {:.0f}% | {} |\n",
                    100.0 * m.agreement(), m.good_passed, m.good, m.bad_failed, m.bad, 100.0 * t.check_agreement,
                    met(m.agreement() >= t.check_agreement));
  md += fmt::format("| recommendations with an unstable oracle training | {} of {} | | |\n", m.unstable, m.rows);
  return md;
}

std::string worst_rows(const std::vector<const RowResult*>& rows) {
  std::vector<const RowResult*> sorted = rows;
  std::stable_sort(sorted.begin(), sorted.end(), [](const RowResult* a, const RowResult* b) {
    return a->scores.front().excess > b->scores.front().excess;
  });
  std::string md = "| data set | model | optimizer | auto lr | interval | confidence | oracle's best | excess | ends' "
                   "excess | check verdicts (good, bad) |\n|---|---|---|---:|---|---|---:|---:|---|---|\n";
  for (std::size_t i = 0; i < std::min<std::size_t>(6, sorted.size()); ++i) {
    const RowResult& r = *sorted[i];
    const RuleScore& a = r.scores.front();
    std::string verdicts;
    for (const CheckProbe& p : r.probes) verdicts += (verdicts.empty() ? "" : ", ") + p.kind + " " + p.verdict;
    md += fmt::format("| {} | {} | {} | {} | {} | {} | {:.3g} | {} | {} | {} |\n", r.dataset, r.model, r.optimizer,
                      a.lr ? fmt::format("{:.3g}", *a.lr) : std::string("none"),
                      r.interval ? fmt::format("[{:.3g}, {:.3g}]", r.interval->first, r.interval->second) : "-",
                      r.auto_confidence, r.lr_star, num(a.excess),
                      r.interval ? num(r.interval_excess.first) + ", " + num(r.interval_excess.second) : "-",
                      verdicts);
  }
  return md;
}

std::string regret_groups(const std::vector<const RowResult*>& rows) {
  std::string md = "| group | rows | regret median | p90 | max | within 0.05 | issue 3's targets |\n"
                   "|---|---:|---:|---:|---:|---:|---|\n";
  const auto line = [&](const std::string& name, const auto& keep) {
    std::vector<double> regret;
    for (const RowResult* r : rows)
      if (keep(*r)) regret.push_back(r->scores.front().regret);
    if (regret.empty()) return;
    const double median = percentile(regret, 0.5), p90 = percentile(regret, 0.9), max = percentile(regret, 1.0);
    const auto near = static_cast<std::size_t>(
        std::count_if(regret.begin(), regret.end(), [](double x) { return x <= kNearBestRegret; }));
    md += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", name, regret.size(), num(median), num(p90), num(max),
                      share(near, regret.size()),
                      median <= kRegretMedian && p90 <= kRegretP90 && max <= kRegretMax ? "met" : "not met");
  };
  for (const char* kind : {"linear", "logistic", "svm"})
    line(kind, [&](const RowResult& r) { return r.model == kind; });
  for (const char* opt : {"sgd", "momentum", "adam"})
    line(opt, [&](const RowResult& r) { return r.optimizer == opt; });
  return md;
}

}  // namespace

std::string markdown(const std::vector<RowResult>& results, const std::vector<Budget>& budgets, int grid_per_decade,
                     double seconds, double cpu_seconds, bool quick, int jobs) {
  std::string md = fmt::format(
      "Rows: {} (data sets x model kinds x optimizers x {} budget{}{}). Oracle: 5-fold CV, seed 20260101, grid "
      "1e-06..1000 at {} per decade, trained for each budget; default L2, constant schedule.\n\n"
      "Excess loss = (V(r) - V*)/max(V*, 0.01·V0) under the oracle; regret = (V(r) - V*)/(V0 - V*), clamped to [0, "
      "1]. An unstable training: an oracle run of the rate diverged or ended no better than the untrained model.\n",
      results.size(), budgets.size(), budgets.size() == 1 ? "" : "s", quick ? "; --quick smoke run" : "",
      grid_per_decade);
  for (std::size_t b = 0; b < budgets.size(); ++b) {
    std::vector<const RowResult*> rows;
    for (const RowResult& r : results)
      if (r.budget == budgets[b].name) rows.push_back(&r);
    md += fmt::format("\n## Budget: {} ({} rows)\n\n", budgets[b].name, rows.size());
    md += auto_section(rows, b == 0 ? kDefaultTargets : kOtherTargets, b == 0);
    md += "\n" + rules_table(rows);
    if (b == 0) md += "\n`auto`'s normalised regret by model kind and optimizer:\n\n" + regret_groups(rows);
    md += "\nWorst rows for `auto` (by the oracle's excess):\n\n" + worst_rows(rows);
  }
  md += "\n### Rules\n\n";
  for (const std::string& rule : rules()) md += fmt::format("- `{}`: {}\n", rule, rule_description(rule));
  double auto_total = 0.0;
  for (const RowResult& r : results) auto_total += r.auto_seconds;
  md += fmt::format(
      "\nTotal run time {:.1f} s wall, {:.1f} s CPU, with {} job(s); `run_auto` took {:.1f} s of wall time in all "
      "({:.2f} s per row on average).\n",
      seconds, cpu_seconds, jobs, auto_total, results.empty() ? 0.0 : auto_total / static_cast<double>(results.size()));
  return md;
}

namespace {

std::string csv_number(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return fmt::format("{}", x);
}

}  // namespace

std::string csv(const std::vector<RowResult>& results) {
  std::string out =
      "budget,dataset,model,optimizer,rows,rule,lr,val_loss,v_star,v0,regret,excess,unstable,lr_star,note\n";
  for (const RowResult& row : results)
    for (const RuleScore& s : row.scores)
      out += fmt::format("\"{}\",{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", row.budget, row.dataset, row.model,
                         row.optimizer, row.rows, s.rule, s.lr ? csv_number(*s.lr) : std::string(),
                         csv_number(s.val_loss), csv_number(row.v_star), csv_number(row.v0), csv_number(s.regret),
                         csv_number(s.excess), s.unstable ? 1 : 0, csv_number(row.lr_star), s.note);
  return out;
}

std::string checks_csv(const std::vector<RowResult>& results) {
  std::string out = "budget,dataset,model,optimizer,auto_lr,interval_low,interval_high,probe,lr,oracle_excess,verdict,agrees\n";
  for (const RowResult& row : results)
    for (const CheckProbe& p : row.probes)
      out += fmt::format("\"{}\",{},{},{},{},{},{},{},{},{},{},{}\n", row.budget, row.dataset, row.model, row.optimizer,
                         row.scores.front().lr ? csv_number(*row.scores.front().lr) : std::string(),
                         row.interval ? csv_number(row.interval->first) : std::string(),
                         row.interval ? csv_number(row.interval->second) : std::string(), p.kind, csv_number(p.lr),
                         csv_number(p.excess), p.verdict, p.agrees ? 1 : 0);
  return out;
}

}  // namespace quality
