// lr-find-docgen: writes the man page and the bash and zsh completions from the
// same option declarations the CLI parses with, so they cannot drift apart.
// Usage: lr-find-docgen man|bash|zsh|registries
// (registries: every extension point's names as JSON, which a test compares
// with the JSON Schema's enums)
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/options.hpp"
#include "cli/scale_out.hpp"
#include "pipeline/registries.hpp"
#include "recommend/check.hpp"
#include "search/range.hpp"
#include "search/sweep.hpp"

namespace {

using lrfind::cli::Options;

// roff: escape backslashes and minus signs, and protect a leading dot or quote.
std::string roff(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

const std::vector<std::string>* choices_of(const CLI::Option* option) {
  for (const auto& [name, values] : lrfind::cli::option_choices())
    for (const std::string& l : option->get_lnames())
      if ("--" + l == name) return &values;
  return nullptr;
}

std::string names_of(const CLI::Option* o) {
  std::string names;
  for (const std::string& s : o->get_snames()) names += (names.empty() ? "-" : ", -") + s;
  for (const std::string& l : o->get_lnames()) names += (names.empty() ? "--" : ", --") + l;
  return names;
}

bool takes_value(const CLI::Option* o) { return o->get_items_expected_max() > 0; }

// Every option of the main command, of `check`, and of plan, shard and
// merge (their own), in declaration order.
struct Declared {
  CLI::App app{"lr-find"};
  CLI::App check_app{"lr-find check"};
  CLI::App plan_app{"lr-find plan"};
  CLI::App shard_app{"lr-find shard"};
  CLI::App merge_app{"lr-find merge"};
  Options options;
  Options check_options;
  std::string shards;
  lrfind::cli::ShardOptions shard_options;
  lrfind::cli::MergeOptions merge_options;
  Declared() {
    lrfind::cli::declare(app, options);
    check_options.check = true;
    lrfind::cli::declare(check_app, check_options);
    lrfind::cli::declare_plan_shards(plan_app, shards);
    lrfind::cli::declare_shard(shard_app, shard_options);
    lrfind::cli::declare_merge(merge_app, merge_options);
  }
  std::vector<const CLI::Option*> all() const {
    const auto named = [](const CLI::Option* o) { return o->nonpositional(); };
    std::vector<const CLI::Option*> out = app.get_options(named);
    for (const CLI::Option* o : check_app.get_options(named))
      if (o->get_group().rfind("Check", 0) == 0) out.push_back(o);
    for (const CLI::App* scale : {&plan_app, &shard_app, &merge_app})
      for (const CLI::Option* o : scale->get_options(named))
        if (o->get_group() == lrfind::cli::kScaleOutGroup) out.push_back(o);
    return out;
  }
};

void man(const Declared& d) {
  std::cout << ".TH LR-FIND 1 \"\" \"lr-find " << LRFIND_VERSION << "\" \"User Commands\"\n"
            << ".SH NAME\nlr\\-find \\- find a good learning rate for linear, logistic and SVM models\n"
            << ".SH SYNOPSIS\n.B lr\\-find\n.I FILE\n\\-\\-model\n.I KIND\n[\\fIoptions\\fR]\n.br\n"
            << ".B lr\\-find check\n.I FILE\n\\-\\-model\n.I KIND\n\\-\\-lr\n.I RATE\n[\\fIoptions\\fR]\n"
            << ".br\n.B lr\\-find plan\n.I FILE\n\\-\\-model\n.I KIND\n\\-\\-shards\n.I N\n"
            << "\\-o\n.I PLAN\n[\\fIoptions\\fR]\n.br\n"
            << ".B lr\\-find shard\n.I PLAN\n[\\-\\-index\n.IR I ]\n[\\-\\-data\n.IR PATH ]\n\\-o\n.I PART\n.br\n"
            << ".B lr\\-find merge\n.I PLAN\n.IR PART ...\n[\\-\\-next\\-plan\n.IR NEXT ]\n[\\fIoutput options\\fR]\n"
            << ".SH DESCRIPTION\n" << roff(d.app.get_description()) << "\n"
            << ".PP\nFILE is a CSV file with a header row (gzip-compressed or not), or \\- for standard input. "
            << "The JSON report goes to standard output or \\-o FILE; a summary line goes to standard error.\n";
  std::string group;
  for (const CLI::Option* o : d.all()) {
    const std::string g = o->get_group().empty() ? "Options" : o->get_group();
    if (g != group) {
      group = g;
      std::cout << ".SH " << roff(group == "Options" ? "OPTIONS" : group) << "\n";
    }
    std::cout << ".TP\n.B " << roff(names_of(o));
    if (takes_value(o)) std::cout << " \\fI" << roff(o->get_type_name().empty() ? "FILE" : o->get_type_name()) << "\\fR";
    std::string description = o->get_description();
    if (!description.empty() && description.back() != '.' && description.back() != ']' && description.back() != ')')
      description += '.';
    std::cout << "\n" << roff(description);
    if (const auto* choices = choices_of(o)) {
      std::string list;
      bool all_named = true;
      for (const std::string& c : *choices) {
        list += (list.empty() ? "" : ", ") + c;
        all_named = all_named && description.find(c) != std::string::npos;
      }
      if (!all_named) std::cout << " One of: " << roff(list) << ".";
    }
    if (!o->get_default_str().empty() && takes_value(o))
      std::cout << " Default: " << roff(o->get_default_str()) << ".";
    std::cout << "\n";
  }
  std::cout << ".SH EXAMPLES AND EXIT STATUS\n.nf\n" << roff(lrfind::cli::examples_text()) << "\n.fi\n"
            << ".SH SEE ALSO\nThe README of the lr\\-find repository documents every JSON field.\n";
}

void bash(const Declared& d) {
  std::string words;
  std::string cases;
  for (const CLI::Option* o : d.all()) {
    for (const std::string& l : o->get_lnames()) words += " --" + l;
    for (const std::string& s : o->get_snames()) words += " -" + s;
    if (const auto* choices = choices_of(o)) {
      std::string list;
      for (const std::string& c : *choices) list += (list.empty() ? "" : " ") + c;
      std::string pattern;
      for (const std::string& l : o->get_lnames()) pattern += (pattern.empty() ? "--" : "|--") + l;
      for (const std::string& s : o->get_snames()) pattern += "|-" + s;
      cases += fmt::format("    {}) COMPREPLY=($(compgen -W \"{}\" -- \"$cur\")); return ;;\n", pattern, list);
    }
  }
  std::cout << "# bash completion for lr-find (generated by lr-find-docgen)\n"
            << "_lr_find() {\n"
            << "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
            << "  case \"$prev\" in\n" << cases
            << "    -o|--output|--config|--lr-from|--data|--next-plan) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
            << "  esac\n"
            << "  if [[ \"$cur\" == -* ]]; then\n"
            << "    COMPREPLY=($(compgen -W \"" << words.substr(1) << "\" -- \"$cur\"))\n"
            << "  elif [[ $COMP_CWORD -eq 1 ]]; then\n"
            << "    COMPREPLY=($(compgen -W \"check plan shard merge\" -- \"$cur\") $(compgen -f -- \"$cur\"))\n"
            << "  else\n"
            << "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
            << "  fi\n"
            << "}\n"
            << "complete -o filenames -F _lr_find lr-find\n";
}

std::string zsh_quote(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '\'') out += "'\\''";
    else if (c == '[' || c == ']' || c == ':') out += std::string("\\") + c;
    else out += c;
  }
  return out;
}

