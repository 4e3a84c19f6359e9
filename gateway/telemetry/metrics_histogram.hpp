#pragma once
// A latency histogram with one writer: fixed buckets suited to LLM traffic
// (1 ms to 300 s), per-bucket counters the owning worker bumps with relaxed
// load+store (single writer, so no read-modify-write instruction is needed)
// and any thread may read at scrape time.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace ug::gateway {

/// Upper bounds of the finite buckets, in nanoseconds (Prometheus `le`, in
/// seconds: 0.001 .. 300). A streamed completion can take minutes, a refusal
/// takes microseconds; both ends matter.
inline constexpr std::array<std::int64_t, 17> latency_bucket_bounds_ns{
    1'000'000,      2'500'000,      5'000'000,      10'000'000,      25'000'000,     50'000'000,
    100'000'000,    250'000'000,    500'000'000,    1'000'000'000,   2'500'000'000,  5'000'000'000,
    10'000'000'000, 25'000'000'000, 50'000'000'000, 100'000'000'000, 300'000'000'000};
inline constexpr std::size_t latency_bucket_count = latency_bucket_bounds_ns.size() + 1;  // + Inf

/// Pure, thread-safe. The bucket a duration falls in (the last one is +Inf).
constexpr std::size_t latency_bucket_index(std::int64_t duration_ns) noexcept {
  std::size_t i = 0;
  while (i < latency_bucket_bounds_ns.size() && duration_ns > latency_bucket_bounds_ns[i])
    ++i;
  return i;
}

/// A point-in-time copy of a histogram (non-cumulative bucket counts).
struct histogram_counts {
  std::array<std::uint64_t, latency_bucket_count> buckets{};
  std::uint64_t sum_ns = 0;

  void add(const histogram_counts& o) noexcept {
    for (std::size_t i = 0; i < latency_bucket_count; ++i)
      buckets[i] += o.buckets[i];
    sum_ns += o.sum_ns;
  }
  [[nodiscard]] std::uint64_t count() const noexcept {
    std::uint64_t n = 0;
    for (const auto b : buckets)
      n += b;
    return n;
  }
};

class single_writer_histogram {
 public:
  /// Owning thread only. Never throws, allocates nothing. Negative durations
  /// (a clock quirk) count as 0.
  void observe(std::int64_t duration_ns) noexcept {
    const std::int64_t d = duration_ns < 0 ? 0 : duration_ns;
    bump(buckets_[latency_bucket_index(d)], 1);
    bump(sum_ns_, static_cast<std::uint64_t>(d));
  }

  /// Thread-safe (relaxed reads). Counts are each exact; a scrape racing an
  /// observe may see the bucket before the sum, which the next scrape repairs.
  [[nodiscard]] histogram_counts read() const noexcept {
    histogram_counts c;
    for (std::size_t i = 0; i < latency_bucket_count; ++i) {
      c.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
    }
    c.sum_ns = sum_ns_.load(std::memory_order_relaxed);
    return c;
  }

 private:
  static void bump(std::atomic<std::uint64_t>& a, std::uint64_t by) noexcept {
    a.store(a.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
  }

  std::array<std::atomic<std::uint64_t>, latency_bucket_count> buckets_{};
  std::atomic<std::uint64_t> sum_ns_{0};
};

}  // namespace ug::gateway
