#include "report/report.hpp"

#include <cmath>

namespace lrfind {

namespace {

using Json = nlohmann::ordered_json;

// JSON has no NaN or infinity: a non-finite number is written as null.
Json number(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

Json numbers(const std::vector<double>& values) {
  Json out = Json::array();
  for (const double v : values) out.push_back(number(v));
  return out;
}

Json config_json(const RunResult& result) {
  const RunConfig& c = result.config;
  Json config;
  config["input"] = c.input;
  config["delimiter"] = std::string(1, c.delimiter);
  config["target"] = result.dataset.target_name;
  config["drop"] = c.columns.drop;
  config["standardize"] = c.standardize;
  config["na_values"] = c.columns.na_values;
  config["max_categories"] = c.columns.max_categories;
  config["model"] = c.model;
  config["l2"] = effective_l2(c);
  config["optimizer"] = c.optimizer;
  config["method"] = to_string(c.method);
  config["batch_size"] = c.batch_size;
  config["seed"] = c.seed;
  config["min_lr"] = c.min_lr;
  config["max_lr"] = c.max_lr;
  config["repeats"] = effective_repeats(c);
  if (c.method != Method::kGrid) {  // range, and auto's bracketing range tests
    config["steps"] = c.steps;
    config["sweep"] = to_string(c.sweep);
    config["smoothing"] = c.smoothing;
    config["stop_factor"] = c.stop_factor;
  }
  if (c.method != Method::kRange) {
    config["epochs"] = c.epochs;
    config["schedule"] = c.schedule;
  }
  if (c.method == Method::kGrid) {
    config["grid_points"] = c.rates.empty() ? c.grid_points : static_cast<int>(c.rates.size());
    Json rates = Json::array();
    for (const GridRateResult& g : result.grid) rates.push_back(g.lr);
    config["rates"] = rates;
    config["validation"] = effective_validation(c);
  }
  if (c.method == Method::kAuto) {
    config["folds"] = result.automatic->folds;
    config["validation"] = result.automatic->folds >= 2 ? 0.0 : effective_validation(c);
  }
  return config;
}

}  // namespace

Json make_report(const RunResult& result) {
  const Recommendation& rec = result.recommendation;
  const Dataset& data = result.dataset;
  Json report;
  report["schema_version"] = kSchemaVersion;
  report["tool"] = {{"name", "lr-find"}, {"version", LRFIND_VERSION}};
  report["recommended_lr"] = rec.lr ? number(*rec.lr) : Json(nullptr);

  Json suggestions = Json::object();
  for (const Suggestion& s : rec.suggestions) suggestions[s.rule] = number(s.lr);
  Json recommendation = {{"lr", rec.lr ? number(*rec.lr) : Json(nullptr)},
                         {"rule", rec.rule},
                         {"reason", rec.reason.empty() ? Json(nullptr) : Json(rec.reason)},
                         {"suggestions", suggestions}};
  recommendation["interval"] =
      rec.interval ? Json::array({number(rec.interval->first), number(rec.interval->second)}) : Json(nullptr);
  recommendation["confidence"] = rec.confidence.empty() ? Json(nullptr) : Json(rec.confidence);
  recommendation["confidence_reason"] = rec.confidence_reason.empty() ? Json(nullptr) : Json(rec.confidence_reason);
  if (result.config.method != Method::kRange && rec.lr) {
    const TrainingSchedule schedule(schedule_named(result.config.schedule),
                                    result.steps_per_epoch * result.config.epochs);
    Json params;
    params["name"] = result.config.schedule;
    for (const ScheduleParameter& p : schedule.parameters(*rec.lr))
      params[p.name] = p.whole ? Json(static_cast<long>(p.value)) : number(p.value);
    recommendation["schedule"] = params;
  } else {
    recommendation["schedule"] = nullptr;
  }
  report["recommendation"] = recommendation;
  report["method"] = to_string(result.config.method);
  report["interrupted"] = result.interrupted;

  report["dataset"] = {{"path", result.source},
                       {"rows", data.rows()},
                       {"rows_read", data.rows_read},
                       {"rows_dropped", data.rows_dropped},
                       {"sample", data.sampled ? Json{{"rows", data.rows_sampled}, {"seed", result.config.seed}}
                                               : Json(nullptr)},
                       {"train_rows", result.train_rows},
                       {"validation_rows", result.validation_rows},
                       {"features", data.features.cols()},
                       {"precision", data.features.precision() == Precision::kFloat32 ? "float32" : "float64"},
                       {"feature_names", data.feature_names},
                       {"categorical_columns", data.categorical_columns},
                       {"target", data.target_name},
                       {"classes", data.classes.empty() ? Json(nullptr) : Json(data.classes)},
                       {"standardized", result.config.standardize}};
  report["model"] = {{"kind", result.config.model},
                     {"loss", result.loss_name},
                     {"l2", effective_l2(result.config)},
                     {"outputs", result.outputs}};
  Json optimizer;
  optimizer["name"] = result.config.optimizer;
  for (const auto& [name, value] : result.optimizer_hyperparameters) optimizer[name] = value;
  report["optimizer"] = optimizer;
  report["config"] = config_json(result);

  if (result.check) {
    const CheckResult& c = *result.check;
    report["check"] = {
        {"lr", number(c.lr)},
        {"verdict", c.verdict},
        {"passed", c.passed()},
        {"tolerance", number(c.tolerance)},
        {"interval", c.interval ? Json::array({number(c.interval->first), number(c.interval->second)}) : Json(nullptr)},
        {"factor", c.factor ? number(*c.factor) : Json(nullptr)},
        {"val_loss", c.val_loss ? number(*c.val_loss) : Json(nullptr)},
        {"regret", c.regret ? number(*c.regret) : Json(nullptr)},
        {"message", c.message}};
  }
  if (result.theory) {
    const Theory& t = *result.theory;
    Json theory = {{"smoothness", number(t.smoothness)},
                   {"max_example_smoothness", number(t.max_example_smoothness)},
                   {"max_stable_lr_full_batch", number(t.max_stable_lr_full_batch)},
                   {"batch_size", t.batch_size},
                   {"expected_smoothness", number(t.expected_smoothness)},
                   {"minibatch_lr_bound", number(t.minibatch_lr_bound)}};
    theory["recommended_over_full_batch_bound"] = rec.lr ? number(*rec.lr / t.max_stable_lr_full_batch) : Json(nullptr);
    theory["recommended_over_minibatch_bound"] = rec.lr ? number(*rec.lr / t.minibatch_lr_bound) : Json(nullptr);
    report["theory"] = theory;
  } else {
    report["theory"] = nullptr;
  }

  const auto curve = [](const RangeTestResult& r) {
    Json points = Json::array();
    for (const RangePoint& p : r.points)
      points.push_back({{"step", p.step},
                        {"lr", number(p.lr)},
                        {"loss", number(p.loss)},
                        {"smoothed_loss", number(p.smoothed_loss)}});
    return points;
  };
  if (result.range) {
    report["range_test"] = {{"stop_reason", to_string(result.range->stop_reason)},
                            {"steps_run", result.range->points.size()},
                            {"points", curve(*result.range)}};
    // With repeats asked for, even when a stop request left only one.
    if (!result.range_repeats.empty() && effective_repeats(result.config) > 1) {
      Json repeats = Json::array();
      for (std::size_t r = 0; r < result.range_repeats.size(); ++r) {
        const RangeTestResult& rr = result.range_repeats[r];
        repeats.push_back({{"seed", result.repeat_seeds[r]},
                           {"stop_reason", to_string(rr.stop_reason)},
                           {"steps_run", rr.points.size()},
                           {"points", curve(rr)}});
      }
      report["range_test"]["repeats"] = repeats;
    }
  }
  if (result.automatic) {
    const AutoResult& a = *result.automatic;
    Json candidates = Json::array();
    for (const CvObjective::Score& s : a.candidates)
      candidates.push_back({{"lr", number(s.lr)},
                            {"val_loss", number(s.val_loss)},
                            {"val_loss_by_repeat", numbers(s.val_loss_by_repeat)},
                            {"train_curve", numbers(s.train_curve)},
                            {"val_curve", numbers(s.val_curve)},
                            {"diverged", s.diverged},
                            {"stage", s.stage}});
    Json bracket_stops = Json::array();
    for (const double lr : a.stop_lrs) bracket_stops.push_back(number(lr));
    report["auto"] = {{"folds", a.folds},
                      {"repeats", a.seeds.size()},
                      {"seeds", a.seeds},
                      {"bracket", {{"low", number(a.bracket_low)}, {"high", number(a.bracket_high)}, {"range_stop_lrs", bracket_stops}}},
                      {"widened", a.widenings},
                      {"untrained_val_loss", number(a.untrained_loss)},
                      {"repeat_best_lrs", numbers(a.repeat_best)},
                      {"candidates", candidates}};
  } else if (!result.range) {
    Json grid = Json::array();
    for (const GridRateResult& g : result.grid)
      grid.push_back({{"lr", number(g.lr)},
                      {"train_loss", numbers(g.train_loss)},
                      {"val_loss", result.validation_rows > 0 ? numbers(g.val_loss) : Json(nullptr)},
                      {"diverged", g.diverged}});
    report["grid"] = grid;
    report["untrained_loss"] = {
        {"train_loss", number(result.untrained_train_loss)},
        {"val_loss", result.untrained_val_loss ? number(*result.untrained_val_loss) : Json(nullptr)}};
  }
  return report;
}

// Text from the input (column names, labels) that is not UTF-8 is written with
// U+FFFD in place of each bad byte rather than failing the whole report.
std::string render_report(const Json& report) {
  return report.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace lrfind
