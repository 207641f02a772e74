#include "pipeline/method.hpp"

#include <algorithm>

namespace lrfind {

// One entry per method, each in its own file under methods/.
MethodEntry auto_method();
MethodEntry range_method();
MethodEntry grid_method();

Registry<MethodEntry> builtin_methods() {
  Registry<MethodEntry> methods("method", "--method");
  methods.add(auto_method());
  methods.add(range_method());
  methods.add(grid_method());
  return methods;
}

long batches_per_epoch(long batch_size, std::size_t rows) {
  const std::size_t b = batch_size > 0 ? std::min<std::size_t>(static_cast<std::size_t>(batch_size), rows) : rows;
  return b == 0 ? 0 : static_cast<long>((rows + b - 1) / b);
}

}  // namespace lrfind
