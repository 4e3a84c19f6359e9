#pragma once
// The gateway's Prometheus metrics (names and labels: docs/operations.md).
//
// Data-plane metrics live in one worker_metrics block per worker, written
// only by that worker with relaxed atomics; this class aggregates the blocks
// at scrape time into prometheus::MetricFamily objects (it is a
// prometheus::Collectable). Control-plane metrics (reloads, config and build
// info) change rarely and use ordinary prometheus-cpp families in registry().
// scrape_text() serializes both with prometheus::TextSerializer; the admin
// listener serves it, so prometheus-cpp's pull exposer is not needed.
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/telemetry/metrics_key_series.hpp"
#include "gateway/telemetry/metrics_worker.hpp"
#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/metric_family.h"
#include "prometheus/registry.h"

namespace ug::gateway {

/// Content-Type of scrape_text() (Prometheus text exposition format 0.0.4).
inline constexpr std::string_view metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

class metrics final : public prometheus::Collectable {
 public:
  static constexpr std::size_t default_max_key_series = 100;

  /// Not thread-safe: build before the workers start. `workers` >= 1 blocks
  /// (0 is treated as 1). `max_key_series`: how many key ids may have their
  /// own usagegate_key_requests_total series; the rest are key="__other__".
  /// `version` is exported as usagegate_build_info{version}.
  explicit metrics(unsigned workers, std::size_t max_key_series = default_max_key_series,
                   std::string_view version = default_version());
  metrics(const metrics&) = delete;
  metrics& operator=(const metrics&) = delete;
  ~metrics() override;

  /// Thread-safe to call; the returned block is then written by worker `i`
  /// only (see worker_metrics). `i` < worker_count().
  [[nodiscard]] worker_metrics& worker(unsigned i) noexcept { return *workers_[i]; }
  /// Thread-safe.
  [[nodiscard]] unsigned worker_count() const noexcept {
    return static_cast<unsigned>(workers_.size());
  }

  /// Thread-safe (scrapes are serialized by an internal mutex; workers are
  /// never blocked). The data-plane families, aggregated over all workers.
  std::vector<prometheus::MetricFamily> Collect() const override;

  /// Thread-safe. Data-plane and control-plane families, sorted by name, in
  /// the text exposition format (serve with metrics_content_type).
  [[nodiscard]] std::string scrape_text() const;

  /// Thread-safe. Sets usagegate_config_info{sha256="..."} 1, replacing the
  /// previous config's series.
  void set_config_info(std::string_view sha256);
  /// Thread-safe. Counts one usagegate_config_reloads_total{result="ok"|"failed"}.
  void count_reload(bool ok);
  /// Thread-safe (prometheus-cpp locks; the admin listener calls it, never
  /// the request path). Counts one
  /// usagegate_control_plane_requests_total{operation, status}; `operation`
  /// is a model name or "" (counted as "none"), so the series stay bounded.
  void count_control_plane_request(std::string_view operation, unsigned status);

  /// Thread-safe (prometheus-cpp locks). For other rare, control-plane
  /// metrics; never use it on the request path.
  [[nodiscard]] prometheus::Registry& registry() noexcept { return *registry_; }

  /// The version compiled into this build (UG_VERSION).
  static std::string_view default_version() noexcept;

 private:
  std::vector<std::unique_ptr<worker_metrics>> workers_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Counter* reloads_ok_ = nullptr;
  prometheus::Counter* reloads_failed_ = nullptr;
  prometheus::Family<prometheus::Counter>* control_plane_requests_ = nullptr;
  prometheus::Family<prometheus::Gauge>* config_info_ = nullptr;
  std::mutex config_info_mutex_;
  prometheus::Gauge* config_info_current_ = nullptr;  // guarded by config_info_mutex_

  mutable std::mutex scrape_mutex_;
  mutable key_series_selector key_series_;  // guarded by scrape_mutex_
};

}  // namespace ug::gateway
