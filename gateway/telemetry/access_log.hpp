#pragma once
// The access log: one JSON object per line and per request (fields:
// docs/operations.md), written off the request path.
//
// Each worker formats its line into its own scratch buffer and copies it into
// its own lock-free single-producer/single-consumer byte ring (no lock, no
// allocation once the scratch buffer has grown to the longest line). One
// background thread drains all rings with writev() every
// flush_interval_ms, or sooner when a worker has batch_bytes pending. When a
// ring is full (the sink stalls) lines are dropped and counted; the request
// path never blocks on the log.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gateway/telemetry/metrics_labels.hpp"

namespace ug::gateway {

/// One request as the access log records it. The views only need to live for
/// the append() call. Never put an API key *value* here: key_id is the id.
struct access_record {
  std::int64_t time_utc_ns = 0;  ///< the request's one clock reading (UTC ns since epoch)
  std::string_view request_id;   ///< x-amzn-RequestId
  std::string_view trace_id;     ///< X-Amzn-Trace-Id; "" -> null
  std::string_view key_id;       ///< API key id; "" -> null
  std::string_view plan_id;      ///< usage plan id; "" -> null
  std::string_view stage;        ///< stage name; "" -> null
  std::string_view method;
  std::string_view path;  ///< request target as received
  int status = 0;
  outcome result = outcome::forward;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::int64_t upstream_latency_ns = -1;  ///< to the first upstream byte; -1 -> null
  std::int64_t total_latency_ns = 0;      ///< header received -> last byte sent
};

enum class access_log_sink : std::uint8_t { off, standard_output, file };

/// Pure. "off" or "" -> off; "stdout" or "-" -> standard_output; anything
/// else is a file path (returned in `path`).
access_log_sink parse_access_log_target(std::string_view spec, std::string& path);

/// Pure, thread-safe. Appends one JSON object and '\n' to `out`.
void format_access_line(const access_record& r, std::string& out);
/// Pure, thread-safe. Appends RFC 3339 UTC time with milliseconds
/// ("2024-05-06T07:08:09.123Z"); negative inputs are clamped to the epoch.
void append_rfc3339_ms(std::string& out, std::int64_t utc_ns);

class access_log {
 public:
  struct options {
    std::size_t ring_bytes = 1u << 20;     ///< per worker, rounded up to a power of two
    std::size_t batch_bytes = 64u << 10;   ///< pending bytes that wake the writer early
    std::int64_t flush_interval_ms = 100;  ///< the writer's period
  };

  /// Not thread-safe (startup/reload). nullptr when `sink` is off (error
  /// stays empty: the owner simply does not log) or when the file cannot be
  /// opened (error says why). A file is opened for appending and created
  /// with mode 0644 if needed. `workers` >= 1.
  static std::unique_ptr<access_log> open(access_log_sink sink, const std::string& path,
                                          unsigned workers, std::string& error);
  static std::unique_ptr<access_log> open(access_log_sink sink, const std::string& path,
                                          unsigned workers, std::string& error,
                                          const options& opts);

  access_log(const access_log&) = delete;
  access_log& operator=(const access_log&) = delete;
  /// Not thread-safe: no append() may run. Writes everything appended, stops
  /// the writer thread and closes the file.
  ~access_log();

  /// Owning worker only (`worker` < worker count; each index has one writer
  /// thread). Never throws, never blocks; drops (and counts) the line when
  /// the worker's ring is full.
  void append(unsigned worker, const access_record& r) noexcept;

  /// Thread-safe. Returns once every line appended before the call (by any
  /// thread that happens-before it) has been handed to the sink.
  void flush();
  /// Thread-safe. Reopens the file before the next batch (log rotation).
  void reopen();

  /// Thread-safe. Lines dropped because a ring was full or a line was larger
  /// than the ring.
  [[nodiscard]] std::uint64_t dropped_lines() const noexcept;
  /// Thread-safe. Bytes the sink refused (write errors); they are discarded.
  [[nodiscard]] std::uint64_t failed_bytes() const noexcept {
    return failed_bytes_.load(std::memory_order_relaxed);
  }

 private:
  struct ring;

  access_log(int fd, bool owns_fd, std::string path, unsigned workers, const options& opts);
  void run_writer();
  void drain_rings();

  std::vector<std::unique_ptr<ring>> rings_;
  options opts_;
  std::string path_;
  int fd_ = -1;
  bool owns_fd_ = false;
  std::atomic<bool> kick_{false};
  std::atomic<std::uint64_t> failed_bytes_{0};

  std::mutex mutex_;
  std::condition_variable wake_;       // the writer waits here
  std::condition_variable done_;       // flush() waits here
  std::uint64_t flush_requested_ = 0;  // guarded by mutex_
  std::uint64_t flushed_ = 0;          // guarded by mutex_
  bool reopen_ = false;                // guarded by mutex_
  bool stop_ = false;                  // guarded by mutex_
  std::thread writer_;
};

}  // namespace ug::gateway
