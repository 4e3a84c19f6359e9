#include "gateway/admin/admin_server.hpp"

#include <array>
#include <chrono>
#include <iterator>
#include <list>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>

#include "common/json_string.hpp"
#include "gateway/net/net.hpp"
#include "gateway/telemetry/metrics.hpp"  // metrics_content_type

namespace ug::gateway {

void add_operations_routes(admin_routes& routes, operations_callbacks callbacks) {
  if (callbacks.snapshot)
    add_control_plane_routes(routes, std::move(callbacks.snapshot),
                             std::move(callbacks.control_write), callbacks.usage,
                             std::move(callbacks.control_answered));
  auto cb = std::make_shared<const operations_callbacks>(std::move(callbacks));

  routes.add("GET", "/healthz",
             [](const admin_request&) { return json_answer(200, "status", "ok"); });

  routes.add("GET", "/readyz", [cb](const admin_request&) {
    const bool ready = cb->ready && cb->ready();
    return ready ? json_answer(200, "status", "ready") : json_answer(503, "status", "not ready");
  });

  routes.add("GET", "/metrics", [cb](const admin_request&) {
    admin_response r;
    r.content_type = std::string(metrics_content_type);
    if (cb->metrics_text)
      r.body = cb->metrics_text();
    return r;
  });

  routes.add("POST", "/reload", [cb](const admin_request&) {
    if (!cb->reload)
      return json_answer(501, "message", "reload is not available");
    const reload_result result = cb->reload();
    admin_response r;
    r.status = result.ok ? 200 : 422;
    r.body.append(result.ok ? R"({"status":"ok","message":)" : R"({"status":"failed","error":)");
    common::append_json_string(r.body, result.message);
    r.body.push_back('}');
    return r;
  });
}

namespace {

class admin_session;

/// What every connection of one server shares; sessions keep it alive, so
/// nothing a pending handler touches can die before it.
struct admin_shared {
  admin_routes routes;
  admin_server_options options;
  /// Every open connection, the one that has waited longest for its client
  /// first (the one a new connection closes at the limit). Admin thread only.
  std::list<admin_session*> by_wait;
};

class admin_session : public std::enable_shared_from_this<admin_session> {
 public:
  admin_session(tcp::socket socket, std::shared_ptr<admin_shared> shared)
      : stream_(std::move(socket)), shared_(std::move(shared)) {
    place_ = shared_->by_wait.insert(shared_->by_wait.end(), this);
  }
  admin_session(const admin_session&) = delete;
  admin_session& operator=(const admin_session&) = delete;
  ~admin_session() { unlist(); }

  void run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&admin_session::do_read, shared_from_this()));
  }

  /// Closes the connection to make room for a new one. Its pending operation
  /// ends with an error; a completion already queued is ignored.
  void evict() {
    evicted_ = true;
    unlist();
    stream_.close();
  }

 private:
  static std::chrono::milliseconds ms(std::int64_t n) { return std::chrono::milliseconds(n); }

  /// A new wait for the client begins: this connection becomes the youngest.
  void waiting() {
    if (listed_)
      shared_->by_wait.splice(shared_->by_wait.end(), shared_->by_wait, place_);
  }
  void unlist() {
    if (listed_)
      shared_->by_wait.erase(place_);
    listed_ = false;
  }

  void do_read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_->options.max_header_bytes));
    parser_->body_limit(shared_->options.max_body_bytes);
    waiting();
    stream_.expires_after(ms(shared_->options.idle_timeout_ms));
    http::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&admin_session::on_header, shared_from_this()));
  }

  void on_header(error_code ec, std::size_t) {
    if (evicted_)
      return;
    if (ec)
      return on_read_error(ec);
    if (parser_->is_done())
      return on_request();
    waiting();
    stream_.expires_after(ms(shared_->options.io_timeout_ms));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&admin_session::on_body, shared_from_this()));
  }

  void on_body(error_code ec, std::size_t) {
    if (evicted_)
      return;
    if (ec)
      return on_read_error(ec);
    on_request();
  }

  void on_read_error(error_code ec) {
    if (ec == http::error::end_of_stream)
      return do_close();
    if (ec == http::error::body_limit) {
      return send(json_answer(413, "message", "request body too large"), 11, false);
    }
    if (ec == http::error::header_limit) {
      return send(json_answer(431, "message", "request header too large"), 11, false);
    }
    // Timeouts and resets: the connection simply ends. A parse error gets
    // a 400 so a confused client sees why.
    if (ec.category() == make_error_code(http::error::bad_target).category()) {
      return send(json_answer(400, "message", "malformed request"), 11, false);
    }
  }

  void on_request() {
    auto& req = parser_->get();
    const std::string_view target = req.target();
    const auto q = target.find('?');
    admin_request request;
    request.method = req.method_string();
    request.path = target.substr(0, q);
    request.query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
    request.body = req.body();
    request.host = req[http::field::host];
    request.authorization = req[http::field::authorization];
    request.headers.reserve(static_cast<std::size_t>(std::distance(req.begin(), req.end())));
    for (const auto& field : req)
      request.headers.emplace_back(field.name_string(), field.value());
    if (const auto origin = req.find(http::field::origin); origin != req.end()) {
      request.has_origin = true;
      request.origin = origin->value();
    }
    if (const auto type = req.find(http::field::content_type); type != req.end()) {
      request.has_content_type = true;
      request.content_type = type->value();
    }
    // The request's one clock reading, which a SigV4 X-Amz-Date is judged by.
    const std::int64_t now_utc_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count();
    if (auto refusal = refuse_admin_request(shared_->options.access, request, now_utc_ns)) {
      mark_control_plane_refusal(request, *refusal);
      return send(std::move(*refusal), req.version(), req.keep_alive());
    }
    send(shared_->routes.dispatch(request), req.version(), req.keep_alive());
  }

  void send(admin_response answer, unsigned version, bool keep_alive) {
    response_.emplace(static_cast<http::status>(answer.status), version);
    response_->set(http::field::content_type, answer.content_type);
    response_->set(http::field::cache_control, "no-store");
    for (auto& [name, value] : answer.headers)
      response_->set(name, value);
    response_->body() = std::move(answer.body);
    response_->keep_alive(keep_alive);
    response_->prepare_payload();
    waiting();
    stream_.expires_after(ms(shared_->options.io_timeout_ms));
    http::async_write(
        stream_, *response_,
        beast::bind_front_handler(&admin_session::on_write, shared_from_this(), keep_alive));
  }

  void on_write(bool keep_alive, error_code ec, std::size_t) {
    if (ec || evicted_)
      return;
    if (!keep_alive)
      return do_close();
    do_read();
  }

  // Lingering close: after our FIN, read and discard what the client still
  // sends (an unread request body), bounded in bytes and time. Closing with
  // unread input would make the kernel send RST, which can destroy the answer
  // (e.g. a 413) before the client has read it.
  void do_close() {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    waiting();
    stream_.expires_after(std::chrono::seconds(1));
    do_discard();
  }
  void do_discard() {
    stream_.async_read_some(
        net::buffer(discard_),
        beast::bind_front_handler(&admin_session::on_discard, shared_from_this()));
  }
  void on_discard(error_code ec, std::size_t n) {
    discarded_bytes_ += n;
    if (ec || evicted_ || discarded_bytes_ > max_discard_bytes)
      return;
    do_discard();
  }

  static constexpr std::size_t max_discard_bytes = 1024 * 1024;

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  std::shared_ptr<admin_shared> shared_;
  std::list<admin_session*>::iterator place_;
  bool listed_ = true;
  bool evicted_ = false;
  std::array<char, 4096> discard_{};
  std::size_t discarded_bytes_ = 0;
};

