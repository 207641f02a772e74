#include "report/theory_view.hpp"

#include "report/json_read.hpp"
#include "train/model_kind.hpp"
#include "train/optimizer.hpp"

namespace lrfind {

BoundsView bounds_view(const nlohmann::ordered_json& report) {
  using namespace json_read;
  const Registry<OptimizerEntry> optimizers = builtin_optimizers();
  const OptimizerEntry* optimizer = optimizers.find(text(field(field(report, "optimizer"), "name")));
  if (optimizer == nullptr || !optimizer->plain_gradient) return BoundsView::kHidden;
  const Registry<ModelKindEntry> kinds = builtin_model_kinds();
  const ModelKindEntry* kind = kinds.find(text(field(field(report, "model"), "kind")));
  return kind != nullptr && kind->quadratic ? BoundsView::kTight : BoundsView::kWorstCase;
}

}  // namespace lrfind
