#include "report/formats.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "report/csv.hpp"
#include "report/rasterize.hpp"
#include "report/report.hpp"
#include "report/svg.hpp"
#include "report/table.hpp"

namespace lrfind {

namespace {

std::string render_png(const nlohmann::ordered_json& report, plot::LossScale scale) {
  return svg_to_png(render_svg(report, scale));
}

std::string render_pdf(const nlohmann::ordered_json& report, plot::LossScale scale) {
  return svg_to_pdf(render_svg(report, scale));
}

}  // namespace

Registry<FormatEntry> builtin_formats() {
  Registry<FormatEntry> formats("output format", "--format");
  formats.add({"json", "", render_report});
  formats.add({"csv", "one row per rate and step or epoch", render_csv});
  formats.add({"table", "", render_table});
  return formats;
}

Registry<PlotFormatEntry> builtin_plot_formats() {
  Registry<PlotFormatEntry> formats("plot format", "--plot");
  formats.add({"svg", "a vector drawing for web pages", render_svg});
  formats.add({"png", "a picture for chats and issue trackers", render_png});
  formats.add({"pdf", "a page for documents, its text kept as text", render_pdf});
  return formats;
}

Registry<LossScaleEntry> builtin_loss_scales() {
  Registry<LossScaleEntry> scales("loss scale", "--plot-scale");
  scales.add({"auto", "log when the losses shown span more than two decades", plot::LossScale::kAuto});
  scales.add({"linear", "", plot::LossScale::kLinear});
  scales.add({"log", "", plot::LossScale::kLog});
  return scales;
}

const PlotFormatEntry& plot_format_of(const Registry<PlotFormatEntry>& formats, std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  const std::string_view file = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const std::size_t dot = file.find_last_of('.');
  std::string extension(dot == std::string_view::npos || dot == 0 ? std::string_view() : file.substr(dot + 1));
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  if (const PlotFormatEntry* format = extension.empty() ? nullptr : formats.find(extension)) return *format;
  std::vector<std::string> extensions;
  for (const PlotFormatEntry& f : formats) extensions.push_back("." + f.name);
  throw UsageError(fmt::format("{} {}: lr-find draws {} plots", formats.option(), path, choice_list(extensions)));
}

}  // namespace lrfind
