#include "gateway/telemetry/access_log.hpp"

#include "common/civil_date.hpp"
#include "common/json_string.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <climits>
#include <cstring>

namespace ug::gateway {

using common::append_json_string;

namespace {

constexpr std::size_t scratch_reserve_bytes = 4096;

void append_uint(std::string& out, std::uint64_t v) {
  std::array<char, 24> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), r.ptr);
}

void append_fixed(std::string& out, unsigned v, int width) {
  std::array<char, 10> buf{};
  for (int i = width - 1; i >= 0; --i) {
    buf[static_cast<std::size_t>(i)] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf.data(), static_cast<std::size_t>(width));
}

/// Milliseconds with microsecond precision ("12.345"), from integers only.
void append_ms(std::string& out, std::int64_t ns) {
  const std::uint64_t us = ns < 0 ? 0 : static_cast<std::uint64_t>(ns) / 1000;
  append_uint(out, us / 1000);
  out.push_back('.');
  append_fixed(out, static_cast<unsigned>(us % 1000), 3);
}

void append_string_or_null(std::string& out, std::string_view s) {
  if (s.empty()) {
    out.append("null");
  } else {
    append_json_string(out, s);
  }
}

/// Writes every byte or, if the sink fails, discards the rest and counts it.
void write_all(int fd, iovec* iov, int count, std::atomic<std::uint64_t>& failed_bytes) {
  while (count > 0) {
    const ssize_t n = ::writev(fd, iov, std::min(count, IOV_MAX));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      // The sink is broken (disk full, closed pipe): discard this batch so
      // the workers' rings keep moving, and count what was lost.
      std::uint64_t lost = 0;
      for (int i = 0; i < count; ++i)
        lost += iov[i].iov_len;
      failed_bytes.fetch_add(lost, std::memory_order_relaxed);
      return;
    }
    auto done = static_cast<std::size_t>(n);
    while (count > 0 && done >= iov->iov_len) {
      done -= iov->iov_len;
      ++iov;
      --count;
    }
    if (count > 0) {
      iov->iov_base = static_cast<char*>(iov->iov_base) + done;
      iov->iov_len -= done;
    }
  }
}

std::size_t round_up_pow2(std::size_t n) {
  std::size_t p = 4096;
  while (p < n)
    p <<= 1;
  return p;
}

}  // namespace

access_log_sink parse_access_log_target(std::string_view spec, std::string& path) {
  path.clear();
  if (spec.empty() || spec == "off")
    return access_log_sink::off;
  if (spec == "stdout" || spec == "-")
    return access_log_sink::standard_output;
  path.assign(spec);
  return access_log_sink::file;
}

