#include "cli/scale_out.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

#include "cli/options.hpp"
#include "cli/run_command.hpp"
#include "cli/typos.hpp"
#include "io/output.hpp"
#include "lrfind/error.hpp"
#include "lrfind/stop.hpp"
#include "pipeline/run.hpp"
#include "search/units.hpp"
#include "scale/plan.hpp"

namespace lrfind::cli {

namespace {

namespace fs = std::filesystem;
using scale::Json;

// Parses a small command's own options; returns the exit status when the
// parse ended it (--help: 0; an error: 64, printed), else nullopt.
std::optional<int> parse_command(CLI::App& app, const std::vector<std::string>& args) {
  std::vector<std::string> words(args.rbegin(), args.rend());  // CLI11 takes them last first
  try {
    app.parse(words);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    print_error(fmt::format("{} (see {} --help)", parse_error_message(app, e), app.get_name()));
    return kExitUsage;
  }
  return std::nullopt;
}

// Removes `name VALUE` and `name=VALUE` from args, returning the last value.
std::optional<std::string> take_option(std::vector<std::string>& args, const std::vector<std::string>& names,
                                       bool with_value = true) {
  std::optional<std::string> value;
  std::vector<std::string> kept;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    bool taken = false;
    for (const std::string& name : names) {
      if (a == name) {
        taken = true;
        if (with_value) {
          if (i + 1 >= args.size()) throw UsageError(fmt::format("{} needs a value", name));
          value = args[++i];
        } else {
          value = "";
        }
      } else if (with_value && name.starts_with("--") && a.starts_with(name + "=")) {
        taken = true;
        value = a.substr(name.size() + 1);
      } else if (with_value && !name.starts_with("--") && a.size() > name.size() && a.starts_with(name)) {
        taken = true;  // -oFILE
        value = a.substr(name.size());
      }
    }
    if (!taken) kept.push_back(a);
  }
  args = std::move(kept);
  return value;
}

// The run a plan describes, parsed as lr-find parses its options.
struct PlannedRun {
  CLI::App app{"lr-find", "lr-find"};
  Options options;
  RunConfig config;
};

// Parses `args` (a plan's, with any output options after them) into `run`;
// returns the exit status when the parse ended the command.
std::optional<int> parse_planned_run(PlannedRun& run, const std::vector<std::string>& args,
                                     const std::function<void(CLI::App&)>& extra = {}) {
  run.options.check = !args.empty() && args.front() == "check";
  const std::vector<std::string> rest(args.begin() + (run.options.check ? 1 : 0), args.end());
  if (const std::optional<int> status = parse_run_options(run.app, run.options, rest, extra)) return status;
  run.config = to_config(run.options);
  return std::nullopt;
}

// Where a shard or the merge reads the plan's data: --data, else the plan's
// copy beside it (standard input as the source), else where the plan read it.
// Checked against the plan's fingerprint: DataError (65) when it changed.
std::string planned_data(const scale::Plan& plan, const std::string& plan_path, const std::string& data_option) {
  std::string path = data_option;
  if (path.empty())
    path = plan.cached ? (fs::path(plan_path).parent_path() / plan.data_path).string() : plan.data_path;
  const scale::Fingerprint now = scale::fingerprint_file(path);
  if (!(now == plan.data))
    throw DataError(path, 0,
                    fmt::format("not the data of the plan ({} bytes, FNV-1a {}; the plan's: {} bytes, {}): the file "
                                "changed since the plan was made, or --data names another; make a new plan",
                                now.bytes, now.hash, plan.data.bytes, plan.data.hash));
  return path;
}

// The shard index: --index, else the job array's variable (Slurm, Kubernetes,
// AWS Batch, in that order). UsageError when none is set or it is not one of
// the plan's shards.
int shard_index(const std::optional<std::string>& option, int shards) {
  std::string name = "--index";
  std::optional<std::string> text = option;
  for (const char* variable : {"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"}) {
    if (text) break;
    if (const char* value = std::getenv(variable); value && *value) {
      text = value;
      name = variable;
    }
  }
  if (!text)
    throw UsageError("no shard index: give --index I, or run under a job array that sets SLURM_ARRAY_TASK_ID, "
                     "JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX");
  std::size_t used = 0;
  long index = -1;
  try {
    index = std::stol(*text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text->size())
    throw UsageError(fmt::format("{} {:?} is not a whole number", name, *text));
  if (index < 0 || index >= shards)
    throw UsageError(fmt::format("{} {} is not one of the plan's shards 0 to {} (a Slurm array: --array=0-{})", name,
                                 index, shards - 1, shards - 1));
  return static_cast<int>(index);
}

std::string write_json(const Json& j) { return j.dump(2) + "\n"; }

// Fills `plan`'s round from `round` (its units balanced over the shards) and
// writes it to `path`; returns what was written.
Json write_round(scale::Plan& plan, const UnitRound& round, const std::string& path) {
  plan.stage = round.stage;
  plan.units.clear();
  const std::vector<int> shard_of = scale::balance(round.costs, plan.shards);
  for (std::size_t i = 0; i < round.specs.size(); ++i)
    plan.units.push_back({i, shard_of[i], round.costs[i], round.specs[i]});
  Json j = scale::to_json(plan);
  write_output(path, write_json(j));
  return j;
}

// "12 units of cross-validation over 4 shards (1 of them with no unit)".
std::string describe_round(const scale::Plan& plan) {
  std::set<int> busy;
  for (const scale::PlannedUnit& u : plan.units) busy.insert(u.shard);
  const std::size_t idle = static_cast<std::size_t>(plan.shards) - busy.size();
  return fmt::format("{} unit{} of {} over {} shard{}{}", plan.units.size(), plan.units.size() == 1 ? "" : "s",
                     plan.stage, plan.shards, plan.shards == 1 ? "" : "s",
                     idle > 0 ? fmt::format(" ({} of them with no unit)", idle) : "");
}

// A copy of the input (standard input, a pipe, a process substitution)
// beside the plan, where shards and the merge can read it again; its path.
std::string copy_beside(scale::Plan& plan, const std::string& input, const std::string& plan_path) {
  std::string bytes;
  if (input == "-") {
    bytes.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(input, std::ios::binary);
    if (!in) throw InputError(fmt::format("{}: cannot open for reading", input));
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  plan.cached = true;
  plan.data_path = fs::path(plan_path).filename().string() + ".data";
  const std::string path = (fs::path(plan_path).parent_path() / plan.data_path).string();
  check_can_create(path, "the plan's copy of its input");
  write_output(path, bytes);
  return path;
}

int plan_command(const std::vector<std::string>& args) {
  std::vector<std::string> run_args = args;  // to keep: without plan's own options, output and quiet
  take_option(run_args, {"--shards"});
  take_option(run_args, {"-o", "--output"});
  take_option(run_args, {"-q", "--quiet"}, false);
  PlannedRun run;
  std::string shards_text;
  const auto declare_shards = [&shards_text](CLI::App& app) { declare_plan_shards(app, shards_text); };
  if (const std::optional<int> status = parse_planned_run(run, args, declare_shards)) return *status;
  const Options& o = run.options;
  if (!o.lr_from.empty()) {  // the rate as read now: every shard checks the same one, wherever it runs
    take_option(run_args, {"--lr-from"});
    take_option(run_args, {"--lr-key"});
    run_args.push_back("--lr");
    run_args.push_back(fmt::format("{}", run.config.check->lr));
  }
  if (run.app.get_option("--shards")->count() == 0)
    throw UsageError("lr-find plan needs --shards N, the number of shards to split the search into");
  int shards = 0;
  try {
    std::size_t used = 0;
    shards = std::stoi(shards_text, &used);
    if (used != shards_text.size()) shards = 0;
  } catch (const std::exception&) {
  }
  if (shards < 1 || shards > 100000)
    throw UsageError(fmt::format("--shards: {:?} is not a whole number from 1 to 100000", shards_text));
  for (const char* name : {"--format", "--plot", "--plot-scale", "--config"})
    if (run.app.get_option(name)->count() > 0)
      throw UsageError(std::string(name) == "--config"
                           ? "lr-find plan takes the run's options on its command line, not from --config"
                           : fmt::format("{} is an option of lr-find merge, which writes the report", name));
  const std::string& input = run.config.data.input;
  std::error_code not_regular;
  const bool copied = input == "-" || !fs::is_regular_file(input, not_regular);
  if (o.output == "-" && copied)
    throw UsageError(fmt::format("with {} as the data, lr-find plan needs -o FILE: the data is kept beside the plan",
                                 input == "-" ? "standard input" : input + " (not a regular file)"));
  check_can_create(o.output, fmt::format("-o {}", o.output));

  scale::Plan plan;
  plan.input = run.config.data.input;
  plan.args = run_args;
  plan.method = run.config.method;
  plan.shards = shards;
  std::string read_path = input;
  if (copied)
    read_path = copy_beside(plan, input, o.output);
  else
    plan.data_path = fs::absolute(input).lexically_normal().string();
  CommandContext command(o);
  WorkUnits units(WorkUnits::Role::kPlan);
  try {
    plan.data = scale::fingerprint_file(read_path);
    run_units(run.config, read_path, units, command.context());
    throw_if_stopped(command.context().stop, "before the plan was written");
  } catch (const UnitsDone&) {
    command.finish();
  } catch (...) {
    command.finish();
    std::error_code ignored;
    if (copied) fs::remove(read_path, ignored);  // "wrote nothing"
    throw;
  }
  if (command.signal() != 0) {
    std::error_code ignored;
    if (copied) fs::remove(read_path, ignored);
    throw_if_stopped(command.context().stop, "before the plan was written");
  }
  if (units.recorded().specs.empty()) throw UsageError("this run has no work to split");  // not reached
  plan.done = units.done();  // what the plan trained itself: auto's bracketing range tests
  const Json j = write_round(plan, units.recorded(), o.output);
  if (!o.quiet) {
    const std::string name = o.output == "-" ? "PLAN" : o.output;
    fmt::print(stderr, "lr-find: plan {}: round {}, {}; run lr-find shard {} --index I -o part-1-I.json for I = "
               "0..{}, then lr-find merge {} part-1-*.json -o REPORT --next-plan NEXT (docs/scale-out.md)\n",
               j.at("plan_id").get<std::string>(), plan.round, describe_round(plan), name, shards - 1, name);
  }
  return kExitOk;
}

int shard_command(const std::vector<std::string>& args) {
  CLI::App app{"Runs one shard of a plan and writes its part (docs/scale-out.md).", "lr-find shard"};
  ShardOptions so;
  declare_shard(app, so);
  const std::string& plan_path = so.plan;
  const std::string& output = so.output;
  if (const std::optional<int> status = parse_command(app, args)) return *status;
  const scale::Plan plan = scale::read_plan(plan_path);
  const int index = shard_index(so.index, plan.shards);
  check_can_create(output, fmt::format("-o {}", output));
  PlannedRun run;
  if (const std::optional<int> status = parse_planned_run(run, plan.args)) return *status;
  run.options.quiet = so.quiet;
  if (so.threads_option->count() > 0) run.config.threads = so.threads;
  const std::string path = planned_data(plan, plan_path, so.data);
  const std::vector<bool> mine = plan.units_of(index);
  scale::Part part;
  part.plan_id = plan.id;
  part.round = plan.round;
  part.shard = index;
  part.shards = plan.shards;
  if (std::count(mine.begin(), mine.end(), true) > 0) {
    CommandContext command(run.options);
    WorkUnits units(WorkUnits::Role::kShard, plan.done, plan.current(), mine);
    try {
      run_units(run.config, path, units, command.context());
    } catch (const UnitsDone&) {
      part.results = units.shard_results();
    } catch (...) {
      command.finish();
      throw;
    }
    command.finish();
  }
  part.complete = part.results.size() == static_cast<std::size_t>(std::count(mine.begin(), mine.end(), true));
  if (!part.complete) throw DataError(plan_path, 0, "the shard's run ended before its units were trained");
  write_output(output, write_json(scale::to_json(part)));
  if (!so.quiet)
    fmt::print(stderr, "lr-find: shard {} of {}, round {}: {} unit{} trained, written to {}\n", index, plan.shards,
               plan.round, part.results.size(), part.results.size() == 1 ? "" : "s",
               output == "-" ? "standard output" : output);
  return kExitOk;
}

// Every shard's part, once, complete and of this plan: DataError naming the
// part (or the shards missing) otherwise.
std::map<std::size_t, Json> gather_parts(const scale::Plan& plan, const std::string& plan_path,
                                         const std::vector<std::string>& paths) {
  std::map<int, std::string> seen;  // shard -> part's path
  std::map<std::size_t, Json> results;
  for (const std::string& path : paths) {
    scale::Part part = scale::read_part(path);
    if (part.plan_id != plan.id && part.round != plan.round)
      throw DataError(path, 0,
                      fmt::format("a part of round {} (plan_id {}), and this plan is round {} (plan_id {}): give "
                                  "the parts of this round's plan only",
                                  part.round, part.plan_id, plan.round, plan.id));
    if (part.plan_id != plan.id || part.shards != plan.shards)
      throw DataError(path, 0,
                      fmt::format("a part of another plan (plan_id {}, and this plan's is {}): give the parts of "
                                  "this plan only",
                                  part.plan_id, plan.id));
    if (part.shard < 0 || part.shard >= plan.shards)
      throw DataError(path, 0, fmt::format("shard {} is not one of the plan's 0 to {}", part.shard, plan.shards - 1));
    if (const auto it = seen.find(part.shard); it != seen.end())
      throw DataError(path, 0, fmt::format("shard {} again (also {}): give each shard's part once", part.shard, it->second));
    seen[part.shard] = path;
    if (!part.complete)
      throw DataError(path, 0, fmt::format("shard {} is incomplete: run it again", part.shard));
    const std::vector<bool> mine = plan.units_of(part.shard);
    if (!part.results.empty() && part.results.rbegin()->first >= mine.size())
      throw DataError(path, 0, fmt::format("unit {} is not one of the plan's {} units", part.results.rbegin()->first,
                                           mine.size()));
    for (std::size_t id = 0; id < mine.size(); ++id)
      if (mine[id] != (part.results.count(id) > 0))
        throw DataError(path, 0,
                        fmt::format("unit {} is {} this part, and the plan gives it to shard {}", id,
                                    mine[id] ? "missing from" : "in", plan.units[id].shard));
    for (auto& [id, result] : part.results) results.emplace(id, std::move(result));
  }
  std::vector<std::string> missing;
  for (int s = 0; s < plan.shards; ++s)
    if (!seen.count(s)) missing.push_back(std::to_string(s));
  if (!missing.empty())
    throw DataError(plan_path, 0,
                    fmt::format("no part for shard{} {} of the plan's {}: run lr-find shard with --index for "
                                "each, and give every part to merge",
                                missing.size() == 1 ? "" : "s", fmt::join(missing, ", "), plan.shards));
  return results;
}

int merge_command(const std::vector<std::string>& args) {
  CLI::App app{"Merges the shards' parts into the run's report (docs/scale-out.md).", "lr-find merge"};
  MergeOptions mo;
  declare_merge(app, mo);
  const std::string& plan_path = mo.plan;
  const std::vector<std::string>& parts = mo.parts;
  const std::string& next_plan = mo.next_plan;
  const std::vector<std::string>& output_args = mo.output_args;
  if (const std::optional<int> status = parse_command(app, args)) return *status;
  const scale::Plan plan = scale::read_plan(plan_path);
  std::map<std::size_t, Json> results = gather_parts(plan, plan_path, parts);
  std::vector<std::string> run_args = plan.args;
  run_args.insert(run_args.end(), output_args.begin(), output_args.end());
  PlannedRun run;
  if (const std::optional<int> status = parse_planned_run(run, run_args)) return *status;
  if (mo.threads_option->count() > 0) run.config.threads = mo.threads;
  const PlotFormatEntry* plot_format = plot_format_for(run.options);
  check_outputs(run.options);
  if (!next_plan.empty()) {
    for (const auto& [name, other] : {std::pair<const char*, std::string>{"-o", run.options.output},
                                      {"--plot", run.options.plot}, {"the plan", plan_path}})
      if (same_output_file(next_plan, other))
        throw UsageError(fmt::format("--next-plan {} and {} {} name the same file: give the next plan a path of its "
                                     "own",
                                     next_plan, name, other));
    check_can_create(next_plan, fmt::format("--next-plan {}", next_plan));
  }
  const std::string path = planned_data(plan, plan_path, mo.data);
  CommandContext command(run.options);
  WorkUnits units(WorkUnits::Role::kMerge, plan.done, plan.current(results));
  try {
    const int status = write_run(run.app, run.options, run.config, plot_format, command, [&](const RunContext& context) {
      RunResult result = run_units(run.config, path, units, context);
      if (!units.used_plan_round())
        throw DataError(plan_path, 0, "the search ended before the plan's round, whose parts it did not use: the "
                                      "plan does not match this run");
      return to_run(result);
    });
    // The report is written: no next plan may be left from an earlier run at
    // that path, where a driver would take it for this search's.
    std::error_code ignored;
    if (!next_plan.empty() && next_plan != "-") fs::remove(next_plan, ignored);
    return status;
  } catch (const UnitsDone&) {
    // The search needs another round: its plan instead of a report.
    scale::Plan next = plan;
    next.round = plan.round + 1;
    if (plan.cached)  // the copy stays beside the first plan: named from the next plan's folder
      next.data_path = fs::relative(fs::absolute(fs::path(plan_path).parent_path() / plan.data_path),
                                    fs::absolute(fs::path(next_plan).parent_path()))
                           .string();
    next.done = units.done();
    if (next_plan.empty())
      throw UsageError(fmt::format("the search needs round {} ({} units of {}) before its report: give --next-plan FILE "
                                   "for that round's plan",
                                   next.round, units.recorded().specs.size(), units.recorded().stage));
    const Json j = write_round(next, units.recorded(), next_plan);
    if (!run.options.quiet)
      fmt::print(stderr, "lr-find: merge: round {} done; the search needs round {}: {}; wrote its plan {} to {} "
                 "(no report yet: run its shards, then merge them)\n",
                 plan.round, next.round, describe_round(next), j.at("plan_id").get<std::string>(), next_plan);
    return kExitOk;
  }
}

}  // namespace

void declare_shard(CLI::App& app, ShardOptions& o) {
  app.add_option("plan", o.plan, "The plan (lr-find plan -o)")->required();
  app.add_option("--index", o.index,
                 "shard: the shard to run, from 0; else SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or "
                 "AWS_BATCH_JOB_ARRAY_INDEX")
      ->group(kScaleOutGroup);
  app.add_option("--data", o.data,
                 "shard and merge: the plan's data where this machine sees it (checked against the plan's hash)")
      ->group(kScaleOutGroup);
  o.threads_option = app.add_option("--threads", o.threads, "Threads for this shard (never changes a result)");
  app.add_option("-o,--output", o.output, "The part to write (- for standard output)");
  app.add_flag("-q,--quiet", o.quiet, "No progress bar, warnings or summary");
}

void declare_merge(CLI::App& app, MergeOptions& o) {
  app.add_option("plan", o.plan, "The plan (lr-find plan -o)")->required();
  app.add_option("parts", o.parts, "Every shard's part (lr-find shard -o), once each");
  app.add_option("--data", o.data, "The plan's data where this machine sees it (checked against the plan's hash)");
  o.threads_option = app.add_option("--threads", o.threads, "Threads (never changes a result)");
  app.add_option("--next-plan", o.next_plan,
                 "merge: where to write the next round's plan when the search needs one (then no report is "
                 "written)")
      ->group(kScaleOutGroup);
  // The run's output options, passed on to its parser.
  for (const char* name : {"-o,--output", "--format", "--plot", "--plot-scale"}) {
    app.add_option_function<std::string>(
        name,
        [&o, name](const std::string& value) {
          o.output_args.push_back(std::string(name).starts_with("-o") ? "--output" : name);
          o.output_args.push_back(value);
        },
        "As for a run (lr-find --help)");
  }
  app.add_flag_function("-q,--quiet", [&o](std::int64_t) { o.output_args.push_back("--quiet"); },
                        "No progress bar, warnings or summary");
}

void declare_plan_shards(CLI::App& app, std::string& shards) {
  app.add_option("--shards", shards, "plan: the number of shards to split the search into (1 to 100000)")
      ->group(kScaleOutGroup);
}

std::optional<int> scale_out_command(const std::vector<std::string>& args) {
  if (args.empty()) return std::nullopt;
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args.front() == "plan") return plan_command(rest);
  if (args.front() == "shard") return shard_command(rest);
  if (args.front() == "merge") return merge_command(rest);
  return std::nullopt;
}

}  // namespace lrfind::cli