class admin_listener : public std::enable_shared_from_this<admin_listener> {
 public:
  admin_listener(net::io_context& ioc, std::shared_ptr<admin_shared> shared)
      : ioc_(ioc), acceptor_(ioc), shared_(std::move(shared)) {}

  error_code listen(const tcp::endpoint& endpoint) {
    error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec)
      acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec)
      acceptor_.bind(endpoint, ec);
    if (!ec)
      acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      error_code ignored;
      acceptor_.close(ignored);
    }
    return ec;
  }
  [[nodiscard]] std::uint16_t port() const {
    error_code ec;
    return acceptor_.local_endpoint(ec).port();
  }

  void do_accept() {
    acceptor_.async_accept(
        ioc_, beast::bind_front_handler(&admin_listener::on_accept, shared_from_this()));
  }
  void close() {
    error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  void on_accept(error_code ec, tcp::socket socket) {
    if (!acceptor_.is_open())
      return;
    if (!ec) {
      // Room for the newcomer (a health probe, usually) before a client that
      // sits on its connection: the longest waiter has had its chance.
      auto& open = shared_->by_wait;
      if (open.size() >= shared_->options.max_connections && !open.empty())
        open.front()->evict();
      if (open.size() < shared_->options.max_connections)
        std::make_shared<admin_session>(std::move(socket), shared_)->run();
    }
    do_accept();
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  std::shared_ptr<admin_shared> shared_;
};

}  // namespace

struct admin_server::impl {
  std::shared_ptr<admin_shared> shared;
  // Reset by stop(): destroying the loop destroys the pending handlers, and
  // with them the sessions and their sockets.
  std::optional<net::io_context> ioc{std::in_place, 1};
  std::shared_ptr<admin_listener> listener;
  std::thread thread;
  bool started = false;
  bool stopped = false;
};

admin_server::admin_server(admin_routes routes, admin_server_options options)
    : impl_(std::make_unique<impl>()) {
  impl_->shared = std::make_shared<admin_shared>();
  impl_->shared->routes = std::move(routes);
  impl_->shared->options = std::move(options);
}

admin_server::~admin_server() {
  stop();
}

boost::system::error_code admin_server::start() {
  if (impl_->started || impl_->stopped) {
    return make_error_code(boost::system::errc::operation_not_permitted);
  }
  error_code ec;
  const auto address = net::ip::make_address(impl_->shared->options.address, ec);
  if (ec)
    return ec;
  impl_->listener = std::make_shared<admin_listener>(*impl_->ioc, impl_->shared);
  ec = impl_->listener->listen(tcp::endpoint(address, impl_->shared->options.port));
  if (ec) {
    impl_->listener.reset();
    return ec;
  }
  port_ = impl_->listener->port();
  impl_->listener->do_accept();
  impl_->started = true;
  impl_->thread = std::thread([ioc = &*impl_->ioc] { ioc->run(); });
  return {};
}

void admin_server::stop() {
  if (!impl_ || impl_->stopped)
    return;
  impl_->stopped = true;
  if (!impl_->started)
    return;
  impl_->ioc->stop();
  impl_->thread.join();
  // The loop no longer runs, so this thread may touch its objects: close the
  // port now, then let the io_context take the sessions down with it.
  impl_->listener->close();
  impl_->listener.reset();
  impl_->ioc.reset();
}

}  // namespace ug::gateway
