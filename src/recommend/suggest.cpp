#include "recommend/suggest.hpp"

#include <algorithm>

namespace lrfind {

// One entry per rule, each in its own file under rules/.
RuleEntry minimum_rule();
RuleEntry steepest_rule();
RuleEntry valley_rule();

Registry<RuleEntry> builtin_rules() {
  Registry<RuleEntry> rules("suggestion rule", "--rule");
  rules.add(minimum_rule());
  rules.add(steepest_rule());
  rules.add(valley_rule());
  return rules;
}

Window suggestion_window(std::size_t recorded, int planned_steps) {
  const std::size_t begin = static_cast<std::size_t>(std::max(planned_steps, 0) / 10);
  const std::size_t end = recorded >= 5 ? recorded - 5 : 0;
  if (end < begin + 2) return {0, recorded};
  return {begin, end};
}

}  // namespace lrfind
