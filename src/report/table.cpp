#include "report/table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "report/json_read.hpp"
#include "report/theory_view.hpp"

namespace lrfind {

namespace {

using Json = nlohmann::ordered_json;
using namespace json_read;

std::string rate_text(const Json& value) {
  return value.is_number() ? fmt::format("{:.4g}", value.get<double>()) : std::string("-");
}

std::string loss_text(const Json& value) {
  return value.is_number() ? fmt::format("{:.6g}", value.get<double>()) : std::string("-");
}

std::string count_text(const Json& value) { return value.is_number() ? value.dump() : std::string("-"); }

// A parameter to copy into PyTorch: whole numbers (step counts) in full, others
// with 4 significant digits.
std::string parameter_text(const Json& value) {
  if (!value.is_number()) return "-";
  const double v = value.get<double>();
  if (std::abs(v) < 1e15 && v == std::trunc(v)) return fmt::format("{:.0f}", v);
  return fmt::format("{:.4g}", v);
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += separator;
    out += parts[i];
  }
  return out;
}

// "name value, name value" over an object's numeric members, leaving out `skip`.
std::string parameters_text(const Json& object, std::string_view skip, std::string_view between) {
  std::vector<std::string> parts;
  if (object.is_object())
    for (const auto& [name, value] : object.items())
      if (name != skip) parts.push_back(fmt::format("{}{}{}", name, between, parameter_text(value)));
  return join(parts, ", ");
}

using Lines = std::vector<std::pair<std::string, std::string>>;

std::string render_lines(const Lines& lines) {
  std::size_t width = 0;
  for (const auto& [label, value] : lines) width = std::max(width, label.size());
  std::string out;
  for (const auto& [label, value] : lines) out += fmt::format("{:<{}}  {}\n", label, width, value);
  return out;
}

void recommendation_lines(const Json& report, Lines& lines) {
  const Json& rec = field(report, "recommendation");
  const Json& lr = field(rec, "lr");
  if (lr.is_number())
    lines.emplace_back("recommended lr", fmt::format("{} by {}", rate_text(lr), printable(field(rec, "rule"))));
  else
    lines.emplace_back("recommended lr",
                       fmt::format("none ({}): {}", printable(field(rec, "rule")), printable(field(rec, "reason"))));
  const Json& interval = field(rec, "interval");
  if (length(interval) == 2)
    lines.emplace_back("interval", fmt::format("[{}, {}]", rate_text(interval[0]), rate_text(interval[1])));
  const Json& confidence = field(rec, "confidence");
  if (confidence.is_string()) {
    const std::string reason = printable(field(rec, "confidence_reason"));
    lines.emplace_back("confidence",
                       reason.empty() ? printable(confidence) : fmt::format("{} ({})", printable(confidence), reason));
  }
  const Json& schedule = field(rec, "schedule");
  if (schedule.is_object())
    lines.emplace_back(
        "schedule", fmt::format("{} ({})", printable(field(schedule, "name")), parameters_text(schedule, "name", "=")));
  const Json& check = field(report, "check");
  if (check.is_object())
    lines.emplace_back("check",
                       fmt::format("{}: {}", printable(field(check, "verdict")), printable(field(check, "message"))));
  const Json& suggestions = field(rec, "suggestions");
  if (suggestions.is_object() && !suggestions.empty()) {
    std::vector<std::string> parts;
    for (const auto& [rule, value] : suggestions.items()) parts.push_back(fmt::format("{} {}", rule, rate_text(value)));
    lines.emplace_back("suggestions", join(parts, ", "));
  }
}

void dataset_lines(const Json& report, Lines& lines) {
  const Json& data = field(report, "dataset");
  std::string rows = fmt::format("{}: {} rows", printable(field(data, "path")), count_text(field(data, "rows")));
  const Json& dropped = field(data, "rows_dropped");
  const Json& sample = field(data, "sample");
  if (sample.is_object())
    rows += fmt::format(" (a sample of {} of {} rows)", count_text(field(sample, "rows")),
                        count_text(field(data, "rows_read")));
  if (dropped.is_number() && dropped.get<double>() > 0)
    rows += fmt::format(" ({} of {} dropped for missing values)", count_text(dropped),
                        count_text(field(data, "rows_read")));
  rows += fmt::format(", {} features", count_text(field(data, "features")));
  if (const Json& nonzeros = field(data, "nonzeros"); nonzeros.is_number())
    rows += fmt::format(" (sparse: {} non-zeros)", count_text(nonzeros));
  std::vector<std::string> categorical;
  for (const Json& c : field(data, "categorical_columns")) categorical.push_back(printable(c));
  if (!categorical.empty()) rows += fmt::format(" (one-hot: {})", join(categorical, ", "));
  if (const Json& scaling = field(data, "scaling"); scaling == "none")
    rows += ", not standardised";
  else if (scaling == "scale")
    rows += ", scaled without centring";
  lines.emplace_back("data", rows);

  const Json& classes = field(data, "classes");
  std::string target = printable(field(data, "target"));
  if (classes.is_array()) {
    constexpr std::size_t kShown = 6;
    std::vector<std::string> names;
    for (std::size_t i = 0; i < std::min(kShown, classes.size()); ++i) names.push_back(printable(classes[i]));
    if (classes.size() > kShown) names.push_back("...");
    target += fmt::format(", {} classes: {}", classes.size(), join(names, ", "));
  } else {
    target += ", regression";
  }
  lines.emplace_back("target", target);

  const Json& automatic = field(report, "auto");
  if (automatic.is_object()) {
    const Json& folds = field(automatic, "folds");
    const std::string split =
        folds.is_number() && folds.get<double>() >= 2
            ? fmt::format("{}-fold cross-validation", count_text(folds))
            : fmt::format("hold-out of {}", loss_text(field(field(report, "config"), "validation")));
    lines.emplace_back("split", fmt::format("{} x {} repeats", split, count_text(field(automatic, "repeats"))));
  } else {
    lines.emplace_back("split", fmt::format("{} train, {} validation rows", count_text(field(data, "train_rows")),
                                            count_text(field(data, "validation_rows"))));
  }
}

void training_lines(const Json& report, Lines& lines) {
  const Json& model = field(report, "model");
  const Json& outputs = field(model, "outputs");
  lines.emplace_back("model", fmt::format("{} ({}), l2 {}, {} output{}", printable(field(model, "kind")),
                                          printable(field(model, "loss")), loss_text(field(model, "l2")),
                                          count_text(outputs), outputs == 1 ? "" : "s"));
  const Json& optimizer = field(report, "optimizer");
  const std::string hyper = parameters_text(optimizer, "name", " ");
  const Json& config = field(report, "config");
  lines.emplace_back("optimizer", fmt::format("{}{}, batch size {}", printable(field(optimizer, "name")),
                                              hyper.empty() ? std::string() : fmt::format(" ({})", hyper),
                                              count_text(field(config, "batch_size"))));

  const std::string method = printable(field(report, "method"));
  const Json& automatic = field(report, "auto");
  const Json& range = field(report, "range_test");
  if (automatic.is_object()) {
    const Json& bracket = field(automatic, "bracket");
    lines.emplace_back(
        "method", fmt::format("auto: {} rates x {} epochs in bracket [{}, {}]", length(field(automatic, "candidates")),
                              count_text(field(config, "epochs")), rate_text(field(bracket, "low")),
                              rate_text(field(bracket, "high"))));
    std::vector<std::string> widened;
    for (const Json& w : field(automatic, "widened")) widened.push_back(printable(w));
    if (!widened.empty()) lines.emplace_back("widened", join(widened, "; "));
    lines.emplace_back("untrained loss",
                       fmt::format("{} (validation)", loss_text(field(automatic, "untrained_val_loss"))));
  } else if (range.is_object()) {
    const std::size_t repeats = length(field(range, "repeats"));
    lines.emplace_back("method", fmt::format("range: {} of {} steps, {}{}", count_text(field(range, "steps_run")),
                                             count_text(field(config, "steps")), printable(field(range, "stop_reason")),
                                             repeats > 1 ? fmt::format(", {} repeats", repeats) : std::string()));
  } else {
    const Json& grid = field(report, "grid");
    std::size_t diverged = 0;
    for (const Json& g : grid) diverged += field(g, "diverged") == true ? 1 : 0;
    lines.emplace_back("method", fmt::format("{}: {} rates x {} epochs, {} diverged", method, length(grid),
                                             count_text(field(config, "epochs")), diverged));
    const Json& untrained = field(report, "untrained_loss");
    if (untrained.is_object())
      lines.emplace_back("untrained loss",
                         fmt::format("{} (train), {} (validation)", loss_text(field(untrained, "train_loss")),
                                     loss_text(field(untrained, "val_loss"))));
  }

  // The bounds are about plain SGD (report/theory_view.hpp); for logistic,
  // 2/L is the worst case, not a limit.
  const Json& theory = field(report, "theory");
  const BoundsView view = bounds_view(report);
  if (theory.is_object() && view != BoundsView::kHidden) {
    lines.emplace_back("sgd bounds", fmt::format("{} full batch (2/L{}), {} at batch {} (1/(2L(b)))",
                                                rate_text(field(theory, "max_stable_lr_full_batch")),
                                                view == BoundsView::kWorstCase ? ", worst case" : "",
                                                rate_text(field(theory, "minibatch_lr_bound")),
                                                count_text(field(theory, "batch_size"))));
    const Json& full = field(theory, "recommended_over_full_batch_bound");
    const Json& mini = field(theory, "recommended_over_minibatch_bound");
    if (full.is_number() || mini.is_number())
      lines.emplace_back("lr / bound",
                         fmt::format("{} (full batch), {} (mini-batch)", rate_text(full), rate_text(mini)));
  }
}

// A table whose every line has the same width: each cell is padded to its
// column's width, numbers to the right.
struct Column {
  std::string title;
  bool right_aligned;
};

std::string render_columns(const std::vector<Column>& columns, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const Column& c : columns) widths.push_back(c.title.size());
  for (const auto& row : rows)
    for (std::size_t i = 0; i < columns.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) out += "  ";
      out += columns[i].right_aligned ? fmt::format("{:>{}}", cells[i], widths[i])
                                      : fmt::format("{:<{}}", cells[i], widths[i]);
    }
    return out + "\n";
  };
  std::vector<std::string> titles;
  std::vector<std::string> rules;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    titles.push_back(columns[i].title);
    rules.emplace_back(widths[i], columns[i].title.empty() ? ' ' : '-');
  }
  std::string out = line(titles) + line(rules);
  for (const auto& row : rows) out += line(row);
  return out;
}

