#include "gateway/worker.hpp"

#include <chrono>
#include <cstdio>
#include <exception>

#include "gateway/http_session.hpp"

namespace ug::gateway {
namespace {

constexpr std::chrono::seconds sweep_interval{1};

}  // namespace

worker::worker(std::size_t index, const config_cell& cell, const limiter::system_clock& clock,
               shared_counters& shared)
    : index_(index),
      clock_(clock),
      shared_(shared),
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
}

void worker::start() {
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

void worker::adopt(tcp::socket socket) {
  net::post(ioc_, [this, s = std::move(socket)]() mutable {
    if (stopped_) {
      shared_.live_sessions.fetch_sub(1, std::memory_order_relaxed);
      return;
    }
    std::make_shared<http_session>(std::move(s), *this)->run();
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

const std::shared_ptr<upstream_pool>& worker::pool(std::uint32_t stage_index,
                                                   const config::compiled_stage& stage) {
  if (pools_.size() <= stage_index) {
    pools_.resize(stage_index + 1);
  }
  std::shared_ptr<upstream_pool>& p = pools_[stage_index];
  if (!p || p->settings().url != stage.upstream.url ||
      p->settings().pool_size != stage.upstream.pool_size ||
      p->settings().host_header != stage.upstream.host_header) {
    if (p) {
      p->drain();  // relays still using it keep it alive until they finish
    }
    p = std::make_shared<upstream_pool>(ioc_.get_executor(), stage.upstream);
  }
  return p;
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
  shared_.live_sessions.fetch_sub(1, std::memory_order_relaxed);
}

void worker::do_sweep() {
  sweep_timer_.expires_after(sweep_interval);
  sweep_timer_.async_wait([this](const error_code& ec) { on_sweep(ec); });
}

void worker::on_sweep(const error_code& ec) {
  if (ec || stopped_) {
    return;
  }
  const std::int64_t now = clock_.now().mono_ns;
  for (auto& p : pools_) {
    if (p) {
      p->sweep(now);
    }
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
