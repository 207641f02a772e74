// Work split over threads without changing any result: the work is cut into
// parts that depend only on its size, never on the number of threads, and
// partial results are combined in part order.
#pragma once

#include <cstddef>
#include <functional>

namespace lrfind {

// The number of cores this process may run on.
unsigned available_cores();

// Calls fn(part) once for each part in [0, parts), on up to `threads` threads
// (0: every core); returns when all are done. The first exception thrown is
// rethrown.
void parallel_for(std::size_t parts, unsigned threads, const std::function<void(std::size_t)>& fn);

// How many parts to cut `items` into: about one per `grain` items, at most `most`.
std::size_t part_count(std::size_t items, std::size_t grain, std::size_t most);

}  // namespace lrfind
