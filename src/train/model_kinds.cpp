#include "train/model_kind.hpp"

namespace lrfind {

// One entry per model kind, each in its own file under models/.
ModelKindEntry linear_model();
ModelKindEntry logistic_model();
ModelKindEntry svm_model();

Registry<ModelKindEntry> builtin_model_kinds() {
  Registry<ModelKindEntry> kinds("model", "--model");
  kinds.add(linear_model());
  kinds.add(logistic_model());
  kinds.add(svm_model());
  return kinds;
}

}  // namespace lrfind
