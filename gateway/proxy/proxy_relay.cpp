#include "gateway/proxy/proxy_relay.hpp"

#include <algorithm>
#include <string_view>
#include <tuple>
#include <utility>

namespace ug::gateway {
namespace {

constexpr std::string_view continue_response = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::uint32_t upstream_header_limit_bytes = 64 * 1024;
/// 1xx responses skipped before the final one; more is a broken upstream.
constexpr int max_interim_responses = 8;
/// Room the client watch offers a pipelined next request.
constexpr std::size_t watch_read_bytes = 4096;

/// The upstream dropped the connection without a byte of response: the
/// classic sign of a pooled connection it had already closed.
bool stale_connection_error(const error_code& ec) noexcept {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::error::connection_aborted;
}

/// The client's body broke its own framing (a bad chunk size, data past a
/// chunk, a Content-Length trailer), as opposed to the client going away.
bool malformed_body_error(const error_code& ec) noexcept {
  return ec.category() == http::make_error_code(http::error::bad_chunk).category() &&
         ec != http::error::partial_message && ec != http::error::end_of_stream &&
         ec != http::error::need_buffer && ec != http::error::body_limit;
}

}  // namespace

proxy_relay::proxy_relay(std::shared_ptr<relay_owner> owner, std::shared_ptr<upstream_pool> pool,
                         relay_exchange&& x)
    : owner_(std::move(owner)),
      pool_(std::move(pool)),
      client_(std::move(x.client)),
      request_(x.request),
      borrowed_(x.borrowed),
      client_keep_alive_(x.request.client_keep_alive),
      connect_timeout_(pool_->settings().connect_timeout_ms),
      response_timeout_(pool_->settings().response_timeout_ms),
      idle_timeout_(pool_->settings().idle_timeout_ms) {}

proxy_relay::~proxy_relay() {
  close_upstream();
}

void proxy_relay::start() {
  request_framing_ = declared_framing(*request_.parser);
  conn_ = pool_->acquire(request_.now_mono_ns);
  if (conn_) {
    reused_ = true;
    begin_request();
    return;
  }
  do_connect();
}

void proxy_relay::cancel() {
  if (done_) {
    return;
  }
  cancelled_ = true;
  close_upstream();
  if (resolver_) {
    resolver_->cancel();
  }
  // The session is closing the connection, and the socket is ours now.
  error_code ignored;
  client_.socket.close(ignored);
}

void proxy_relay::tick(std::int64_t now_mono_ns) noexcept {
  if (done_) {
    return;
  }
  if (deadline_.passed(now_mono_ns)) {
    deadline_.clear();
    timed_out_ = true;
    // Whatever is pending, on either side, completes with an error; its
    // handler sees timed_out_ where the distinction matters.
    close_upstream();
    if (resolver_) {
      resolver_->cancel();
    }
    error_code ignored;
    client_.socket.cancel(ignored);
    return;
  }
  watch_if_slow(now_mono_ns);
}

void proxy_relay::expire_after(std::chrono::milliseconds d) noexcept {
  deadline_.expire_after(*borrowed_.coarse_now_ns, d);
}

void proxy_relay::do_connect() {
  reused_ = false;
  conn_ = pool_->make_connection();
  if (pool_->endpoints().empty()) {
    // Resolved once per worker and cached: the pool outlives exchanges.
    expire_after(connect_timeout_);
    resolver_.emplace(pool_->executor());
    resolver_->async_resolve(
        pool_->settings().host, std::to_string(pool_->settings().port),
        beast::bind_front_handler(&proxy_relay::on_resolve, shared_from_this()));
    return;
  }
  expire_after(connect_timeout_);
  net::async_connect(conn_->socket, pool_->endpoints(),
                     beast::bind_front_handler(&proxy_relay::on_connect, shared_from_this()));
}

void proxy_relay::on_resolve(const error_code& ec, tcp::resolver::results_type results) {
  if (finish_if_abandoned()) {
    return;
  }
  if (ec || results.empty()) {
    finish(relay_result::integration_failure);
    return;
  }
  pool_->set_endpoints(std::move(results));
  expire_after(connect_timeout_);
  net::async_connect(conn_->socket, pool_->endpoints(),
                     beast::bind_front_handler(&proxy_relay::on_connect, shared_from_this()));
}

void proxy_relay::on_connect(const error_code& ec, const tcp::endpoint& /*ep*/) {
  if (!ec) {
    pool_->mark_reached();  // even if the client left meanwhile: the upstream answered
  }
  if (finish_if_abandoned()) {
    return;
  }
  if (ec) {
    finish(relay_result::integration_failure);
    return;
  }
  error_code ignored;
  conn_->socket.set_option(tcp::no_delay(true), ignored);
  begin_request();
}

void proxy_relay::begin_request() {
  head_pending_ = true;  // again after a retry: the new connection has seen nothing
  if (request_.expect_continue && !continue_sent_ && !request_.parser->is_done()) {
    // The head alone: the client sends its body only after "100 Continue".
    send_piece(conn_->socket, request_framing_, nullptr, 0, false,
               &proxy_relay::on_write_request_head);
    return;
  }
  do_read_request_body();
}

void proxy_relay::on_write_request_head(const error_code& ec, std::size_t /*n*/) {
  if (!request_send_went_through(ec)) {
    return;
  }
  continue_sent_ = true;
  expire_after(idle_timeout_);
  net::async_write(client_.socket, net::buffer(continue_response.data(), continue_response.size()),
                   beast::bind_front_handler(&proxy_relay::on_write_continue, shared_from_this()));
}

void proxy_relay::on_write_continue(const error_code& ec, std::size_t n) {
  count_out(n);
  if (finish_if_abandoned(ec)) {
    return;
  }
  do_read_request_body();
}

template <class Parser>
void proxy_relay::read_body_piece(socket_type& from, beast::flat_buffer& buffer, Parser& parser,
                                  body_read_handler done) {
  auto& body = parser.get().body();
  body.data = borrowed_.buffer.data();
  body.size = borrowed_.buffer.size();
  expire_after(idle_timeout_);
  http::async_read_some(from, buffer, parser, beast::bind_front_handler(done, shared_from_this()));
}

void proxy_relay::do_read_request_body() {
  if (request_.parser->is_done()) {
    write_request_piece(nullptr, 0, true);
    return;
  }
  read_body_piece(client_.socket, client_.buffer, *request_.parser,
                  &proxy_relay::on_read_request_body);
}

void proxy_relay::on_read_request_body(error_code ec, std::size_t n) {
  count_in(n);
  if (finish_if_abandoned()) {
    return;
  }
  if (ec == http::error::need_buffer) {
    ec = {};
  }
  if (ec == http::error::body_limit) {
    finish(relay_result::request_too_large);
    return;
  }
  if (malformed_body_error(ec)) {
    finish(relay_result::malformed_request_body);
    return;
  }
  if (ec) {
    finish(relay_result::aborted);
    return;
  }
  const std::size_t produced = borrowed_.buffer.size() - request_.parser->get().body().size;
  if (produced == 0 && !request_.parser->is_done()) {
    do_read_request_body();  // only framing was parsed (a chunk header)
    return;
  }
  body_started_ = body_started_ || produced > 0;
  write_request_piece(borrowed_.buffer.data(), produced, request_.parser->is_done());
}

void proxy_relay::send_piece(socket_type& to, body_framing framing, const char* data, std::size_t n,
                             bool last, piece_handler done) {
  piece_.emplace(framing,
                 head_pending_ ? std::string_view(*borrowed_.head_buffer) : std::string_view{},
                 data, n, last);
  last_piece_ = last;
  if (piece_->count() == 0) {
    (this->*done)({}, 0);  // nothing to send: the body's end needs no marker
    return;
  }
  expire_after(idle_timeout_);
  net::async_write(to, wire_piece_buffers(*piece_),
                   beast::bind_front_handler(done, shared_from_this()));
}

void proxy_relay::write_request_piece(const char* data, std::size_t n, bool last) {
  send_piece(conn_->socket, request_framing_, data, n, last, &proxy_relay::on_write_request_piece);
}

void proxy_relay::on_write_request_piece(const error_code& ec, std::size_t /*n*/) {
  if (!request_send_went_through(ec)) {
    return;
  }
  if (!last_piece_) {
    do_read_request_body();
    return;
  }
  do_read_response_header();
}

bool proxy_relay::request_send_went_through(const error_code& ec) {
  if (finish_if_abandoned()) {
    return false;
  }
  if (ec) {
    upstream_failed(ec, relay_result::integration_failure);
    return false;
  }
  head_pending_ = false;
  note_request_head_sent();
  return true;
}

void proxy_relay::do_read_response_header() {
  if (relay_stats* st = stats(); st != nullptr && st->upstream_ttfb_ns < 0) {
    st->request_sent_mono_ns = mono_now();  // again after a retry on a fresh connection
  }
  request_sent_ = true;
  response_.emplace(std::piecewise_construct, std::make_tuple(),
                    std::make_tuple(arena_allocator<char>(*borrowed_.arena)));
  response_->header_limit(upstream_header_limit_bytes);
  response_->body_limit(boost::none);  // relayed, never accumulated
  if (request_.head_request) {
    response_->skip(true);
  }
  expire_after(response_timeout_);
  http::async_read_header(
      conn_->socket, conn_->buffer, *response_,
      beast::bind_front_handler(&proxy_relay::on_read_response_header, shared_from_this()));
}

void proxy_relay::on_read_response_header(const error_code& ec, std::size_t /*n*/) {
  if (finish_if_abandoned()) {
    return;
  }
  if (timed_out_) {
    finish(relay_result::integration_timeout);
    return;
  }
  if (ec) {
    upstream_failed(ec, relay_result::integration_failure);
    return;
  }
  if (relay_stats* st = stats(); st != nullptr && st->upstream_ttfb_ns < 0) {
    st->upstream_ttfb_ns = std::max<std::int64_t>(0, mono_now() - st->request_sent_mono_ns);
  }
  const auto& res = response_->get();
  if (res.result_int() / 100 == 1) {
    if (res.result_int() == 101) {  // no Upgrade was forwarded; a switch is a protocol error
      finish(relay_result::integration_failure);
      return;
    }
    if (++interim_responses_ > max_interim_responses) {
      finish(relay_result::integration_failure);  // each one takes header arena space
      return;
    }
    do_read_response_header();  // interim response: the client did not ask for it
    return;
  }
  upstream_keep_alive_ = response_->keep_alive();
  client_response_context ctx = request_.response;
  // Asked now, not taken from the request: a drain that began while the
  // upstream thought must reach this head as "Connection: close".
  ctx.keep_alive = client_keep_alive_ && owner_ && owner_->client_may_stay_open();
  ctx.head_request = request_.head_request;
  const client_response_plan plan =
      write_client_response_head(res, declared_framing(*response_), ctx, *borrowed_.head_buffer);
  response_framing_ = plan.framing;
  client_keep_alive_ = plan.keep_alive;
  head_pending_ = true;
  if (!response_->is_done() && conn_->buffer.size() == 0) {
    // No body byte is here yet (a stream, a slow body): the client gets the
    // head now, not when the first event comes. Otherwise it goes out with
    // the body bytes already read, in one send.
    write_response_piece(nullptr, 0, false);
    return;
  }
  do_read_response_body();
}

void proxy_relay::do_read_response_body() {
  if (response_->is_done()) {
    write_response_piece(nullptr, 0, true);
    return;
  }
  read_body_piece(conn_->socket, conn_->buffer, *response_, &proxy_relay::on_read_response_body);
}

void proxy_relay::on_read_response_body(error_code ec, std::size_t /*n*/) {
  if (finish_if_abandoned()) {
    return;
  }
  if (ec == http::error::need_buffer) {
    ec = {};
  }
  const std::size_t produced = borrowed_.buffer.size() - response_->get().body().size;
  if (ec == http::error::end_of_stream && response_->need_eof()) {
    // A body delimited by the upstream closing: this is its end.
    upstream_keep_alive_ = false;
    close_upstream();
    write_response_piece(borrowed_.buffer.data(), 0, true);
    return;
  }
  if (ec && head_pending_) {
    // Nothing reached the client yet: it gets a gateway answer, not a cut.
    finish(timed_out_ ? relay_result::integration_timeout : relay_result::integration_failure);
    return;
  }
  if (ec) {
    if (relay_stats* st = stats()) {
      st->upstream_broke = true;
    }
    finish(relay_result::aborted);  // the client has a partial response: only closing tells it
    return;
  }
  if (produced == 0 && !response_->is_done()) {
    do_read_response_body();
    return;
  }
  write_response_piece(borrowed_.buffer.data(), produced, response_->is_done());
}

void proxy_relay::write_response_piece(const char* data, std::size_t n, bool last) {
  send_piece(client_.socket, response_framing_, data, n, last,
             &proxy_relay::on_write_response_piece);
}

void proxy_relay::on_write_response_piece(const error_code& ec, std::size_t n) {
  count_out(n);
  if (finish_if_abandoned()) {
    return;
  }
  if (ec) {
    // The client went away mid-response: closing the upstream connection is
    // what tells the LLM server to stop generating.
    finish(relay_result::aborted);
    return;
  }
  if (head_pending_) {
    head_pending_ = false;
    if (relay_stats* st = stats()) {
      st->status = static_cast<int>(response_->get().result_int());  // what the client got
    }
  }
  if (!last_piece_) {
    do_read_response_body();
    return;
  }
  if (conn_ && upstream_keep_alive_ && response_->is_done() && !response_->need_eof() &&
      conn_->buffer.size() == 0) {
    ++conn_->exchanges;
    pool_->release(std::move(conn_), request_.now_mono_ns);
  }
  finish(relay_result::completed, client_keep_alive_);
}

void proxy_relay::upstream_failed(const error_code& ec, relay_result r) {
  const bool nothing_received =
      !response_ || (!response_->got_some() && conn_ && conn_->buffer.size() == 0);
  if (reused_ && !retried_ && !timed_out_ && !body_started_ && nothing_received &&
      stale_connection_error(ec)) {
    retried_ = true;
    ++pool_->retries;
    // Called from the failed operation's handler: nothing else is pending on
    // the old connection, so it can go now.
    close_upstream();
    conn_.reset();
    response_.reset();
    do_connect();
    return;
  }
  finish(r);
}

void proxy_relay::watch_if_slow(std::int64_t now_mono_ns) noexcept {
  // Once the client's next request (or anything) is buffered, the watch
  // stops: the session reads the rest after this exchange, and a client that
  // keeps sending cannot grow the buffer 4 KB per tick for a whole stream.
  if (done_ || watching_ || !request_sent_ || client_gone_ || client_.buffer.size() > 0 ||
      now_mono_ns - request_.now_mono_ns < slow_exchange_ns) {
    return;
  }
  relay_stats* st = stats();
  try {
    watch_client();
    if (st != nullptr) {
      ++st->client_watches;
    }
  } catch (...) {
    // Out of memory for the handler. Not watching costs only the early
    // cancel, so the exchange goes on; the metric says it happened.
    if (st != nullptr) {
      ++st->client_watch_failures;
    }
  }
}

void proxy_relay::watch_client() {
  if (watching_) {
    return;
  }
  // A read, not a wait: Asio re-arms epoll (one epoll_ctl) for every
  // non-speculative wait, while a read on a socket whose last read drained it
  // is only queued. Bytes it gets are the client's next (pipelined) request
  // and go where the session will parse them.
  client_.socket.async_read_some(
      client_.buffer.prepare(watch_read_bytes),
      beast::bind_front_handler(&proxy_relay::on_client_readable, shared_from_this()));
  watching_ = true;  // only once the read is pending: either call above may throw
}

void proxy_relay::on_client_readable(const error_code& ec, std::size_t n) {
  watching_ = false;
  client_.buffer.commit(n);
  if (done_) {
    report();  // finish() waited for this read to end before handing the client back
    return;
  }
  if (n > 0 || ec == net::error::operation_aborted) {
    return;  // a pipelined next request: the session reads it after this exchange
  }
  // EOF or error: the client is gone. Closing the upstream completes its
  // pending operation, whose handler ends the exchange.
  client_gone_ = true;
  close_upstream();
}

bool proxy_relay::finish_if_abandoned(const error_code& ec) {
  if (!cancelled_ && !client_gone_ && !ec) {
    return false;
  }
  finish(relay_result::aborted);
  return true;
}

void proxy_relay::finish(relay_result r, bool client_keep_alive) {
  if (done_) {
    return;
  }
  done_ = true;
  // The parser's fields live in the owner's arena, which the owner resets
  // once told: they must be gone before.
  response_.reset();
  result_ = r;
  result_keep_alive_ = client_keep_alive;
  if (r != relay_result::completed) {
    close_upstream();
  }
  deadline_.clear();
  if (watching_) {
    // The watch read may hold bytes of the next request, or write into the
    // client's buffer later: the session gets the client back only once the
    // read has ended. Nothing else is pending on the client socket now.
    error_code ignored;
    client_.socket.cancel(ignored);
    return;
  }
  report();
}

void proxy_relay::report() {
  std::shared_ptr<relay_owner> owner = std::move(owner_);
  if (owner) {
    owner->on_relay_done(result_, result_keep_alive_, std::move(client_));
  }
}

void proxy_relay::note_request_head_sent() const noexcept {
  if (relay_stats* st = stats()) {
    st->request_head_sent = true;
  }
}

void proxy_relay::count_in(std::size_t n) const noexcept {
  if (relay_stats* st = stats()) {
    st->bytes_in += n;
  }
}

void proxy_relay::count_out(std::size_t n) const noexcept {
  if (relay_stats* st = stats()) {
    st->bytes_out += n;
  }
}

std::int64_t proxy_relay::mono_now() const noexcept {
  return borrowed_.clock != nullptr ? borrowed_.clock->now().mono_ns : request_.now_mono_ns;
}

void proxy_relay::close_upstream() noexcept {
  // Close, never destroy: an operation may still be pending on this
  // connection and it references the connection's buffer. The connection
  // object goes with the relay, after the last handler ran.
  if (conn_) {
    error_code ignored;
    conn_->socket.shutdown(tcp::socket::shutdown_both, ignored);
    conn_->socket.close(ignored);
  }
}

}  // namespace ug::gateway
