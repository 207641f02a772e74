#include "common/parallel.hpp"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace lrfind {

unsigned available_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
  return std::max(1u, std::thread::hardware_concurrency());
}

void parallel_for(std::size_t parts, unsigned threads, const std::function<void(std::size_t)>& fn) {
  const std::size_t workers = std::min<std::size_t>(parts, threads == 0 ? available_cores() : threads);
  if (workers <= 1) {
    for (std::size_t part = 0; part < parts; ++part) fn(part);
    return;
  }
  std::atomic<std::size_t> next = 0;
  std::exception_ptr failure;
  std::mutex mutex;
  const auto work = [&] {
    for (std::size_t part; (part = next++) < parts;) {
      try {
        fn(part);
      } catch (...) {
        const std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

std::size_t part_count(std::size_t items, std::size_t grain, std::size_t most) {
  return std::clamp<std::size_t>((items + grain - 1) / grain, 1, most);
}

}  // namespace lrfind