void zsh(const Declared& d) {
  std::cout << "#compdef lr-find\n# zsh completion for lr-find (generated by lr-find-docgen)\n"
            << "_arguments -s \\\n";
  for (const CLI::Option* o : d.all()) {
    std::vector<std::string> names;
    for (const std::string& s : o->get_snames()) names.push_back("-" + s);
    for (const std::string& l : o->get_lnames()) names.push_back("--" + l);
    std::string action;
    if (takes_value(o)) {
      if (const auto* choices = choices_of(o)) {
        std::string list;
        for (const std::string& c : *choices) list += (list.empty() ? "" : " ") + c;
        action = ":value:(" + list + ")";
      } else if (names.back() == "--output" || names.back() == "--config" || names.back() == "--lr-from" ||
                 names.back() == "--data" || names.back() == "--next-plan") {
        action = ":file:_files";
      } else {
        action = ":value: ";
      }
    }
    const std::string description = zsh_quote(o->get_description().substr(0, o->get_description().find(" [")));
    for (const std::string& n : names)
      std::cout << "  '" << n << "[" << description << "]" << action << "' \\\n";
  }
  std::cout << "  '1:command or data file:_alternative \"commands:command:(check plan shard merge)\" \"files:file:_files\"' \\\n"
            << "  '*:file:_files'\n";
}

void registries() {
  const lrfind::Registries& r = lrfind::builtin_registries();
  nlohmann::ordered_json out;
  out["model"] = r.models.names();
  out["optimizer"] = r.optimizers.names();
  out["schedule"] = r.schedules.names();
  out["rule"] = r.rules.names();
  out["method"] = r.methods.names();
  out["sweep"] = lrfind::sweep_names();
  // Every loss a model kind can have: regression, two classes and more.
  std::vector<std::string> losses;
  for (const lrfind::ModelKindEntry& kind : r.models)
    for (const std::size_t classes : {std::size_t{0}, std::size_t{2}, std::size_t{3}}) {
      if ((kind.target == lrfind::TargetKind::kRegression) != (classes == 0)) continue;
      const std::string name(kind.loss(classes)->torch_name());
      if (std::find(losses.begin(), losses.end(), name) == losses.end()) losses.push_back(name);
    }
  out["loss"] = losses;
  std::vector<std::string> verdicts;
  for (const auto v : {lrfind::Verdict::kPass, lrfind::Verdict::kTooLow, lrfind::Verdict::kTooHigh,
                       lrfind::Verdict::kUnstable, lrfind::Verdict::kNoRecommendation})
    verdicts.emplace_back(lrfind::to_string(v));
  out["verdict"] = verdicts;
  std::vector<std::string> reasons;
  for (const auto s : {lrfind::StopReason::kCompleted, lrfind::StopReason::kLossDiverged,
                       lrfind::StopReason::kNonFiniteLoss, lrfind::StopReason::kInterrupted})
    reasons.emplace_back(lrfind::to_string(s));
  out["stop_reason"] = reasons;
  std::cout << out.dump(2) << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  const std::string what = argc > 1 ? argv[1] : "";
  const Declared declared;
  if (what == "man") {
    man(declared);
  } else if (what == "bash") {
    bash(declared);
  } else if (what == "zsh") {
    zsh(declared);
  } else if (what == "registries") {
    registries();
  } else {
    std::cerr << "usage: lr-find-docgen man|bash|zsh|registries\n";
    return 64;
  }
  return 0;
}