std::string mark(const Json& lr, const Json& recommended) {
  return lr.is_number() && recommended.is_number() && lr.get<double>() == recommended.get<double>() ? "*" : " ";
}

std::string yes_no(const Json& flag) { return flag == true ? "yes" : "no"; }

std::string candidates_table(const Json& automatic, const Json& recommended) {
  std::vector<std::vector<std::string>> rows;
  for (const Json& c : field(automatic, "candidates")) {
    const Json& train = field(c, "train_curve");
    rows.push_back({mark(field(c, "lr"), recommended), rate_text(field(c, "lr")), printable(field(c, "stage")),
                    loss_text(last_element(train)), loss_text(field(c, "val_loss")), yes_no(field(c, "diverged"))});
  }
  return fmt::format(
      "candidates, by rate (final losses, means over folds and repeats):\n{}",
      render_columns(
          {{"", false}, {"lr", true}, {"stage", false}, {"train loss", true}, {"val loss", true}, {"diverged", true}},
          rows));
}

std::string grid_table(const Json& grid, const Json& recommended) {
  std::vector<std::vector<std::string>> rows;
  for (const Json& g : grid)
    rows.push_back({mark(field(g, "lr"), recommended), rate_text(field(g, "lr")),
                    loss_text(last_element(field(g, "train_loss"))), loss_text(last_element(field(g, "val_loss"))),
                    yes_no(field(g, "diverged"))});
  return fmt::format(
      "grid rates (final losses):\n{}",
      render_columns({{"", false}, {"lr", true}, {"train loss", true}, {"val loss", true}, {"diverged", true}}, rows));
}

