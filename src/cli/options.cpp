#include "cli/options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "cli/config_file.hpp"
#include "io/encoding.hpp"
#include "io/input.hpp"
#include "load/dataset.hpp"
#include "load/loader.hpp"
#include "load/number.hpp"
#include "pipeline/method.hpp"
#include "lrfind/error.hpp"
#include "report/formats.hpp"
#include "search/sweep.hpp"
#include "train/model_kind.hpp"
#include "train/optimizer.hpp"
#include "train/schedule.hpp"

namespace lrfind::cli {

namespace {

constexpr const char* kExamples = R"(
Examples:
  lr-find data.csv --model logistic
  lr-find check data.csv --model logistic --lr 0.05
  lr-find check data.csv --model logistic --lr-from config.json --lr-key train.lr
  lr-find data.csv --model linear --optimizer adam --batch-size 64
  lr-find data.csv --model svm --method grid --epochs 3 --rates 0.001,0.01,0.1
  lr-find - --model logistic --target label --drop id,name < data.csv
  lr-find data.csv --model logistic --quiet | jq .recommended_lr

A search split over a job array (Slurm, Kubernetes, GNU parallel; see
docs/scale-out.md), merged into the report one machine would write:
  lr-find plan data.csv --model logistic --method grid --shards 8 -o plan.json
  lr-find shard plan.json --index I -o part-I.json     (I = 0..7; or from SLURM_ARRAY_TASK_ID)
  lr-find merge plan.json part-*.json -o result.json

Exit status: 0 success (check: the rate is inside the interval), 1 check: the
rate is outside it, 3 no usable rate (JSON still written), 64 bad usage,
65 bad data, 66 input missing or unreadable, 73 output cannot be created,
130/143 stopped by SIGINT (Ctrl-C)/SIGTERM (the curves finished so far are
written, with "interrupted": true).
)";

}  // namespace

const std::vector<std::pair<std::string, std::vector<std::string>>>& option_choices() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> choices{
      {"--model", builtin_model_kinds().names()},
      {"--optimizer", builtin_optimizers().names()},
      {"--method", builtin_methods().names()},
      {"--sweep", sweep_names()},
      {"--schedule", builtin_schedules().names()},
      {"--format", builtin_formats().names()},
      {"--encoding", {io::kEncodingNames.begin(), io::kEncodingNames.end()}},
      {"--scaling", {std::begin(kScalingNames), std::end(kScalingNames)}},
      {"--input-format", {kInputFormatNames.begin(), kInputFormatNames.end()}},
      {"--plot-scale", builtin_loss_scales().names()},
  };
  return choices;
}

const char* examples_text() { return kExamples; }

namespace {

char parse_delimiter(const std::string& text) {
  if (text == "\\t" || text == "tab" || text == "\t") return '\t';
  if (text.size() != 1) throw UsageError(fmt::format("--delimiter must be one character (or \\t), not '{}'", text));
  if (text == "\"" || text == "\n" || text == "\r") throw UsageError("--delimiter cannot be a quote or a line break");
  return text[0];
}

// "json, csv (one row per rate and step or epoch) or table": the formats, each
// with its help.
std::string format_list() {
  std::vector<std::string> formats;
  for (const FormatEntry& f : builtin_formats())
    formats.push_back(f.help.empty() ? f.name : fmt::format("{} ({})", f.name, f.help));
  return choice_list(formats);
}

}  // namespace

