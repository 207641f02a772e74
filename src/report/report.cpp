#include "report/report.hpp"

#include <cmath>

#include "pipeline/run.hpp"

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

Json optional_number(const std::optional<double>& value) { return value ? number(*value) : Json(nullptr); }

Json pair_or_null(const std::optional<std::pair<double, double>>& p) {
  return p ? Json::array({number(p->first), number(p->second)}) : Json(nullptr);
}

Json text_or_null(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

Json config_json(const RunResult& result) {
  const RunConfig& c = result.config;
  Json config;
  config["input"] = c.data.input;
  config["input_format"] = result.dataset.format;
  if (result.dataset.format == "svmlight") {
    config["zero_based"] = result.dataset.zero_based.value_or(false);
    config["features"] = c.data.features > 0 ? Json(c.data.features) : Json(nullptr);
  }
  // CSV only: svmlight has no delimiter, data from memory no text.
  config["delimiter"] = result.dataset.format == "csv" ? Json(std::string(1, result.dataset.delimiter)) : Json(nullptr);
  config["target"] = result.dataset.target_name;
  config["drop"] = c.data.drop;
  config["standardize"] = result.scaling == "zscore";  // kept: whether features were z-scored
  config["scaling"] = result.scaling;
  config["na_values"] = c.data.na_values;
  config["max_categories"] = c.data.max_categories;
  if (c.data.allow_many_classes) config["allow_many_classes"] = true;
  config["model"] = c.training.model;
  config["l2"] = result.l2;
  config["optimizer"] = c.training.optimizer;
  config["method"] = c.method;
  config["batch_size"] = c.training.batch_size;
  config["seed"] = c.seed;
  config["min_lr"] = effective_min_lr(c);
  config["max_lr"] = effective_max_lr(c);
  config["repeats"] = result.repeats;
  if (c.method != "grid") {  // range, and auto's bracketing range tests
    config["steps"] = c.range.steps;
    config["sweep"] = c.range.sweep;
    config["smoothing"] = c.range.smoothing;
    config["stop_factor"] = c.range.stop_factor;
  }
  if (c.method != "range") {
    config["epochs"] = c.training.epochs;
    config["schedule"] = c.training.schedule;
    if (c.training.schedule == "invscaling") config["power_t"] = c.training.power_t;
  }
  if (const auto* grid = std::get_if<GridOutcome>(&result.outcome.detail)) {
    config["grid_points"] = c.grid.rates.empty() ? c.grid.points : static_cast<int>(c.grid.rates.size());
    Json rates = Json::array();
    for (const GridRateResult& g : grid->rates) rates.push_back(g.lr);
    config["rates"] = rates;
    config["validation"] = result.validation;
  }
  if (const auto* a = std::get_if<AutoOutcome>(&result.outcome.detail)) {
    config["folds"] = a->search.folds;
    config["validation"] = a->search.folds >= 2 ? 0.0 : result.validation;
  }
  return config;
}

Json recommendation_json(const RunResult& result) {
  const Recommendation& rec = result.recommendation();
  Json suggestions = Json::object();
  for (const Suggestion& s : rec.suggestions) suggestions[s.rule] = number(s.lr);
  Json recommendation = {{"lr", optional_number(rec.lr)},
                         {"rule", rec.rule},
                         {"reason", text_or_null(rec.reason)},
                         {"suggestions", suggestions}};
  recommendation["interval"] = pair_or_null(rec.interval);
  recommendation["confidence"] = rec.confidence ? Json(to_string(*rec.confidence)) : Json(nullptr);
  recommendation["confidence_reason"] = text_or_null(rec.confidence_reason);
  recommendation["margin_to_instability"] = optional_number(rec.margin_to_instability);
  if (rec.band_basis.empty()) {
    recommendation["band"] = nullptr;
  } else {
    const Band& band = rec.band;
    recommendation["band"] = {{"floor", band.floor},
                              {"standard_errors", band.standard_errors},
                              {"cap", band.cap},
                              {"untrained_share", band.untrained_share},
                              {"basis", rec.band_basis}};
  }
  recommendation["warnings"] = rec.warnings;
  if (rec.schedule.empty()) {
    recommendation["schedule"] = nullptr;
  } else {
    Json params;
    params["name"] = result.config.training.schedule;
    for (const ScheduleParameter& p : rec.schedule)
      params[p.name] = p.whole ? Json(static_cast<long>(p.value)) : number(p.value);
    recommendation["schedule"] = params;
  }
  return recommendation;
}

Json dataset_json(const RunResult& result) {
  const DatasetSummary& data = result.dataset;
  return {{"path", data.source},
          {"rows", data.rows},
          {"rows_read", data.rows_read},
          {"rows_dropped", data.rows_dropped},
          {"sample", data.sampled ? Json{{"rows", data.rows_sampled}, {"seed", result.config.seed}} : Json(nullptr)},
          {"train_rows", result.train_rows},
          {"validation_rows", result.validation_rows},
          {"features", data.features},
          {"precision", data.float32 ? "float32" : "float64"},
          {"feature_names", data.feature_names},
          {"categorical_columns", data.categorical_columns},
          {"target", data.target_name},
          {"classes", data.classes.empty() ? Json(nullptr) : Json(data.classes)},
          {"standardized", result.scaling == "zscore"},
          {"scaling", result.scaling}};
}

// The dataset section, with the text's encoding when it was not UTF-8.
Json dataset_section(const RunResult& result) {
  Json dataset = dataset_json(result);
  if (!result.dataset.encoding.empty()) dataset["encoding"] = result.dataset.encoding;
  if (result.dataset.nonzeros) dataset["nonzeros"] = *result.dataset.nonzeros;
  return dataset;
}

Json check_json(const CheckResult& c) {
  return {{"lr", number(c.lr)},
          {"verdict", to_string(c.verdict)},
          {"passed", c.passed()},
          {"tolerance", number(c.tolerance)},
          {"interval", pair_or_null(c.interval)},
          {"factor", optional_number(c.factor)},
          {"val_loss", optional_number(c.val_loss)},
          {"regret", optional_number(c.regret)},
          {"excess_loss", optional_number(c.excess_loss)},
          {"band", optional_number(c.band)},
          {"loss_ratio", optional_number(c.loss_ratio)},
          {"runs", c.runs},
          {"unstable_runs", c.unstable_runs},
          {"message", c.message}};
}

Json theory_json(const Theory& t, const std::optional<double>& lr) {
  Json theory = {{"smoothness", number(t.smoothness)},
                 {"max_example_smoothness", number(t.max_example_smoothness)},
                 {"max_stable_lr_full_batch", number(t.max_stable_lr_full_batch)},
                 {"batch_size", t.batch_size},
                 {"expected_smoothness", number(t.expected_smoothness)},
                 {"minibatch_lr_bound", number(t.minibatch_lr_bound)}};
  theory["recommended_over_full_batch_bound"] = lr ? number(*lr / t.max_stable_lr_full_batch) : Json(nullptr);
  theory["recommended_over_minibatch_bound"] = lr ? number(*lr / t.minibatch_lr_bound) : Json(nullptr);
  return theory;
}

Json curve(const RangeTestResult& r) {
  Json points = Json::array();
  for (const RangePoint& p : r.points)
    points.push_back(
        {{"step", p.step}, {"lr", number(p.lr)}, {"loss", number(p.loss)}, {"smoothed_loss", number(p.smoothed_loss)}});
  return points;
}

Json range_test_json(const RangeTestResult& first) {
  return {{"stop_reason", to_string(first.stop_reason)}, {"steps_run", first.points.size()}, {"points", curve(first)}};
}

// range: the first repeat's curve, and with repeats asked for (even when a
// stop request left only one) every repeat's.
void add_range(const RangeOutcome& range, int repeats, Json& report) {
  report["range_test"] = range_test_json(range.repeats.front());
  if (repeats <= 1) return;
  Json all = Json::array();
  for (std::size_t r = 0; r < range.repeats.size(); ++r) {
    const RangeTestResult& rr = range.repeats[r];
    all.push_back({{"seed", range.seeds[r]},
                   {"stop_reason", to_string(rr.stop_reason)},
                   {"steps_run", rr.points.size()},
                   {"points", curve(rr)}});
  }
  report["range_test"]["repeats"] = all;
}

void add_auto(const AutoOutcome& a, Json& report) {
  const AutoSearch& s = a.search;
  report["range_test"] = range_test_json(s.range_tests.front());
  Json candidates = Json::array();
  for (std::size_t i = 0; i < s.candidates.size(); ++i) {
    const CvObjective::Score& c = s.candidates[i];
    Json candidate = {{"lr", number(c.lr)},
                      {"val_loss", number(c.val_loss)},
                      {"val_loss_by_repeat", numbers(c.val_loss_by_repeat)},
                      {"val_loss_by_run", numbers(c.run_losses)},
                      {"train_curve", numbers(c.train_curve)},
                      {"val_curve", numbers(c.val_curve)},
                      {"diverged", c.diverged},
                      {"stage", to_string(c.stage)},
                      {"stable", !c.unstable && !c.diverged}};
    if (i < a.verdict.assessments.size()) candidate["stable"] = a.verdict.assessments[i].stable;
    const bool assessed = i < a.verdict.assessments.size();
    candidate["excess_loss"] = assessed ? number(a.verdict.assessments[i].excess) : Json(nullptr);
    // A rate with no finite excess (it diverged) has no band either.
    const bool finite = assessed && std::isfinite(a.verdict.assessments[i].excess);
    candidate["band"] = finite ? number(a.verdict.assessments[i].band) : Json(nullptr);
    candidate["near_best"] = assessed && a.verdict.assessments[i].near_best;
    candidates.push_back(candidate);
  }
  report["auto"] = {{"folds", s.folds},
                    {"repeats", s.seeds.size()},
                    {"seeds", s.seeds},
                    {"bracket",
                     {{"low", number(s.bracket_low)}, {"high", number(s.bracket_high)}, {"range_stop_lrs", numbers(s.stop_lrs)}}},
                    {"widened", s.widenings},
                    {"untrained_val_loss", number(s.untrained_loss)},
                    {"repeat_best_lrs", numbers(a.verdict.repeat_best)},
                    {"candidates", candidates}};
}

void add_grid(const GridOutcome& g, bool validated, Json& report) {
  Json grid = Json::array();
  for (const GridRateResult& r : g.rates)
    grid.push_back({{"lr", number(r.lr)},
                    {"train_loss", numbers(r.train_loss)},
                    {"val_loss", validated ? numbers(r.val_loss) : Json(nullptr)},
                    {"diverged", r.diverged}});
  report["grid"] = grid;
  report["untrained_loss"] = {{"train_loss", number(g.untrained_train_loss)},
                              {"val_loss", optional_number(g.untrained_val_loss)}};
}

}  // namespace