// About kSampled points spread evenly over the curve, plus the point nearest
// the recommended rate (marked) and the point of lowest smoothed loss.
std::string range_table(const Json& range, const Json& recommended) {
  constexpr std::size_t kSampled = 15;
  const Json& points = field(range, "points");
  const std::size_t n = length(points);
  std::set<std::size_t> chosen;
  if (n > 0) {
    const std::size_t k = std::min(n, kSampled);
    for (std::size_t i = 0; i < k; ++i) chosen.insert(k == 1 ? 0 : (i * (n - 1) + (k - 1) / 2) / (k - 1));
  }
  std::optional<std::size_t> nearest;
  std::optional<std::size_t> lowest;
  double nearest_distance = 0.0;
  double lowest_loss = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const Json& lr = field(points[i], "lr");
    if (recommended.is_number() && lr.is_number() && lr.get<double>() > 0 && recommended.get<double>() > 0) {
      const double distance = std::abs(std::log(lr.get<double>() / recommended.get<double>()));
      if (!nearest || distance < nearest_distance) {
        nearest = i;
        nearest_distance = distance;
      }
    }
    const Json& smoothed = field(points[i], "smoothed_loss");
    if (smoothed.is_number() && (!lowest || smoothed.get<double>() < lowest_loss)) {
      lowest = i;
      lowest_loss = smoothed.get<double>();
    }
  }
  if (nearest) chosen.insert(*nearest);
  if (lowest) chosen.insert(*lowest);
  std::vector<std::vector<std::string>> rows;
  for (const std::size_t i : chosen) {
    const Json& p = points[i];
    rows.push_back({nearest == i ? "*" : " ", count_text(field(p, "step")), rate_text(field(p, "lr")),
                    loss_text(field(p, "loss")), loss_text(field(p, "smoothed_loss"))});
  }
  return fmt::format(
      "range test, {} of {} points (first repeat; * nearest the recommended rate):\n{}", rows.size(), n,
      render_columns({{"", false}, {"step", true}, {"lr", true}, {"loss", true}, {"smoothed", true}}, rows));
}

}  // namespace

std::string render_table(const Json& report) {
  Lines lines;
  recommendation_lines(report, lines);
  dataset_lines(report, lines);
  training_lines(report, lines);
  std::string out = render_lines(lines);

  const Json& recommended = field(report, "recommended_lr");
  const Json& automatic = field(report, "auto");
  const Json& grid = field(report, "grid");
  const Json& range = field(report, "range_test");
  // Appended in two steps: GCC 12 warns falsely on "\n" + std::string
  // (-Wrestrict, GCC bug 105329).
  if (automatic.is_object() || grid.is_array() || range.is_object()) out += '\n';
  if (automatic.is_object())
    out += candidates_table(automatic, recommended);
  else if (grid.is_array())
    out += grid_table(grid, recommended);
  else if (range.is_object())
    out += range_table(range, recommended);
  return out;
}

}  // namespace lrfind
