#pragma once
// What the data plane's threads share with the server (atomics only), and the
// one owner of the live-session count: a session_slot. The listener makes one
// for each connection it hands to a worker (that is the count going up, on
// accept, where gateway.max_connections is checked); whoever holds it last —
// the session for its whole life, or the posted adoption that never ran —
// counts it down by destroying it. No other code touches live_sessions.
#include <atomic>
#include <cstddef>

namespace ug::gateway {

/// Process-wide state the workers share with the server (atomics only).
struct shared_counters {
  /// Connections accepted and not yet ended; read by the listener (cap) and
  /// the server (drain). Written only by session_slot.
  std::atomic<std::size_t> live_sessions{0};
  std::atomic<bool> draining{false};
};

/// One counted place in shared_counters::live_sessions. Move-only; any
/// thread (the count is atomic), one thread at a time per slot. The counters
/// must outlive the slot.
class session_slot {
 public:
  explicit session_slot(shared_counters& counters) noexcept : counters_(&counters) {
    counters_->live_sessions.fetch_add(1, std::memory_order_relaxed);
  }
  session_slot(session_slot&& other) noexcept : counters_(other.counters_) {
    other.counters_ = nullptr;
  }
  session_slot& operator=(session_slot&&) = delete;
  session_slot(const session_slot&) = delete;
  session_slot& operator=(const session_slot&) = delete;
  ~session_slot() {
    if (counters_ != nullptr) {
      counters_->live_sessions.fetch_sub(1, std::memory_order_relaxed);
    }
  }

 private:
  shared_counters* counters_;
};

}  // namespace ug::gateway