Json make_report(const RunResult& result) {
  const Recommendation& rec = result.recommendation();
  Json report;
  report["schema_version"] = kSchemaVersion;
  report["tool"] = {{"name", "lr-find"}, {"version", LRFIND_VERSION}};
  report["recommended_lr"] = optional_number(rec.lr);
  report["recommendation"] = recommendation_json(result);
  report["method"] = result.config.method;
  report["interrupted"] = result.interrupted();
  report["dataset"] = dataset_section(result);
  report["model"] = {{"kind", result.config.training.model},
                     {"loss", result.loss_name},
                     {"l2", result.l2},
                     {"outputs", result.outputs}};
  Json optimizer;
  optimizer["name"] = result.config.training.optimizer;
  for (const auto& [name, value] : result.optimizer_hyperparameters) optimizer[name] = value;
  report["optimizer"] = optimizer;
  report["config"] = config_json(result);
  if (result.check) report["check"] = check_json(*result.check);
  report["theory"] = result.theory ? theory_json(*result.theory, rec.lr) : Json(nullptr);
  if (const auto* range = std::get_if<RangeOutcome>(&result.outcome.detail)) add_range(*range, result.repeats, report);
  if (const auto* a = std::get_if<AutoOutcome>(&result.outcome.detail)) add_auto(*a, report);
  if (const auto* g = std::get_if<GridOutcome>(&result.outcome.detail)) add_grid(*g, result.validation_rows > 0, report);
  return report;
}

// Text from the input (column names, labels) that is not UTF-8 is written with
// U+FFFD in place of each bad byte rather than failing the whole report.
std::string render_report(const Json& report) {
  return report.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace lrfind
