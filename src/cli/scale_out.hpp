// lr-find plan, shard and merge: a search split into shards that a job-array
// engine runs (Slurm, Kubernetes Indexed Jobs, AWS Batch, GNU parallel), then
// merged into the report one machine would have written (docs/scale-out.md).
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace lrfind::cli {

// Their own options (plan also takes every option of a run), declared here
// for the commands and for the man page and completions (docgen.cpp).
inline constexpr const char* kScaleOutGroup = "Scale-out: lr-find plan, shard and merge (docs/scale-out.md)";

struct ShardOptions {
  std::string plan;
  std::optional<std::string> index;
  std::string data;
  std::string output = "-";
  unsigned threads = 0;
  CLI::Option* threads_option = nullptr;
  bool quiet = false;
};
void declare_shard(CLI::App& app, ShardOptions& options);

struct MergeOptions {
  std::string plan;
  std::vector<std::string> parts;
  std::string data;
  std::string next_plan;
  unsigned threads = 0;
  CLI::Option* threads_option = nullptr;
  std::vector<std::string> output_args;  // the run's output options as given, for its parser
};
void declare_merge(CLI::App& app, MergeOptions& options);

// plan's --shards, as text (checked by plan).
void declare_plan_shards(CLI::App& app, std::string& shards);

// Runs `args` (the words after the program's name) when they start with
// plan, shard or merge, returning the exit status; nullopt otherwise. Throws
// lrfind::Error as a run does.
std::optional<int> scale_out_command(const std::vector<std::string>& args);

}  // namespace lrfind::cli
