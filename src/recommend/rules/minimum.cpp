// fastai's `minimum`: the rate at the lowest loss, divided by 10.
#include <algorithm>

#include "recommend/suggest.hpp"

namespace lrfind {

RuleEntry minimum_rule() {
  return {"minimum_div_10", "the rate at the lowest smoothed loss, divided by 10",
          [](std::span<const double> lrs, std::span<const double> losses) -> std::optional<Suggestion> {
            if (losses.empty() || lrs.size() != losses.size()) return std::nullopt;
            const auto best =
                static_cast<std::size_t>(std::min_element(losses.begin(), losses.end()) - losses.begin());
            return Suggestion{"minimum_div_10", lrs[best] / 10.0, best};
          }};
}

}  // namespace lrfind