namespace {

// The method help lists each method with what it does: "auto (...), range (...) or grid (...)".
std::string method_help() {
  std::vector<std::string> helps;
  for (const MethodEntry& m : builtin_methods()) helps.push_back(m.help);
  return choice_list(helps);
}

void declare_main(CLI::App& app, Options& o) {
  RunConfig& r = o.run;
  app.add_option("file", r.data.input,
                 "CSV file with a header row, or svmlight/libsvm file; - reads standard input")
      ->required();
  app.add_option("-m,--model", o.model, "Model kind: " + choice_list(builtin_model_kinds().names()))->required();
  app.add_option("--optimizer", r.training.optimizer,
                 choice_list(builtin_optimizers().names()) + " (torch.optim defaults)");
  app.add_option("--method", r.method, method_help());
  o.repeats_option = app.add_option("--repeats", o.repeats,
                                    "Runs with seeds seed, seed+1, ...: median and spread [default: 3 for auto and "
                                    "range (auto: 1 above 20000 rows), 1 for grid]")
                         ->default_str("");
}

void declare_data(CLI::App& app, Options& o) {
  RunConfig& r = o.run;
  auto* data = "Data";
  app.add_option("--target", r.data.target, "Target column, by header name or 1-based index [default: last column]")
      ->group(data);
  app.add_option("--drop", r.data.drop, "Columns to ignore, by name or 1-based index, comma-separated")
      ->delimiter(',')
      ->default_str("")
      ->group(data);
  o.delimiter_option = app.add_option("--delimiter", o.delimiter,
                                      "Field delimiter, one character (\\t for tab) [default: detected from the "
                                      "header and first rows: , ; tab or |]")
                           ->default_str("")
                           ->group(data);
  app.add_option("--encoding", r.data.encoding,
                 "Text encoding: utf-8 (a byte that is not UTF-8 is an error), latin1 or cp1252 [default: UTF-8, or "
                 "cp1252 with a warning when the text is not UTF-8]")
      ->default_str("")
      ->group(data);
  app.add_option("--scaling", r.data.scaling,
                 "How features are scaled: zscore (centre, divide by the standard deviation), scale (divide only: "
                 "zeros stay zero) or none [default: zscore; scale for sparse (svmlight) input]")
      ->default_str("")
      ->group(data);
  app.add_flag("--no-standardize", o.no_standardize, "Use features as they are (the same as --scaling none)")
      ->group(data);
  app.add_option("--na-values", r.data.na_values,
                 "More cell texts meaning missing, comma-separated (besides empty, NA, N/A, NaN, nan, null, ?)")
      ->delimiter(',')
      ->default_str("")
      ->group(data);
  app.add_option("--max-categories", r.data.max_categories,
                 "Most distinct values a text column may have before it is an error")
      ->group(data);
  app.add_flag("--allow-many-classes", r.data.allow_many_classes,
               "Let logistic or svm take an all-numeric target with more than 20 distinct values in more than 10% "
               "of the rows (without it, an error: such a target is usually one for --model linear)")
      ->group(data);
  o.sample_option = app.add_option("--sample", o.sample,
                                   "Read a uniform random sample of N rows (reservoir sampling with --seed) in one "
                                   "pass, for files larger than memory [default: every row]")
                        ->default_str("")
                        ->group(data);
  app.add_option("--input-format", r.data.input_format,
                 "csv or svmlight (also spelt libsvm) [default: svmlight for .svm, .svmlight and .libsvm files (also "
                 ".gz) and for text whose first lines read 'label index:value ...', else csv]")
      ->check([](const std::string& text) {
        return input_format_named(text) ? std::string()
                                        : fmt::format("must be csv or svmlight (also spelt libsvm), not '{}'", text);
      })
      ->default_str("")
      ->group(data);
  o.zero_based_option = app.add_flag("--zero-based", o.zero_based,
                                     "svmlight: feature indices count from 0 [default: from 0 when any index is 0, "
                                     "else from 1]")
                            ->group(data);
  app.add_option("--features", r.data.features,
                 "svmlight: the number of features, when the data's largest index is less; 0 means the largest index "
                 "in the data [default: 0]")
      ->default_str("")
      ->group(data);
  app.add_flag("--float32", r.data.float32,
               "Hold the features as 32-bit floats: half the memory; arithmetic stays in double precision")
      ->group(data);
  app.add_option("--threads", r.threads,
                 "Threads that parse the input, train the grid's groups of rates and run auto's cross-validation; 0 "
                 "for every core (results never depend on it)")
      ->group(data);
}

void declare_training(CLI::App& app, Options& o) {
  RunConfig& r = o.run;
  auto* training = "Training";
  o.l2_option =
      app.add_option("--l2", o.l2, "L2 strength λ: adds (λ/2)·||W||² to the loss [default: 1e-4 for svm, 0 otherwise]")
          ->default_str("")
          ->group(training);
  app.add_option("--batch-size", r.training.batch_size, "Rows per mini-batch; 0 for the whole training set")
      ->group(training);
  app.add_option("--seed", r.seed, "Seed for shuffling and splitting")
      ->check([](const std::string& text) {
        return !text.empty() && text[0] == '-' ? std::string("must be 0 or a positive whole number") : std::string();
      })
      ->group(training);
  o.min_lr_option = app.add_option("--min-lr", o.min_lr,
                                   "Smallest learning rate of the sweep or grid; given, auto never recommends below it")
                        ->group(training);
  o.max_lr_option = app.add_option("--max-lr", o.max_lr,
                                   "Largest learning rate of the sweep or grid; given, auto never recommends above it")
                        ->group(training);

  auto* range = "Range test (--method range, and auto's bracketing)";
  app.add_option("--steps", r.range.steps, "Number of steps (one batch each)")->group(range);
  app.add_option("--sweep", r.range.sweep, "Rate spacing: " + choice_list(sweep_names()))->group(range);
  app.add_option("--smoothing", r.range.smoothing, "β of the bias-corrected moving average of the loss")
      ->group(range);
  app.add_option("--stop-factor", r.range.stop_factor, "Stop when the smoothed loss exceeds this times its minimum")
      ->group(range);
}

void declare_budget(CLI::App& app, Options& o) {
  RunConfig& r = o.run;
  auto* grid = "Training budget and grid (--method auto and grid)";
  app.add_option("--epochs", r.training.epochs, "Epochs of training per rate")->group(grid);
  app.add_option("--schedule", r.training.schedule,
                 "Learning-rate schedule while training: " + choice_list(builtin_schedules().names()))
      ->group(grid);
  app.add_option("--power-t", r.training.power_t,
                 "invscaling: the exponent of lr/(t+1)^power_t (scikit-learn's power_t; SGDClassifier's default is "
                 "0.5)")
      ->default_val(TrainingSettings{}.power_t)
      ->group(grid);
  app.add_option("--folds", r.folds, "auto: cross-validation folds; 0 chooses 5, or a hold-out above 20000 rows")
      ->group(grid);
  app.add_option("--rates", r.grid.rates,
                 "grid: rates to try, comma-separated [default: --grid-points rates log-spaced between --min-lr and "
                 "--max-lr]")
      ->delimiter(',')
      ->default_str("")
      ->group(grid);
  app.add_option("--grid-points", r.grid.points, "grid: number of log-spaced rates when --rates is not given")
      ->group(grid);
  o.validation_option = app.add_option("--validation", o.validation,
                                       "Fraction of rows held out for validation (grid, and auto without folds); 0 "
                                       "disables [default: 0.2]")
                            ->default_str("")
                            ->group(grid);
}

void declare_check(CLI::App& app, Options& o) {
  auto* check = "Check (lr-find check)";
  o.lr_option = app.add_option("--lr", o.check_lr, "The configured rate to check")->default_str("")->group(check);
  app.add_option("--lr-from", o.lr_from, "Read the rate to check from this JSON file (with --lr-key)")
      ->group(check)
      ->excludes(o.lr_option);
  app.add_option("--lr-key", o.lr_key, "Dotted path of the rate in the --lr-from file, e.g. train.lr")->group(check);
  app.add_option("--tolerance", o.tolerance,
                 "Multiply the near-best band by this factor: the rate passes with an excess loss up to F x band "
                 "(before 1.1: widened the interval by F)")
      ->group(check);
}

void declare_output(CLI::App& app, Options& o) {
  auto* output = "Output";
  app.add_option("-o,--output", o.output,
                 "Write the JSON here instead of standard output (written whole or not at all)")
      ->group(output);
  std::vector<std::string> plot_formats;  // ".svg (help)": the plot formats, chosen by the file's extension
  for (const PlotFormatEntry& f : builtin_plot_formats()) plot_formats.push_back(fmt::format(".{} ({})", f.name, f.help));
  app.add_option("--plot", o.plot,
                 "Also draw loss against learning rate: a " + choice_list(plot_formats) +
                     " file, by its extension, or - for a text plot on standard error")
      ->group(output);
  std::vector<std::string> scales;  // "auto (help), linear or log"
  for (const LossScaleEntry& e : builtin_loss_scales())
    scales.push_back(e.help.empty() ? e.name : fmt::format("{} ({})", e.name, e.help));
  o.plot_scale_option =
      app.add_option("--plot-scale", o.plot_scale, "Loss axis of the --plot file: " + choice_list(scales))
          ->check([](const std::string& text) {
            const Registry<LossScaleEntry> all = builtin_loss_scales();
            if (all.find(text) != nullptr) return std::string();
            const std::string near = nearest_name(text, all.names());
            return fmt::format("must be {}, not '{}'{}", choice_list(all.names()), text,
                               near.empty() ? "" : fmt::format("; did you mean '{}'?", near));
          })
          ->group(output);
  app.add_option("--format", o.format, "Output format: " + format_list())
      ->group(output);
  app.add_flag("-q,--quiet", o.quiet, "No summary or warnings on standard error")->group(output);
}

}  // namespace

