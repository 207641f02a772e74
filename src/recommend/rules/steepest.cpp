// fastai's `steep`: where the loss falls fastest against log(lr), by forward
// differences.
#include <cmath>

#include "recommend/suggest.hpp"

namespace lrfind {

RuleEntry steepest_rule() {
  return {"steepest", "where the smoothed loss falls fastest against log lr",
          [](std::span<const double> lrs, std::span<const double> losses) -> std::optional<Suggestion> {
            if (losses.size() < 2 || lrs.size() != losses.size()) return std::nullopt;
            std::size_t best = 0;
            double best_slope = 0.0;
            for (std::size_t i = 0; i + 1 < losses.size(); ++i) {
              const double run = std::log(lrs[i + 1]) - std::log(lrs[i]);
              if (!(run > 0.0)) continue;
              const double slope = (losses[i + 1] - losses[i]) / run;
              if (i == 0 || slope < best_slope) {
                best = i;
                best_slope = slope;
              }
            }
            return Suggestion{"steepest", lrs[best], best};
          }};
}

}  // namespace lrfind
