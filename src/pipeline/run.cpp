#include "pipeline/run.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "io/encoding.hpp"
#include "io/sniff.hpp"
#include "load/from_memory.hpp"
#include "load/loader.hpp"
#include "load/splits.hpp"
#include "report/report.hpp"
#include "search/cost.hpp"
#include "search/cv_objective.hpp"
#include "common/ratio.hpp"

namespace lrfind {

namespace {

LoadOptions load_options(const RunConfig& config, const Registries& registries) {
  LoadOptions options;
  const DataSettings& d = config.data;
  options.delimiter = d.delimiter;
  options.encoding = io::encoding_named(d.encoding).value_or(io::Encoding::kDetect);  // validate() checked it
  options.columns.target = d.target;
  options.columns.drop = d.drop;
  options.columns.na_values = d.na_values;
  options.columns.max_categories = d.max_categories;
  options.columns.precision = d.float32 ? Precision::kFloat32 : Precision::kFloat64;
  options.kind = registries.models.at(config.training.model).target;
  options.threads = config.threads;
  options.sample = d.sample;
  options.seed = config.seed;
  options.format = input_format_named(d.input_format).value_or(InputFormat::kAuto);  // validate() checked it
  options.zero_based = d.zero_based;
  options.features = d.features;
  return options;
}

// --scaling as given, else none for --no-standardize, else the input's default.
Scaling effective_scaling(const DataSettings& d, const Features& X) {
  if (!d.scaling.empty()) return *parse_scaling(d.scaling);  // checked by validate
  if (!d.standardize) return Scaling::kNone;
  return X.sparse() ? Scaling::kScale : Scaling::kZscore;
}

// `features`: the columns of the input (the model may train on fewer: Features::drop_empty_columns).
DatasetSummary summarize(const Dataset& data, const std::string& source, Index features) {
  DatasetSummary s;
  s.source = source;
  s.rows = data.rows();
  s.rows_read = data.rows_read;
  s.rows_sampled = data.rows_sampled;
  s.sampled = data.sampled;
  s.rows_dropped = data.rows_dropped;
  s.features = features;
  if (data.features.sparse()) s.nonzeros = data.features.nonzeros();
  s.feature_names = data.feature_names;
  s.categorical_columns = data.categorical_columns;
  s.target_name = data.target_name;
  s.classes = data.classes;
  s.float32 = data.features.precision() == Precision::kFloat32;
  s.delimiter = data.delimiter;
  s.encoding = data.encoding;
  s.format = data.format;
  s.zero_based = data.zero_based;
  return s;
}

// Sparse features train at the cost of their non-zeros only with a lazy
// optimizer (train/optimizer.hpp: sgd; adagrad and sparse_adam without L2);
// otherwise every step updates every weight, which on wide data is most of
// the time.
void warn_about_dense_steps(const Dataset& data, Index input_features, const RunConfig& config,
                            const RunResult& result, const OptimizerEntry& optimizer, const MessageSink& warn) {
  constexpr Index kWide = 10'000;
  if (!warn || !data.features.sparse() || data.features.cols() < kWide) return;
  const auto made = optimizer.make();
  // The grids train at one rate each; the range tests' rate grows at every step.
  const bool constant_rate = config.training.schedule == "constant" && config.method != "range";
  if (made->lazy(result.l2, constant_rate)) return;
  warn(fmt::format("each step updates all {} features{} for every rate ({}); for steps that cost the batch's non-zeros "
                   "use --optimizer sgd (any --l2), adagrad, rmsprop or sparse_adam with --l2 0, or momentum or "
                   "nesterov with --l2 0 and a constant rate (README: Sparse input)",
                   data.features.cols(),
                   data.features.cols() < input_features ? fmt::format(" in use (of {})", input_features) : "",
                   made->lazy(0.0, constant_rate)
                       ? fmt::format("{} with --l2 {} moves every weight", optimizer.name, result.l2)
                       : fmt::format("{} moves weights the batch does not touch{}", optimizer.name,
                                     made->lazy(0.0, true) ? " when the rate changes" : "")));
}

// auto scores rates by folds up to kMaxRowsForFolds rows (or with --folds K)
// and on a hold-out of --validation above: given to a fold search, it does nothing.
void warn_about_unused_validation(const Dataset& data, const RunConfig& config, const MessageSink& warn) {
  if (!warn || config.method != "auto" || !config.validation) return;
  const int folds = config.folds > 0 ? config.folds : default_folds(data.rows());
  if (folds < 2) return;
  warn(fmt::format("--validation has no effect: auto scores rates by {}-fold cross-validation{} (it holds out "
                   "--validation of the rows above {} rows, without --folds)",
                   folds, config.folds > 0 ? " (--folds)" : fmt::format(" on {} rows", data.rows()),
                   kMaxRowsForFolds));
}

void warn_about_rows(const Dataset& data, const RunConfig& config, const MessageSink& warn) {
  if (!warn) return;
  if (data.sampled)
    warn(fmt::format("sampled {} of {} rows (--sample, seed {})", data.rows_sampled, data.rows_read, config.seed));
  if (data.rows_dropped > 0)
    warn(fmt::format("dropped {} of {} rows with a missing value in a used column", data.rows_dropped,
                     data.rows_sampled));
}

// Where the curvature bounds are tight (a quadratic loss, plain gradient
// steps), a rate above them is on the edge of divergence.
void warn_about_theory(const RunResult& result, const ModelKindEntry& kind, const OptimizerEntry& optimizer,
                       Recommendation& rec) {
  if (!rec.lr || !result.theory || !kind.quadratic || !optimizer.plain_gradient) return;
  const Theory& t = *result.theory;
  const double minibatch_divergence = 4.0 * t.minibatch_lr_bound;  // 2/L(b)
  if (*rec.lr > t.max_stable_lr_full_batch)
    rec.warnings.push_back(fmt::format("the recommended rate {:.3g} is {}x the full-batch stability bound 2/L = "
                                       "{:.3g}, above which gradient descent on this loss diverges",
                                       *rec.lr, ratio_text(*rec.lr / t.max_stable_lr_full_batch), t.max_stable_lr_full_batch));
  else if (*rec.lr > minibatch_divergence)
    rec.warnings.push_back(fmt::format("the recommended rate {:.3g} is {}x the mini-batch bound 2/L(b) = {:.3g} "
                                       "for batches of {}: some batches may make it diverge",
                                       *rec.lr, ratio_text(*rec.lr / minibatch_divergence), minibatch_divergence, t.batch_size));
}

// How the text was read, when it was not said: a delimiter other than the
// comma, or an encoding other than UTF-8, found by looking at it.
void warn_about_text(const Dataset& data, const std::string& source, const MessageSink& warn) {
  if (!warn) return;
  if (data.delimiter_detected && data.delimiter != ',')
    warn(fmt::format("{}: delimiter {} detected from the header and first rows (--delimiter sets another)", source,
                     io::delimiter_name(data.delimiter)));
  if (data.not_utf8_line > 0)
    warn(fmt::format("{}: not UTF-8 text (line {}): read as {} ({})", source, data.not_utf8_line, data.encoding,
                     data.format == "svmlight" ? "svmlight input has no --encoding: save the file as UTF-8 if that "
                                                 "is wrong"
                                               : "--encoding sets utf-8, latin1 or cp1252"));
}

// lr-find check's verdict from what the method measured.
CheckResult judge(const RunResult& result, const RunConfig& config, const Band& band) {
  CheckInputs in;
  in.band = band;
  in.lr = config.check->lr;
  in.tolerance = config.check->tolerance;
  if (const std::optional<CheckMeasure>& m = result.outcome.check) {
    in.checked = &m->score;
    in.untrained_by_run = m->untrained_by_run;
    in.reference = m->reference;
  }
  return check_rate(result.recommendation(), in);
}

}  // namespace

namespace {

RunResult run_prepared(const RunConfig& config, Dataset data, const std::string& source, const RunContext& context,
                       const Registries& registries, WorkUnits* units) {
  validate(config, registries);
  const MethodEntry& method = registries.methods.at(config.method);
  const ModelKindEntry& kind = registries.models.at(config.training.model);
  const OptimizerEntry& optimizer = registries.optimizers.at(config.training.optimizer);
  RunResult result;
  result.config = config;
  result.l2 = effective_l2(config, registries);
  result.repeats = effective_repeats(config, data.rows(), registries);
  result.validation = effective_validation(config, registries);
  // Sparse columns no row uses (most of a hashed feature space, say) are
  // left out of training: their weights would stay zero whatever the rate.
  const Index input_features = data.features.cols();
  data.features.drop_empty_columns();
  warn_about_text(data, source, context.warn);
  warn_about_rows(data, config, context.warn);
  warn_about_unused_validation(data, config, context.warn);
  warn_about_dense_steps(data, input_features, config, result, optimizer, context.warn);
  if (kind.target == TargetKind::kClassification && !config.data.allow_many_classes)
    check_classifier_target(data, source);
  // Progress: preparing the data, then the method, by their estimated times
  // (search/cost.hpp); the outputs are the model's (one per class above two).
  const std::size_t outputs = data.classes.size() > 2 ? data.classes.size() : 1;
  const RunCost cost = run_cost(config, 0.0, data.rows(), static_cast<std::size_t>(data.features.cols()), outputs,
                                config.threads);
  ProgressPlan progress(Progress(context.progress), cost.preparing + cost.method);
  const Progress preparing = progress.next(cost.preparing, "preparing the data");
  preparing.report(0.0);

  // One generator for the split; each training run gets its own seeded stream.
  Rng rng(config.seed);
  const Split split = validation_split(data.rows(), method.holds_out_validation ? result.validation : 0.0, rng, source,
                                       data.groups);
  result.train_rows = split.train.size();
  result.validation_rows = split.validation.size();
  // Auto cross-validates over every row, so it standardises on all of them.
  const Scaling scaling = effective_scaling(config.data, data.features);
  result.scaling = scaling_name(scaling);
  scale_features(data.features, split.train, scaling);
  const Model model = make_model(kind, data.features.cols(), data.classes.size(), result.l2);
  result.outputs = model.outputs();
  result.loss_name = model.loss_name();
  result.optimizer_hyperparameters = optimizer.make()->hyperparameters();
  result.theory = estimate_theory(kind.curvature(data.classes.size()), result.l2, data.features, split.train,
                                  config.training.batch_size);
  result.dataset = summarize(data, source, input_features);
  preparing.report(1.0);

  const ScheduleEntry& schedule = registries.schedules.at(config.training.schedule);
  const Problem problem{data.features, data.targets, split.train,       split.validation, model, optimizer,
                        schedule,      registries.rules, config,      result.repeats, rng,
                        near_best_band(kind.quadratic), data.groups};
  const Progress method_part = progress.next(cost.method);
  result.outcome = method.run(problem, Hooks{context.stop, method_part, units});
  if (!result.outcome.interrupted) method_part.report(1.0, "done");  // a range test may stop short of its estimate
  if (result.outcome.split_rows) std::tie(result.train_rows, result.validation_rows) = *result.outcome.split_rows;
  Recommendation& rec = result.outcome.recommendation;
  if (rec.lr && result.outcome.steps_per_epoch > 0)
    rec.schedule =
        TrainingSchedule(schedule, result.outcome.steps_per_epoch * config.training.epochs,
                         ScheduleOptions{config.training.power_t})
            .parameters(*rec.lr);
  warn_about_theory(result, kind, optimizer, rec);
  if (context.warn)
    for (const std::string& w : rec.warnings) context.warn(w);
  if (config.check) result.check = judge(result, config, problem.band);
  return result;
}

}  // namespace

RunResult run_on_dataset(const RunConfig& config, Dataset data, const std::string& source,
                         const RunContext& context, const Registries& registries) {
  return run_prepared(config, std::move(data), source, context, registries, nullptr);
}

RunResult run_on_bytes(const RunConfig& config, std::string_view bytes, const std::string& source,
                       const RunContext& context, const Registries& registries) {
  validate(config, registries);
  return run_on_dataset(config, load_dataset_from_bytes(bytes, source, load_options(config, registries)), source,
                        context, registries);
}

namespace {

// Reads `path` and runs; config.data.input names the data.
RunResult read_and_run(const RunConfig& config, const std::string& path, const RunContext& context,
                       const Registries& registries, WorkUnits* units) {
  validate(config, registries);
  const std::string source = config.data.input == "-" ? "<stdin>" : config.data.input;
  LoadOptions options = load_options(config, registries);
  options.stop = &context.stop;
  if (!context.progress)
    return run_prepared(config, load_dataset(path, options), source, context, registries, units);
  // Progress: reading, then the rest, by their estimated times (search/cost.hpp);
  // the data's shape is guessed from the file's size (none for standard input).
  std::error_code no_size;
  const std::uintmax_t bytes = path == "-" ? 0 : std::filesystem::file_size(path, no_size);
  const RunCost guess = run_cost_before_reading(config, no_size ? 0.0 : static_cast<double>(bytes), config.threads);
  ProgressPlan progress(Progress(context.progress), guess.reading + guess.preparing + guess.method);
  const Progress reading = progress.next(guess.reading, "reading");
  reading.report(0.0);
  options.progress = [reading](double fraction, std::string_view stage) { reading.report(fraction, stage); };
  Dataset data = load_dataset(path, options);
  RunContext rest = context;
  rest.progress = [after = progress.next(progress.remaining())](double fraction, std::string_view stage) {
    after.report(fraction, stage);
  };
  return run_prepared(config, std::move(data), source, rest, registries, units);
}

}  // namespace

RunResult run_result(const RunConfig& config, const RunContext& context, const Registries& registries) {
  return read_and_run(config, config.data.input, context, registries, nullptr);
}

RunResult run_units(const RunConfig& config, const std::string& path, WorkUnits& units, const RunContext& context,
                    const Registries& registries) {
  return read_and_run(config, path, context, registries, &units);
}

Run to_run(const RunResult& result) {
  Run run;
  run.report = make_report(result);
  run.recommended_lr = result.recommendation().lr;
  run.interrupted = result.interrupted();
  if (result.check) {
    run.check_passed = result.check->passed();
    run.check_message = result.check->message;
  }
  run.summary = summary_line(result);
  return run;
}

Run run(const RunConfig& config, const RunContext& context) { return to_run(run_result(config, context)); }

Run run(const RunConfig& config, InMemoryData data, const RunContext& context) {
  validate(config);
  const std::string source = data.name;
  const TargetKind kind = builtin_registries().models.at(config.training.model).target;
  return to_run(run_on_dataset(config, dataset_from_memory(std::move(data), kind, config.data.float32), source,
                               context));
}

}  // namespace lrfind