void declare(CLI::App& app, Options& o) {
  app.description(
      "lr-find: find a good learning rate for a linear, logistic or SVM model on a CSV file and write the loss "
      "curves and a recommended rate as JSON. By default (--method auto) an LR range test brackets the useful "
      "range, then candidate rates are trained for your budget and scored by cross-validated loss.");
  app.footer(kExamples);
  app.set_version_flag("--version", std::string("lr-find ") + LRFIND_VERSION);
  app.option_defaults()->always_capture_default();
  app.config_formatter(std::make_shared<TomlOrJsonConfig>());
  app.set_config("--config", "", "Read options from a TOML or JSON file (command-line options win)");
  app.allow_config_extras(CLI::config_extras_mode::error);
  declare_main(app, o);
  declare_data(app, o);
  declare_training(app, o);
  declare_budget(app, o);
  if (o.check) declare_check(app, o);
  declare_output(app, o);
}

std::vector<std::string> ignored_options(const CLI::App& app, const Options& o) {
  std::vector<std::string> ignored;
  const Registry<MethodEntry> methods = builtin_methods();
  const MethodEntry* method = methods.find(o.run.method);
  if (method == nullptr) return ignored;  // to_config names the choices
  const std::vector<std::string>& used = method->used_by_check;
  for (const std::string& name : method->unused_options) {
    if (o.check && std::find(used.begin(), used.end(), name) != used.end()) continue;
    if (app.get_option(name)->count() > 0) ignored.push_back(name);
  }
  return ignored;
}