void append_rfc3339_ms(std::string& out, std::int64_t utc_ns) {
  constexpr std::int64_t ns_per_day = 86'400'000'000'000;
  const std::int64_t t = std::max<std::int64_t>(utc_ns, 0);
  const common::civil_date date = common::civil_from_days(t / ns_per_day);
  const std::int64_t year = date.year;
  const unsigned month = date.month;
  const unsigned day = date.day;
  const std::int64_t in_day_ms = (t % ns_per_day) / 1'000'000;
  const auto ms = static_cast<unsigned>(in_day_ms % 1000);
  const auto sec = static_cast<unsigned>(in_day_ms / 1000);
  // Filled in place and appended once: this runs for every logged request.
  std::array<char, 24> text{'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0',
                            '0', ':', '0', '0', ':', '0', '0', '.', '0', '0', '0', 'Z'};
  const auto put = [&](std::size_t at, unsigned v, std::size_t width) {
    for (std::size_t i = at + width; i > at; --i) {
      text[i - 1] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
  };
  put(0, static_cast<unsigned>(year), 4);
  put(5, month, 2);
  put(8, day, 2);
  put(11, sec / 3600, 2);
  put(14, sec / 60 % 60, 2);
  put(17, sec % 60, 2);
  put(20, ms, 3);
  out.append(text.data(), text.size());
}

void format_access_line(const access_record& r, std::string& out) {
  out.append("{\"time\":\"");
  append_rfc3339_ms(out, r.time_utc_ns);
  out.append("\",\"request_id\":");
  append_json_string(out, r.request_id);
  out.append(",\"trace_id\":");
  append_string_or_null(out, r.trace_id);
  out.append(",\"key_id\":");
  append_string_or_null(out, r.key_id);
  out.append(",\"plan\":");
  append_string_or_null(out, r.plan_id);
  out.append(",\"stage\":");
  append_string_or_null(out, r.stage);
  out.append(",\"method\":");
  append_json_string(out, r.method);
  out.append(",\"path\":");
  append_json_string(out, r.path);
  out.append(",\"status\":");
  append_uint(out, static_cast<std::uint64_t>(std::max(r.status, 0)));
  out.append(",\"outcome\":\"");
  out.append(outcome_name(r.result));
  out.append("\",\"bytes_in\":");
  append_uint(out, r.bytes_in);
  out.append(",\"bytes_out\":");
  append_uint(out, r.bytes_out);
  out.append(",\"upstream_latency_ms\":");
  if (r.upstream_latency_ns < 0) {
    out.append("null");
  } else {
    append_ms(out, r.upstream_latency_ns);
  }
  out.append(",\"latency_ms\":");
  append_ms(out, r.total_latency_ns);
  out.append("}\n");
}

// ---- the per-worker ring ----

// head_ and tail_ count bytes ever written / consumed; the ring holds
// [tail_, head_) modulo its size. The worker alone stores head_ (release,
// after copying the line in) and the writer thread alone stores tail_
// (release, after the bytes reached the sink), so each side acquires the
// other's counter before touching the bytes it guards.
struct access_log::ring {
  explicit ring(std::size_t capacity) : bytes(new char[capacity]), size(capacity) {
    scratch.reserve(scratch_reserve_bytes);
  }

  std::unique_ptr<char[]> bytes;
  std::size_t size;
  std::string scratch;  // owner only
  alignas(64) std::atomic<std::uint64_t> head{0};
  std::atomic<std::uint64_t> dropped{0};
  alignas(64) std::atomic<std::uint64_t> tail{0};
};

std::unique_ptr<access_log> access_log::open(access_log_sink sink, const std::string& path,
                                             unsigned workers, std::string& error) {
  return open(sink, path, workers, error, options{});
}

std::unique_ptr<access_log> access_log::open(access_log_sink sink, const std::string& path,
                                             unsigned workers, std::string& error,
                                             const options& opts) {
  error.clear();
  switch (sink) {
    case access_log_sink::off:
      return nullptr;
    case access_log_sink::standard_output:
      return std::unique_ptr<access_log>(new access_log(STDOUT_FILENO, false, {}, workers, opts));
    case access_log_sink::file: {
      const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (fd < 0) {
        error = "cannot open access log " + path + ": " + std::strerror(errno);
        return nullptr;
      }
      return std::unique_ptr<access_log>(new access_log(fd, true, path, workers, opts));
    }
  }
  error = "unknown access log sink";
  return nullptr;
}

access_log::access_log(int fd, bool owns_fd, std::string path, unsigned workers,
                       const options& opts)
    : opts_(opts), path_(std::move(path)), fd_(fd), owns_fd_(owns_fd) {
  const std::size_t capacity = round_up_pow2(opts.ring_bytes);
  for (unsigned i = 0; i < std::max(workers, 1u); ++i) {
    rings_.push_back(std::make_unique<ring>(capacity));
  }
  writer_ = std::thread([this] { run_writer(); });
}

access_log::~access_log() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  writer_.join();
  if (owns_fd_ && fd_ >= 0)
    ::close(fd_);
}

