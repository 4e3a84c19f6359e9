#include "gateway/proxy/upstream_reachability.hpp"

#include <chrono>
#include <utility>

namespace ug::gateway {

/// One probe: resolve, connect (under the stage's connect timeout), close.
class reach_probe : public std::enable_shared_from_this<reach_probe> {
 public:
  reach_probe(net::io_context& control, upstream_reachability& owner, std::string key,
              config::upstream_settings upstream, reach_flag flag)
      : resolver_(control),
        stream_(control),
        owner_(owner),
        key_(std::move(key)),
        upstream_(std::move(upstream)),
        flag_(std::move(flag)) {}

  void start() {
    resolver_.async_resolve(
        upstream_.host, std::to_string(upstream_.port),
        beast::bind_front_handler(&reach_probe::on_resolve, shared_from_this()));
  }

 private:
  void on_resolve(const error_code& ec, const tcp::resolver::results_type& results) {
    if (ec || results.empty()) {
      owner_.probe_done(key_);
      return;
    }
    stream_.expires_after(std::chrono::milliseconds(upstream_.connect_timeout_ms));
    stream_.async_connect(results,
                          beast::bind_front_handler(&reach_probe::on_connect, shared_from_this()));
  }

  void on_connect(const error_code& ec, const tcp::endpoint& /*ep*/) {
    if (!ec) {
      flag_->store(true, std::memory_order_relaxed);
    }
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    owner_.probe_done(key_);
  }

  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  upstream_reachability& owner_;
  std::string key_;
  config::upstream_settings upstream_;
  reach_flag flag_;
};

std::string upstream_reachability::endpoint_key(const config::upstream_settings& u) {
  return u.host + ":" + std::to_string(u.port);
}

reach_flag upstream_reachability::flag(const config::upstream_settings& u) {
  std::string key = endpoint_key(u);
  std::lock_guard lock(mutex_);
  auto it = flags_.find(key);
  if (it == flags_.end()) {
    it = flags_.emplace(std::move(key), std::make_shared<std::atomic<bool>>(false)).first;
  }
  return it->second;
}

bool upstream_reachability::all_reached(const config::compiled_config& cfg) {
  std::lock_guard lock(mutex_);
  for (const config::compiled_stage& s : cfg.stages()) {
    const auto it = flags_.find(endpoint_key(s.upstream));
    if (it == flags_.end() || !it->second->load(std::memory_order_relaxed)) {
      return false;
    }
  }
  return true;
}

void upstream_reachability::probe_unreached(net::io_context& control,
                                            const config::compiled_config& cfg) {
  for (const config::compiled_stage& s : cfg.stages()) {
    reach_flag f = flag(s.upstream);
    if (f->load(std::memory_order_relaxed)) {
      continue;
    }
    std::string key = endpoint_key(s.upstream);
    if (!probing_.insert(key).second) {
      continue;
    }
    std::make_shared<reach_probe>(control, *this, std::move(key), s.upstream, std::move(f))
        ->start();
  }
}

void upstream_reachability::probe_done(const std::string& key) {
  probing_.erase(key);
}

}  // namespace ug::gateway
