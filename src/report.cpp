#include "lrfind/report.hpp"

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
  config["model"] = to_string(c.model);
  config["l2"] = effective_l2(c);
  config["optimizer"] = c.optimizer;
  config["method"] = to_string(c.method);
  config["batch_size"] = c.batch_size;
  config["seed"] = c.seed;
  config["min_lr"] = c.min_lr;
  config["max_lr"] = c.max_lr;
  if (c.method == Method::kRange) {
    config["steps"] = c.steps;
    config["sweep"] = to_string(c.sweep);
    config["smoothing"] = c.smoothing;
    config["stop_factor"] = c.stop_factor;
  } else {
    config["epochs"] = c.epochs;
    config["grid_points"] = c.rates.empty() ? c.grid_points : static_cast<int>(c.rates.size());
    Json rates = Json::array();
    for (const GridRateResult& g : result.grid) rates.push_back(g.lr);
    config["rates"] = rates;
    config["validation"] = effective_validation(c);
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
  report["recommendation"] = {{"lr", rec.lr ? number(*rec.lr) : Json(nullptr)},
                              {"rule", rec.rule},
                              {"reason", rec.reason.empty() ? Json(nullptr) : Json(rec.reason)},
                              {"suggestions", suggestions}};
  report["method"] = to_string(result.config.method);

  report["dataset"] = {{"path", result.source},
                       {"rows", data.rows()},
                       {"rows_read", data.rows_read},
                       {"rows_dropped", data.rows_dropped},
                       {"train_rows", result.train_rows},
                       {"validation_rows", result.validation_rows},
                       {"features", data.features.cols()},
                       {"feature_names", data.feature_names},
                       {"categorical_columns", data.categorical_columns},
                       {"target", data.target_name},
                       {"classes", data.classes.empty() ? Json(nullptr) : Json(data.classes)},
                       {"standardized", result.config.standardize}};
  report["model"] = {{"kind", to_string(result.config.model)},
                     {"loss", result.loss_name},
                     {"l2", effective_l2(result.config)},
                     {"outputs", result.outputs}};
  Json optimizer;
  optimizer["name"] = result.config.optimizer;
  for (const auto& [name, value] : result.optimizer_hyperparameters) optimizer[name] = value;
  report["optimizer"] = optimizer;
  report["config"] = config_json(result);

  if (result.range) {
    Json points = Json::array();
    for (const RangePoint& p : result.range->points)
      points.push_back({{"step", p.step},
                        {"lr", number(p.lr)},
                        {"loss", number(p.loss)},
                        {"smoothed_loss", number(p.smoothed_loss)}});
    report["range_test"] = {{"stop_reason", to_string(result.range->stop_reason)},
                            {"steps_run", result.range->points.size()},
                            {"points", points}};
  } else {
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

std::string render_report(const Json& report) { return report.dump(2) + "\n"; }

}  // namespace lrfind
