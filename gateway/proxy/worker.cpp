#include "gateway/proxy/worker.hpp"

#include <chrono>
#include <cstdio>
#include <exception>

#include "gateway/proxy/http_session.hpp"

namespace ug::gateway {
namespace {

/// The worker's housekeeping tick: connection deadlines, idle pooled
/// connections past their deadline, and slow exchanges starting to watch
/// their client.
constexpr std::chrono::milliseconds sweep_interval = worker_tick;

}  // namespace

worker::worker(std::size_t index, const config_cell& cell, const limiter::system_clock& clock,
               shared_counters& shared, const worker_services& services)
    : index_(index),
      clock_(clock),
      shared_(shared),
      services_(services),
      work_(net::make_work_guard(ioc_)),
      reader_(cell),
      sweep_timer_(ioc_) {}

worker::~worker() {
  join();
  // Pools and sessions hold sockets of this io_context: close them while it
  // still exists. Sessions still referenced by pending handlers go with it.
  for (auto& p : pools_) {
    if (p) {
      p->drain();
    }
  }
  pools_.clear();
  pools_config_.reset();
}

void worker::start() {
  coarse_now_ns_ = clock_.now().mono_ns;
  do_sweep();
  thread_ = std::thread([this] {
    for (;;) {
      try {
        ioc_.run();
        return;
      } catch (const std::exception& e) {
        // The data plane reports errors through error_codes; an exception here
        // is a bug or memory exhaustion. Keep serving the other connections.
        std::fprintf(stderr, "usagegate: worker %zu: unexpected exception: %s\n", index_, e.what());
      }
    }
  });
}

void worker::adopt(socket_type socket, session_slot slot) {
  // A stopped worker (or an io_context destroyed with this handler still
  // queued) drops the socket and the slot: the count goes down with it.
  net::post(ioc_, [this, s = std::move(socket), slot = std::move(slot)]() mutable {
    if (stopped_) {
      return;
    }
    std::make_shared<http_session>(std::move(s), std::move(slot), *this)->run();
  });
}

void worker::discard(socket_type socket) {
  net::post(ioc_, [s = std::move(socket)]() mutable {
    error_code ignored;
    s.close(ignored);
  });
}

void worker::request_drain() {
  net::post(ioc_, [this] { drain_sessions(); });
}

void worker::request_stop() {
  net::post(ioc_, [this] { stop_now(); });
}

void worker::join() {
  if (thread_.joinable()) {
    thread_.join();
  }
}

const std::shared_ptr<upstream_pool>& worker::pool(
    const std::shared_ptr<const config::compiled_config>& cfg, std::uint32_t stage_index) {
  if (cfg != pools_config_) {
    rekey_pools(cfg);
  }
  std::shared_ptr<upstream_pool>& p = pools_[stage_index];
  if (!p) {
    const config::compiled_stage& stage = cfg->stages()[stage_index];
    reach_flag reached;
    if (services_.reachability != nullptr) {
      reached = services_.reachability->flag(stage.upstream);
    }
    p = std::make_shared<upstream_pool>(ioc_.get_executor(), stage.upstream,
                                        gauge_cell(stage.stage_name), std::move(reached));
  }
  return p;
}

void worker::rekey_pools(const std::shared_ptr<const config::compiled_config>& cfg) {
  std::vector<std::shared_ptr<upstream_pool>> old = std::move(pools_);
  const std::vector<config::compiled_stage>& stages = cfg->stages();
  pools_.assign(stages.size(), nullptr);
  for (std::size_t i = 0; i < stages.size(); ++i) {
    for (auto& candidate : old) {
      if (candidate && same_endpoint(candidate->settings(), stages[i].upstream)) {
        candidate->update_settings(stages[i].upstream);
        candidate->attach_gauges(gauge_cell(stages[i].stage_name));
        pools_[i] = std::move(candidate);
        break;
      }
    }
  }
  for (auto& left : old) {
    if (left) {
      left->drain();  // relays still using it keep it alive until they finish
    }
  }
  pools_config_ = cfg;
}

pool_gauge_cell* worker::gauge_cell(std::string_view stage_label) {
  auto it = gauge_cells_.find(stage_label);
  if (it == gauge_cells_.end()) {
    auto cell = std::make_unique<pool_gauge_cell>();
    cell->gauges = services_.metrics->upstream_gauges(stage_label);
    it = gauge_cells_.emplace(std::string(stage_label), std::move(cell)).first;
  }
  return it->second.get();
}

void worker::add_session(http_session& s) {
  s.registry_slot = sessions_.size();
  sessions_.push_back(&s);
}

void worker::remove_session(http_session& s) noexcept {
  const std::size_t slot = s.registry_slot;
  if (slot < sessions_.size() && sessions_[slot] == &s) {
    sessions_[slot] = sessions_.back();
    sessions_[slot]->registry_slot = slot;
    sessions_.pop_back();
  }
}

void worker::do_sweep() {
  sweep_timer_.expires_after(sweep_interval);
  sweep_timer_.async_wait([this](const error_code& ec) { on_sweep(ec); });
}

void worker::on_sweep(const error_code& ec) {
  if (ec || stopped_) {
    return;
  }
  // Let go of pools (and the snapshot) a reload replaced, even when no
  // request came since.
  if (pools_config_ && reader_.shared() != pools_config_) {
    rekey_pools(reader_.shared());
  }
  const std::int64_t now = clock_.now().mono_ns;
  note_now(now);
  for (auto& p : pools_) {
    if (p) {
      p->sweep(now);
    }
  }
  for (http_session* s : sessions_) {
    s->tick(now);  // never ends a session synchronously: closing completes its handlers later
  }
  do_sweep();
}

void worker::drain_sessions() {
  // Sessions may close (and unregister) while we walk: iterate over a copy.
  std::vector<http_session*> snapshot = sessions_;
  for (http_session* s : snapshot) {
    s->drain();
  }
  for (auto& p : pools_) {
    if (p) {
      p->drain();
    }
  }
}

void worker::stop_now() {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  std::vector<http_session*> snapshot = sessions_;
  for (http_session* s : snapshot) {
    s->abort();
  }
  for (auto& p : pools_) {
    if (p) {
      p->drain();
    }
  }
  sweep_timer_.cancel();
  work_.reset();
  ioc_.stop();
}

}  // namespace ug::gateway
