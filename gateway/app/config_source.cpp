#include "gateway/app/config_source.hpp"

#include <sys/stat.h>

#include <exception>
#include <utility>

#include "config/loader.hpp"

namespace ug::gateway {
namespace {

bool same(const config::listener_settings& a, const config::listener_settings& b) {
  return a.address == b.address && a.port == b.port;
}

template <class T>
bool same(const T& a, const T& b) {
  return a == b;
}

/// If a restart-only setting changed, keeps the running value and records its name.
template <class T>
void keep_running(T& next, const T& running, const char* name, std::vector<std::string>& changed) {
  if (!same(next, running)) {
    changed.emplace_back(name);
    next = running;
  }
}

/// Puts the running values back into `next` for every setting that only a
/// restart can change; returns the names of those that differed.
std::vector<std::string> keep_restart_only(config::gateway_settings& next,
                                           const config::gateway_settings& running) {
  std::vector<std::string> changed;
  keep_running(next.listener, running.listener, "gateway.listener", changed);
  keep_running(next.admin, running.admin, "gateway.admin", changed);
  keep_running(next.workers, running.workers, "gateway.workers", changed);
  keep_running(next.access_log, running.access_log, "gateway.accessLog", changed);
  keep_running(next.metrics_key_series, running.metrics_key_series, "gateway.metricsKeySeries",
               changed);
  keep_running(next.state_directory, running.state_directory, "gateway.stateDirectory", changed);
  keep_running(next.state_flush_interval_ms, running.state_flush_interval_ms,
               "gateway.stateFlushIntervalMs", changed);
  keep_running(next.quota_reserve_chunk, running.quota_reserve_chunk, "gateway.quotaReserveChunk",
               changed);
  return changed;
}

}  // namespace

config_source::config_source(std::filesystem::path path, limiter::state_registry& state,
                             const limiter::clock& clock)
    : path_(std::move(path)), state_(state), clock_(clock), files_{path_.string()} {}

config_load config_source::load(const config::compiled_config* running,
                                const config::overlay* candidate) {
  config_load out;
  // Taken before reading, so an edit racing the read shows up at the next poll.
  fingerprint before = take_fingerprint();
  config::load_result loaded =
      config::load_file(path_, candidate != nullptr ? *candidate : overlay_);
  if (!loaded.errors.empty() || !loaded.doc) {
    for (const config::config_error& e : loaded.errors) {
      out.errors.push_back(e.to_string());
    }
    if (out.errors.empty()) {
      out.errors.push_back(path_.string() + ": cannot be loaded");
    }
    // Not retried until the files change again.
    loaded_ = std::move(before);
    pending_.clear();
    return out;
  }
  config::document& doc = *loaded.doc;
  if (running != nullptr) {
    out.restart_needed = keep_restart_only(doc.gateway, running->gateway());
  }
  try {
    out.snapshot = config::compiled_config::compile(doc, state_, clock_.now(),
                                                    loaded.content_sha256_hex, running);
    if (on_compiled_) {
      on_compiled_(*out.snapshot);
    }
  } catch (const std::exception& e) {
    out.errors.push_back(path_.string() + ": " + e.what());
    out.restart_needed.clear();
    loaded_ = std::move(before);
    pending_.clear();
    return out;
  }
  if (doc.source_files != files_) {
    files_ = std::move(doc.source_files);
    before = take_fingerprint();
  }
  loaded_ = std::move(before);
  pending_.clear();
  return out;
}

bool config_source::files_changed() {
  fingerprint now = take_fingerprint();
  if (now == loaded_) {
    pending_.clear();
    return false;
  }
  if (now == pending_) {
    return true;
  }
  pending_ = std::move(now);
  return false;
}

config_source::fingerprint config_source::take_fingerprint() const {
  fingerprint fp;
  fp.reserve(files_.size());
  for (const std::string& f : files_) {
    struct stat st {};
    file_state s;
    if (::stat(f.c_str(), &st) == 0) {
      s.exists = true;
      s.inode = static_cast<std::uint64_t>(st.st_ino);
      s.size = static_cast<std::int64_t>(st.st_size);
      s.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                   static_cast<std::int64_t>(st.st_mtim.tv_nsec);
    }
    fp.push_back(s);
  }
  return fp;
}

}  // namespace ug::gateway
