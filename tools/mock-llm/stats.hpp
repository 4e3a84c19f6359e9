#pragma once
// Counters served at GET /mock/stats, so tests can see what the backend saw
// (e.g. that a gateway really closed an upstream stream when its client left).
#include <atomic>
#include <cstdint>
#include <string>

namespace ug::mock_llm {

/// All members thread-safe (relaxed atomics: independent counters, no ordering needed).
struct stats {
  std::atomic<std::uint64_t> connections_accepted{0};
  std::atomic<std::int64_t> connections_active{0};
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> streams_completed{0};
  std::atomic<std::uint64_t> streams_aborted{0};  ///< SSE streams whose client went away

  /// {"connections_accepted":N,...}. Thread-safe (each field read independently).
  std::string to_json() const {
    auto get = [](const auto& a) { return std::to_string(a.load(std::memory_order_relaxed)); };
    return "{\"connections_accepted\":" + get(connections_accepted) +
           ",\"connections_active\":" + get(connections_active) + ",\"requests\":" + get(requests) +
           ",\"streams_completed\":" + get(streams_completed) +
           ",\"streams_aborted\":" + get(streams_aborted) + "}";
  }
};

}  // namespace ug::mock_llm
