// The output formats that --format chooses from: each renders the JSON report
// (make_report's document) as the text lr-find writes. Adding a format is one
// renderer in its own file and one line in builtin_formats(); the option's
// help, its check, the man page and the shell completions read the names and
// help texts from here. The same for the plot files that --plot writes, chosen
// by the file's extension, and for the loss axes that --plot-scale chooses.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/registry.hpp"
#include "report/plot_data.hpp"

namespace lrfind {

struct FormatEntry {
  std::string name;
  // What --help says of the format after its name, in parentheses; empty when
  // the name says it all.
  std::string help;
  // A pure function of the report; never throws on a missing or mistyped
  // field (see report/json_read.hpp).
  std::string (*render)(const nlohmann::ordered_json& report);
};

// json, csv and table, in the order --help lists them.
Registry<FormatEntry> builtin_formats();

struct PlotFormatEntry {
  std::string name;  // the file extension, without the dot, in lower case
  std::string help;
  // A pure function of the report: the file's bytes. Throws OutputError when
  // the drawing cannot be converted.
  std::string (*render)(const nlohmann::ordered_json& report, plot::LossScale scale);
};

// svg, png and pdf: one drawing (report/svg.cpp), converted by librsvg.
Registry<PlotFormatEntry> builtin_plot_formats();

// The format of a plot file by its extension, in any case ("out.PNG" is png).
// Throws UsageError for any other extension, before anything is drawn:
// "--plot out.jpg: lr-find draws .svg, .png or .pdf plots".
const PlotFormatEntry& plot_format_of(const Registry<PlotFormatEntry>& formats, std::string_view path);

struct LossScaleEntry {
  std::string name;
  std::string help;
  plot::LossScale scale;
};

// auto (the default), linear and log: what --plot-scale accepts.
Registry<LossScaleEntry> builtin_loss_scales();

}  // namespace lrfind
