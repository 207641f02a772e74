// The pipeline behind lrfind::run (include/lrfind/run.hpp), for tests and
// tools that want the whole result rather than its report: settings checked
// against the registries, data read or given, one method run, check judged.
#pragma once

#include <string>
#include <string_view>

#include "load/dataset.hpp"
#include "lrfind/run.hpp"
#include "pipeline/registries.hpp"
#include "pipeline/result.hpp"
#include "search/units.hpp"

namespace lrfind {

// Throws UsageError naming the first invalid setting.
void validate(const RunConfig& config, const Registries& registries = builtin_registries());

// The settings after defaults are resolved.
double effective_l2(const RunConfig& config, const Registries& registries = builtin_registries());
double effective_validation(const RunConfig& config, const Registries& registries = builtin_registries());
int effective_repeats(const RunConfig& config, const Registries& registries = builtin_registries());
// The same for a data set of `rows` rows (auto runs fewer on large data).
int effective_repeats(const RunConfig& config, Index rows, const Registries& registries = builtin_registries());
inline double effective_min_lr(const RunConfig& config) { return config.min_lr.value_or(kDefaultMinLr); }
inline double effective_max_lr(const RunConfig& config) { return config.max_lr.value_or(kDefaultMaxLr); }

// Runs on a data set already read (its features are standardised in place).
RunResult run_on_dataset(const RunConfig& config, Dataset dataset, const std::string& source,
                         const RunContext& context = {}, const Registries& registries = builtin_registries());

// Reads config.data.input and runs.
RunResult run_result(const RunConfig& config, const RunContext& context = {},
                     const Registries& registries = builtin_registries());

// The same on bytes in memory, `source` naming them in messages.
RunResult run_on_bytes(const RunConfig& config, std::string_view bytes, const std::string& source,
                       const RunContext& context = {}, const Registries& registries = builtin_registries());

// lr-find plan, shard and merge (search/units.hpp): reads `path` (the data
// the plan fingerprinted) where config.data.input, which the report and the
// messages name, may be elsewhere or standard input, and runs the method's
// stage as `units` says. Throws UnitsDone once a plan's or shard's work is done.
RunResult run_units(const RunConfig& config, const std::string& path, WorkUnits& units, const RunContext& context = {},
                    const Registries& registries = builtin_registries());

// The library's answer (include/lrfind/run.hpp) from the whole result.
Run to_run(const RunResult& result);

// One line for a person: the recommendation and how it was reached.
std::string summary_line(const RunResult& result);

}  // namespace lrfind
