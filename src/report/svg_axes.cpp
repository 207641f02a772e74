#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "report/svg_draw.hpp"

namespace lrfind::plot {

namespace {

double nice_step(double span, int target) {
  const double raw = span / target;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  const double m = raw / p;
  return (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : m < 7.5 ? 5.0 : 10.0) * p;
}

std::string loss_tick(double v, double step) {
  if (std::abs(v) < step * 1e-6) v = 0.0;
  if (std::max(std::abs(v), step) >= 1e6 || step < 1e-4) return fmt::format("{:.3g}", v);
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  return fmt::format("{:.{}f}", v, decimals);
}

std::string decade_label(int k) {
  if (k >= -3 && k <= 3) return fmt::format("{:g}", std::pow(10.0, k));
  return fmt::format("1e{}", k);
}

// m × 10^k as a tick label: "0.002", "50", "1e-5", "2e4".
std::string log_tick_label(int m, int k) {
  if (k >= -3 && k <= 3) return fmt::format("{:g}", m * std::pow(10.0, k));
  return fmt::format("{}e{}", m, k);
}

struct LogTick {
  double loss;
  int m;  // the multiple of the decade: 1 for the decade itself, 0 for an end of a short axis
  int k;  // the decade, log10
  std::string label;
};

// The labelled ticks of a log loss axis: the decades (every n-th when they
// are crowded), then 5 and 2 times them, each only where it keeps kMinGap
// pixels from the ticks already taken; the other multiples only when that
// leaves fewer than four labels. So a long axis shows decades, a middling one
// 1-2-5 steps, and one of about a decade or less its multiples too.
std::vector<LogTick> log_ticks(const PlotData& d, const Frame& f) {
  constexpr double kMinGap = 18.0;
  const int first = static_cast<int>(std::floor(std::log10(d.y_lo)));
  const int last = static_cast<int>(std::ceil(std::log10(d.y_hi)));
  const double decade_px = (f.bottom - f.top) / std::log10(d.y_hi / d.y_lo);
  const int every = std::max(1, static_cast<int>(std::ceil(kMinGap / decade_px)));
  std::vector<LogTick> ticks;
  const auto try_add = [&](int m, int k) {
    const double loss = m * std::pow(10.0, k);
    if (loss < d.y_lo || loss > d.y_hi) return;
    for (const LogTick& t : ticks)
      if (std::abs(f.y(t.loss) - f.y(loss)) < kMinGap) return;
    ticks.push_back({loss, m, k, log_tick_label(m, k)});
  };
  for (int k = first; k <= last; ++k)
    if (k % every == 0) try_add(1, k);
  for (const int m : {5, 2})
    for (int k = first; k <= last && every == 1; ++k) try_add(m, k);
  if (ticks.size() < 4)
    for (const int m : {3, 4, 6, 7, 8, 9})
      for (int k = first; k <= last; ++k) try_add(m, k);
  if (ticks.size() < 2) {  // an axis within a tenth of a decade: label its ends
    ticks.clear();
    for (const double loss : {d.y_lo, d.y_hi}) ticks.push_back({loss, 0, 0, fmt::format("{:.3g}", loss)});
  }
  std::sort(ticks.begin(), ticks.end(), [](const LogTick& a, const LogTick& b) { return a.loss < b.loss; });
  return ticks;
}

// A log loss axis: a grid line and a label at each tick of log_ticks (the
// decades' lines carry class="ytick" and data-log10), and short unlabelled
// ticks at the other multiples where a decade has room for them.
void draw_log_loss_axis(SvgWriter& svg, const PlotData& d, const Frame& f) {
  const std::vector<LogTick> ticks = log_ticks(d, f);
  svg.add(R"(<g class="yaxis log" stroke="#e6e6e6" stroke-width="1">)");
  for (const LogTick& t : ticks) {
    if (t.m == 1)
      svg.add(R"(<line class="ytick" data-log10="{}" x1="{}" y1="{}" x2="{}" y2="{}"/>)", t.k, num(f.left),
              num(f.y(t.loss)), num(f.right), num(f.y(t.loss)));
    else
      svg.add(R"(<line x1="{}" y1="{}" x2="{}" y2="{}"/>)", num(f.left), num(f.y(t.loss)), num(f.right),
              num(f.y(t.loss)));
  }
  svg.add("</g>");
  const double decade_px = (f.bottom - f.top) / std::log10(d.y_hi / d.y_lo);
  svg.add(R"(<g class="yminor" stroke="#999999" stroke-width="1">)");
  for (int k = static_cast<int>(std::floor(std::log10(d.y_lo))); k <= std::log10(d.y_hi) && decade_px >= 30.0; ++k)
    for (int m = 1; m <= 9; ++m) {
      const double loss = m * std::pow(10.0, k);
      if (loss < d.y_lo || loss > d.y_hi) continue;
      svg.add(R"(<line x1="{}" y1="{}" x2="{}" y2="{}"/>)", num(f.left - 3), num(f.y(loss)), num(f.left),
              num(f.y(loss)));
    }
  svg.add("</g>");
  svg.add(R"(<g class="yticks log" font-size="11" fill="#333333" text-anchor="end">)");
  for (const LogTick& t : ticks) {
    svg.add(R"(<text x="{}" y="{}">{}</text>)", num(f.left - 6), num(f.y(t.loss) + 4), t.label);
    svg.note_text("loss-tick", t.label, f.left - 6, f.y(t.loss) + 4, 11.0, "end");
  }
  svg.add("</g>");
}

}  // namespace

// Loss grid lines and their ticks.
void draw_loss_axis(SvgWriter& svg, const PlotData& d, const Frame& f) {
  if (d.y_log) {
    draw_log_loss_axis(svg, d, f);
    return;
  }
  const double y_step = nice_step(d.y_hi - d.y_lo, 5);
  svg.add(R"(<g class="yaxis linear" stroke="#e6e6e6" stroke-width="1">)");
  std::vector<std::pair<double, std::string>> y_ticks;
  for (double v = std::ceil(d.y_lo / y_step - 1e-9) * y_step; v <= d.y_hi + y_step * 1e-9; v += y_step) {
    y_ticks.emplace_back(f.y(v), loss_tick(v, y_step));
    svg.add(R"(<line x1="{}" y1="{}" x2="{}" y2="{}"/>)", num(f.left), num(f.y(v)), num(f.right), num(f.y(v)));
    if (y_ticks.size() > 20) break;
  }
  svg.add("</g>");
  svg.add(R"(<g class="yticks linear" font-size="11" fill="#333333" text-anchor="end">)");
  for (const auto& [y, label] : y_ticks) {
    svg.add(R"(<text x="{}" y="{}">{}</text>)", num(f.left - 6), num(y + 4), label);
    svg.note_text("loss-tick", label, f.left - 6, y + 4, 11.0, "end");
  }
  svg.add("</g>");
}

// Decade ticks with minor ticks between, and the decades' labels.
void draw_rate_axis(SvgWriter& svg, const PlotData& d, const Frame& f) {
  const int first_decade = static_cast<int>(std::ceil(d.x_lo - 1e-9));
  const int last_decade = static_cast<int>(std::floor(d.x_hi + 1e-9));
  const double decade_px = (f.right - f.left) / (d.x_hi - d.x_lo);
  const int label_every = decade_px >= 44.0 ? 1 : decade_px >= 22.0 ? 2 : 5;
  svg.add(R"(<g class="xaxis" stroke="#e6e6e6" stroke-width="1">)");
  for (int k = first_decade; k <= last_decade; ++k) {
    const double x = f.x(std::pow(10.0, k));
    svg.add(R"(<line class="xtick" data-log10="{}" x1="{}" y1="{}" x2="{}" y2="{}"/>)", k, num(x), num(f.top), num(x),
            num(f.bottom));
  }
  svg.add("</g>");
  svg.add(R"(<g class="xminor" stroke="#999999" stroke-width="1">)");
  for (int k = first_decade - 1; k <= last_decade && decade_px >= 30.0; ++k)
    for (int m = 2; m <= 9; ++m) {
      const double lr = m * std::pow(10.0, k);
      if (std::log10(lr) < d.x_lo || std::log10(lr) > d.x_hi) continue;
      svg.add(R"(<line x1="{}" y1="{}" x2="{}" y2="{}"/>)", num(f.x(lr)), num(f.bottom), num(f.x(lr)),
              num(f.bottom + 3));
    }
  for (int k = first_decade; k <= last_decade; ++k) {
    const double x = f.x(std::pow(10.0, k));
    svg.add(R"(<line x1="{}" y1="{}" x2="{}" y2="{}"/>)", num(x), num(f.bottom), num(x), num(f.bottom + 6));
  }
  svg.add("</g>");
  svg.add(R"(<g class="xticks" font-size="11" fill="#333333" text-anchor="middle">)");
  for (int k = first_decade; k <= last_decade; ++k)
    if ((k - first_decade) % label_every == 0) {
      const double x = f.x(std::pow(10.0, k));
      svg.add(R"(<text x="{}" y="{}">{}</text>)", num(x), num(f.bottom + 19), decade_label(k));
      svg.note_text("rate-tick", decade_label(k), x, f.bottom + 19, 11.0, "middle");
    }
  svg.add("</g>");
}

void draw_axis_titles(SvgWriter& svg, const PlotData& d, const Frame& f) {
  const std::string rate_title = "learning rate (log scale)";
  svg.add(R"(<text x="{}" y="{}" text-anchor="middle" fill="#222222">{}</text>)", num((f.left + f.right) / 2),
          num(f.bottom + 40), rate_title);
  svg.note_text("axis-title", rate_title, (f.left + f.right) / 2, f.bottom + 40, 12.0, "middle");
  std::string loss_title = "loss";
  if (!d.loss_name.empty() || d.y_log)
    loss_title += " (" + d.loss_name + (d.loss_name.empty() || !d.y_log ? "" : ", ") + (d.y_log ? "log scale)" : ")");
  svg.add(
      R"svg(<text x="{0}" y="{1}" text-anchor="middle" fill="#222222" transform="rotate(-90 {0} {1})">{2}</text>)svg",
      num(20.0), num((f.top + f.bottom) / 2), escape(loss_title));
  svg.note_upright_text("axis-title", loss_title, 20.0, (f.top + f.bottom) / 2, 12.0);
}

}  // namespace lrfind::plot