double read_rate_from_json(const std::string& path, const std::string& key) {
  const std::string text = io::read_text(path);
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw DataError(path, 0, fmt::format("not valid JSON (byte {})", e.byte));
  }
  const nlohmann::json* node = &document;
  std::size_t start = 0;
  while (start <= key.size()) {
    const std::size_t dot = std::min(key.find('.', start), key.size());
    const std::string part = key.substr(start, dot - start);
    if (!node->is_object() || !node->contains(part))
      throw DataError(path, 0, fmt::format("no key '{}' (looking for --lr-key {})", part, key));
    node = &node->at(part);
    start = dot + 1;
  }
  double value = 0.0;
  if (node->is_number())
    value = node->get<double>();
  else if (!node->is_string() || !parse_number(node->get<std::string>(), value))
    throw DataError(path, 0, fmt::format("'{}' is not a number: {}", key, node->dump()));
  if (!std::isfinite(value) || value <= 0.0) throw DataError(path, 0, fmt::format("'{}' is not a positive rate: {}", key, node->dump()));
  return value;
}

RunConfig to_config(const Options& o) {
  RunConfig config = o.run;
  builtin_formats().at(o.format);  // names the choices, and the nearest
  if (const std::vector<std::string>& sweeps = sweep_names();
      std::find(sweeps.begin(), sweeps.end(), o.run.range.sweep) == sweeps.end()) {
    std::string message = fmt::format("unknown sweep '{}'", o.run.range.sweep);
    if (const std::string near = nearest_name(o.run.range.sweep, sweeps); !near.empty())
      message += fmt::format("; did you mean '{}'?", near);
    throw UsageError(fmt::format("{} (choose {})", message, choice_list(sweeps)));
  }
  if (o.check) {
    CheckSettings check;
    if (o.lr_option->count() > 0) {
      check.lr = o.check_lr;
    } else if (!o.lr_from.empty()) {
      if (o.lr_key.empty()) throw UsageError("--lr-from needs --lr-key, the dotted path of the rate (e.g. train.lr)");
      check.lr = read_rate_from_json(o.lr_from, o.lr_key);
    } else {
      throw UsageError("lr-find check needs the rate to check: --lr RATE, or --lr-from FILE --lr-key KEY");
    }
    check.tolerance = o.tolerance;
    config.check = check;
  }
  config.training.model = o.model;
  if (o.repeats_given()) config.repeats = o.repeats;
  if (o.delimiter_option->count() > 0) config.data.delimiter = parse_delimiter(o.delimiter);
  config.data.standardize = !o.no_standardize;
  if (o.l2_option->count() > 0) config.training.l2 = o.l2;
  if (o.validation_option->count() > 0) config.validation = o.validation;
  if (o.sample_option->count() > 0) config.data.sample = o.sample;
  if (o.zero_based_option->count() > 0) config.data.zero_based = o.zero_based;
  if (o.min_lr_option->count() > 0) config.min_lr = o.min_lr;
  if (o.max_lr_option->count() > 0) config.max_lr = o.max_lr;
  return config;
}

}  // namespace lrfind::cli
