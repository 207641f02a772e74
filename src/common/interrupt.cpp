#include "common/interrupt.hpp"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fmt/format.h>

namespace lrfind {

namespace {

// Lock-free, so that a signal handler may store to it (an atomic that takes a
// lock could dead-lock against the thread it interrupted).
std::atomic<int> requested_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

// Test hook (see stop_training_step): steps taken, and the number of steps
// after which to raise the flag, or one of these.
constexpr long kHookUnread = -1;  // the environment not read yet
constexpr long kNoHook = -2;
std::atomic<long> steps_taken{0};
std::atomic<long> hook_after_steps{kHookUnread};

long read_hook() {
  const char* text = std::getenv("LR_FIND_TEST_INTERRUPT_AFTER_STEPS");
  if (text == nullptr || *text == '\0') return kNoHook;
  char* end = nullptr;
  const long steps = std::strtol(text, &end, 10);
  return *end == '\0' && steps >= 0 ? steps : kNoHook;
}

}  // namespace

bool request_stop(int signal) noexcept {
  int none = 0;
  return requested_signal.compare_exchange_strong(none, signal);
}

bool stop_requested() noexcept { return requested_signal.load() != 0; }

int stop_signal() noexcept { return requested_signal.load(); }

void clear_stop() noexcept {
  requested_signal.store(0);
  steps_taken.store(0);
  hook_after_steps.store(kHookUnread);
}

bool stop_training_step() noexcept {
  long after = hook_after_steps.load(std::memory_order_relaxed);
  if (after == kHookUnread) {
    after = read_hook();
    hook_after_steps.store(after, std::memory_order_relaxed);
  }
  if (after != kNoHook && steps_taken.fetch_add(1, std::memory_order_relaxed) >= after) request_stop(SIGINT);
  return stop_requested();
}

std::string signal_name(int signal) {
  switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return fmt::format("signal {}", signal);
  }
}

Interrupted::Interrupted(int signal, std::string_view during)
    : Error(fmt::format("interrupted by {} {}", signal_name(signal), during)), signal_(signal) {}

void throw_if_stop_requested(std::string_view during) {
  if (const int signal = stop_signal(); signal != 0) throw Interrupted(signal, during);
}

}  // namespace lrfind
