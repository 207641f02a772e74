#include "lrfind/stop.hpp"

#include <atomic>
#include <csignal>
#include <fmt/format.h>

namespace lrfind {

struct StopToken::State {
  // Lock-free, so that a signal handler may store to it (an atomic that takes
  // a lock could dead-lock against the thread it interrupted).
  std::atomic<int> signal{0};
  std::atomic<long> steps{0};
  std::atomic<long> stop_after{-1};  // the test hook; negative: none
};
static_assert(std::atomic<int>::is_always_lock_free);

StopToken::StopToken() : state_(std::make_shared<State>()) {}

bool StopToken::request(int signal) const noexcept {
  int none = 0;
  return state_->signal.compare_exchange_strong(none, signal);
}

bool StopToken::requested() const noexcept { return state_->signal.load() != 0; }

int StopToken::signal() const noexcept { return state_->signal.load(); }

bool StopToken::training_step() const noexcept {
  const long after = state_->stop_after.load(std::memory_order_relaxed);
  if (after >= 0 && state_->steps.fetch_add(1, std::memory_order_relaxed) >= after) request(SIGINT);
  return requested();
}

void StopToken::stop_after_steps(long steps) const noexcept {
  state_->steps.store(0);
  state_->stop_after.store(steps);
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

void throw_if_stopped(const StopToken& stop, std::string_view during) {
  if (const int signal = stop.signal(); signal != 0) throw Interrupted(signal, during);
}

}  // namespace lrfind