void access_log::append(unsigned worker, const access_record& r) noexcept {
  if (worker >= rings_.size())
    return;  // a wiring bug must not corrupt another ring
  ring& g = *rings_[worker];
  try {
    g.scratch.clear();
    format_access_line(r, g.scratch);
  } catch (...) {  // only allocation can fail; the request must not
    g.dropped.store(g.dropped.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return;
  }
  const std::size_t n = g.scratch.size();
  const std::uint64_t head = g.head.load(std::memory_order_relaxed);
  const std::uint64_t tail = g.tail.load(std::memory_order_acquire);
  if (n > g.size - (head - tail)) {
    g.dropped.store(g.dropped.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return;
  }
  const std::size_t at = head & (g.size - 1);
  const std::size_t first = std::min(n, g.size - at);
  std::memcpy(g.bytes.get() + at, g.scratch.data(), first);
  std::memcpy(g.bytes.get(), g.scratch.data() + first, n - first);
  g.head.store(head + n, std::memory_order_release);

  // Wake the writer early only when a batch is waiting; the exchange keeps it
  // to one notification per writer pass. A wake-up lost to the race with the
  // writer going to sleep costs at most one flush interval.
  if (head + n - tail >= opts_.batch_bytes && !kick_.exchange(true, std::memory_order_relaxed)) {
    wake_.notify_one();
  }
}

void access_log::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = ++flush_requested_;
  wake_.notify_one();
  done_.wait(lock, [&] { return flushed_ >= target; });
}

void access_log::reopen() {
  {
    std::lock_guard lock(mutex_);
    reopen_ = true;
  }
  wake_.notify_one();
}

std::uint64_t access_log::dropped_lines() const noexcept {
  std::uint64_t n = 0;
  for (const auto& g : rings_)
    n += g->dropped.load(std::memory_order_relaxed);
  return n;
}

void access_log::run_writer() {
  // A closed stdout pipe must fail the write with EPIPE rather than kill the
  // process with SIGPIPE; blocking it on this thread alone leaves the rest of
  // the process's signal handling alone.
  sigset_t pipe_only;
  ::sigemptyset(&pipe_only);
  ::sigaddset(&pipe_only, SIGPIPE);
  ::pthread_sigmask(SIG_BLOCK, &pipe_only, nullptr);
  for (;;) {
    std::uint64_t target = 0;
    bool stopping = false;
    bool reopening = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(opts_.flush_interval_ms), [&] {
        return stop_ || reopen_ || flush_requested_ > flushed_ ||
               kick_.load(std::memory_order_relaxed);
      });
      target = flush_requested_;
      stopping = stop_;
      reopening = reopen_;
      reopen_ = false;
    }
    kick_.store(false, std::memory_order_relaxed);
    if (reopening && owns_fd_) {
      // Open the new file before closing the old one: on failure keep writing
      // to the old (renamed) file rather than losing lines.
      const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (fd >= 0) {
        ::close(fd_);
        fd_ = fd;
      }
    }
    drain_rings();
    {
      std::lock_guard lock(mutex_);
      flushed_ = std::max(flushed_, target);
    }
    done_.notify_all();
    if (stopping)
      return;
  }
}

void access_log::drain_rings() {
  std::vector<iovec> iov;
  std::vector<std::uint64_t> heads(rings_.size());
  iov.reserve(2 * rings_.size());
  for (std::size_t i = 0; i < rings_.size(); ++i) {
    ring& g = *rings_[i];
    const std::uint64_t tail = g.tail.load(std::memory_order_relaxed);
    heads[i] = g.head.load(std::memory_order_acquire);
    const std::size_t n = heads[i] - tail;
    if (n == 0)
      continue;
    const std::size_t at = tail & (g.size - 1);
    const std::size_t first = std::min(n, g.size - at);
    iov.push_back(iovec{g.bytes.get() + at, first});
    if (n > first)
      iov.push_back(iovec{g.bytes.get(), n - first});
  }
  if (!iov.empty())
    write_all(fd_, iov.data(), static_cast<int>(iov.size()), failed_bytes_);
  for (std::size_t i = 0; i < rings_.size(); ++i) {
    rings_[i]->tail.store(heads[i], std::memory_order_release);
  }
}

}  // namespace ug::gateway
