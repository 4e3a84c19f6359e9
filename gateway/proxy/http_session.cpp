#include "gateway/proxy/http_session.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <span>
#include <tuple>
#include <utility>

#include "gateway/http/header_transform.hpp"
#include "gateway/http/integration_target.hpp"
#include "gateway/http/request_head_checks.hpp"
#include "gateway/proxy/worker.hpp"

namespace ug::gateway {
namespace {

/// First read of an idle keep-alive connection: enough for a typical header.
constexpr std::size_t wait_read_bytes = 4096;
/// Lingering close: after our last response, what the client still sends is
/// read and dropped for up to linger_total_time, and until it pauses for
/// linger_idle_time; then the socket closes. A client that writes its whole
/// body before reading (Python's http.client, many SDKs) thus reads our 413
/// instead of a reset that destroys it (nginx: lingering_time 30 s,
/// lingering_timeout 5 s; ours are shorter since a connection slot is held).
constexpr std::chrono::milliseconds linger_total_time{10'000};
constexpr std::chrono::milliseconds linger_idle_time{2'000};
constexpr std::size_t linger_extra_bytes = 1024 * 1024;

std::chrono::milliseconds ms(std::int64_t v) {
  return std::chrono::milliseconds(v);
}

bool is_http_parse_error(const error_code& ec) {
  return &ec.category() == &http::make_error_code(http::error::bad_target).category();
}

}  // namespace

http_session::http_session(socket_type&& socket, session_slot slot, worker& w)
    : worker_(w), slot_(std::move(slot)), client_(std::move(socket)) {
  error_code ec;
  const tcp::endpoint remote = client_.socket.remote_endpoint(ec);
  if (!ec) {
    client_ip_ = remote.address().to_string();
  }
  client_.socket.set_option(tcp::no_delay(true), ec);
  worker_.add_session(*this);
  worker_.metrics().connection_opened();
}

http_session::~http_session() {
  worker_.metrics().connection_closed();
  worker_.remove_session(*this);
}

void http_session::run() {
  // Same idiom as Beast's examples: start on the stream's executor, which is
  // already the worker's, so this costs nothing and stays correct if the
  // threading model changes.
  net::dispatch(client_.socket.get_executor(),
                beast::bind_front_handler(&http_session::do_read_header, shared_from_this()));
}

void http_session::drain() {
  if (lingering_ || phase_ == phase::waiting ||
      (phase_ == phase::reading_header && client_.buffer.size() == 0 && parser_ &&
       !parser_->got_some())) {
    phase_ = phase::closing;
    close_socket();
    return;
  }
  close_after_exchange_ = true;
}

void http_session::abort() {
  phase_ = phase::closing;
  if (auto relay = relay_.lock()) {
    relay->cancel();
  }
  close_socket();
}

void http_session::tick(std::int64_t now_mono_ns) noexcept {
  if (auto relay = relay_.lock()) {
    relay->tick(now_mono_ns);  // the exchange's deadlines are the relay's
    return;
  }
  if (deadline_.passed(now_mono_ns)) {
    // Header, keep-alive, response-write or linger timeout: the pending
    // operation completes with operation_aborted and the session ends.
    deadline_.clear();
    phase_ = phase::closing;
    close_socket();
  }
}

void http_session::expire_after(std::chrono::milliseconds d) noexcept {
  deadline_.expire_after(worker_.coarse_now_ns(), d);
}

const config::gateway_settings& http_session::settings() noexcept {
  return config_ ? config_->gateway() : worker_.config().gateway();
}

void http_session::close_socket() noexcept {
  error_code ignored;
  client_.socket.close(ignored);
}

void http_session::do_wait_request() {
  phase_ = phase::waiting;
  if (client_.buffer.size() > 0) {
    do_read_header();  // a pipelined request is already here
    return;
  }
  expire_after(ms(settings().keep_alive_timeout_ms));
  client_.socket.async_read_some(
      client_.buffer.prepare(wait_read_bytes),
      beast::bind_front_handler(&http_session::on_wait_request, shared_from_this()));
}

void http_session::on_wait_request(const error_code& ec, std::size_t n) {
  if (ec) {
    return;  // idle timeout, client closed, or drained: dropping the session closes it
  }
  client_.buffer.commit(n);
  do_read_header();
}

void http_session::do_read_header() {
  if (phase_ == phase::closing) {
    return;
  }
  phase_ = phase::reading_header;
  const config::gateway_settings& gw = settings();
  // No relay is running (its response parser, in the arena too, is gone).
  parser_.reset();
  arena_.reset();
  parser_.emplace(std::piecewise_construct, std::make_tuple(),
                  std::make_tuple(arena_allocator<char>(arena_)));
  parser_->header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(gw.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  parser_->body_limit(static_cast<std::uint64_t>(gw.max_body_bytes));
  // The header deadline runs from the first byte of a keep-alive request
  // (do_wait_request waited for it) or from accept: a client trickling a
  // header byte by byte is cut when it passes.
  expire_after(ms(gw.header_timeout_ms));
  http::async_read_header(
      client_.socket, client_.buffer, *parser_,
      beast::bind_front_handler(&http_session::on_read_header, shared_from_this()));
}

void http_session::on_read_header(const error_code& ec, std::size_t n) {
  if (phase_ == phase::closing) {
    return;
  }
  if (ec == http::error::end_of_stream || ec == net::error::operation_aborted) {
    return;
  }
  if (ec) {
    if (ec != http::error::header_limit && ec != http::error::body_limit &&
        !is_http_parse_error(ec)) {
      return;  // transport error: nothing can be sent
    }
    phase_ = phase::busy;
    now_ = worker_.clock().now();
    const std::string_view date = cached_http_date(now_.utc_ns);
    std::copy(date.begin(), date.end(), date_.begin());
    ids_.assign({}, {}, now_.utc_ns);
    config_ = worker_.config_ptr();  // the one snapshot this answer reads
    begin_exchange(n);
    exchange_.result = outcome::bad_request;
    if (ec == http::error::body_limit) {
      // A Content-Length above the limit: Beast refuses it once every field
      // is parsed (just before it would mark the head done), so the API the
      // request is for, and its REQUEST_TOO_LARGE response, are known.
      find_responses_stage(parser_->get().target());
    }
    const gateway_response r = ec == http::error::header_limit ? gateway_response::header_too_large
                               : ec == http::error::body_limit ? gateway_response::request_too_large
                                                               : gateway_response::bad_request;
    respond(r, false, nullptr, false);
    return;
  }
  handle_request(n);
}

void http_session::handle_request(std::size_t header_bytes) {
  phase_ = phase::busy;
  // The one clock reading of this request: admission, quota period, Date and
  // the trace root all use it.
  now_ = worker_.clock().now();
  worker_.note_now(now_.mono_ns);
  deadline_.clear();  // the exchange's deadlines are the relay's, or respond()'s
  config_ = worker_.config_ptr();
  begin_exchange(header_bytes);
  const auto& req = parser_->get();
  const head_facts head = check_request_head(req);

  const std::string_view date = cached_http_date(now_.utc_ns);
  std::copy(date.begin(), date.end(), date_.begin());
  ids_.assign(head.request_id, head.trace_id, now_.utc_ns);
  request_keep_alive_ = head.keep_alive;
  expect_continue_ = head.expect_continue;
  const bool keep_alive = request_keep_alive_ && client_may_stay_open();

  if (head.problem != head_problem::none) {
    // The framing (or whose key this is) is in doubt: answer and close, so
    // no byte after this head is read as a request.
    find_responses_stage(req.target());
    const gateway_response r = head.problem == head_problem::duplicate_api_key
                                   ? gateway_response::forbidden
                               : head.problem == head_problem::unsupported_transfer_coding
                                   ? gateway_response::not_implemented
                                   : gateway_response::bad_request;
    exchange_.result =
        head.problem == head_problem::duplicate_api_key ? outcome::forbidden : outcome::bad_request;
    respond(r, false, nullptr, false);
    return;
  }
  const canonical_target canonical = canonicalize_target(req.target(), canonical_target_);
  if (canonical.problem != target_problem::none) {
    exchange_.result = outcome::bad_request;
    respond(gateway_response::bad_request, keep_alive, nullptr, false);
    return;
  }

  config::request_facts facts;
  facts.method = req.method_string();
  facts.target = canonical_target_;
  facts.host = req[http::field::host];  // at most one: check_request_head refuses two
  facts.lowest_depth_segments = canonical.lowest_depth_segments;
  facts.now = now_;
  facts.api_key = head.api_key;
  facts.has_api_key = head.has_api_key;
  const config::verdict v = config_->decide(facts);
  worker_.metrics().count_state_failure(v.admission.state_failure);
  const bool keyed = !v.plan_id.empty();
  responses_stage_ = v.stage_index;
  responses_base_bytes_ = v.forward_path_offset;

  if (v.result != config::outcome::missing_auth_token && v.stage_index < config_->stages().size()) {
    exchange_.stage = config_->stages()[v.stage_index].stage_name;
  }
  exchange_.resource = v.resource_path;
  exchange_.key_id = v.key_id;
  exchange_.plan_id = v.plan_id;
  exchange_.result = v.result;
  switch (v.result) {
    case config::outcome::forward:
      charged_ = v.charged;
      admission_ = v.admission;
      forward(v, now_, keep_alive);
      return;
    case config::outcome::missing_auth_token:
      respond(gateway_response::missing_authentication_token, keep_alive, nullptr, false);
      return;
    case config::outcome::forbidden:
      respond(gateway_response::forbidden, keep_alive, nullptr, false);
      return;
    case config::outcome::throttled:
      exchange_.throttled = true;
      exchange_.level = v.admission.level;
      respond(gateway_response::throttled, keep_alive, &v.admission, keyed);
      return;
    case config::outcome::quota_exceeded:
      respond(gateway_response::quota_exceeded, keep_alive, &v.admission, keyed);
      return;
    case config::outcome::upstream_error:  // decide() never returns it
    case config::outcome::bad_request:
      break;
  }
  exchange_.result = outcome::bad_request;
  respond(gateway_response::bad_request, keep_alive, nullptr, false);
}

void http_session::begin_exchange(std::size_t header_bytes) {
  exchange_.stage = {};
  exchange_.resource = {};
  exchange_.key_id = {};
  exchange_.plan_id = {};
  exchange_.result = outcome::forward;
  exchange_.status = 0;
  exchange_.throttled = false;
  exchange_.level = limiter::limit_level::account;
  exchange_.header_bytes = header_bytes;
  exchange_.relay = relay_stats{};
  exchange_.open = true;
  responses_stage_ = config::no_stage;
}

void http_session::finish_exchange(int status, std::size_t bytes_out) noexcept {
  if (!exchange_.open) {
    return;
  }
  exchange_.open = false;
  const std::int64_t duration_ns =
      std::max<std::int64_t>(0, worker_.clock().now().mono_ns - now_.mono_ns);
  std::string_view method;
  std::string_view target;
  if (parser_) {
    const auto& req = parser_->get();
    method = req.method_string();
    target = req.target();
  }

  request_record rec;
  rec.stage = exchange_.stage;
  // A refusal before any resource matched still needs a label value that
  // says so; "" would read as "label absent" in PromQL.
  rec.resource = exchange_.resource.empty() ? std::string_view("none") : exchange_.resource;
  rec.method = method;
  rec.status = status;
  rec.result = exchange_.result;
  rec.duration_ns = duration_ns;
  rec.upstream_ttfb_ns = exchange_.relay.upstream_ttfb_ns;
  rec.bytes_in = exchange_.header_bytes + exchange_.relay.bytes_in;
  rec.bytes_out = exchange_.relay.bytes_out + bytes_out;
  rec.key_id = exchange_.key_id;
  rec.plan_id = exchange_.plan_id;
  rec.throttled = exchange_.throttled;
  rec.level = exchange_.level;
  rec.client_watches = exchange_.relay.client_watches;
  rec.client_watch_failures = exchange_.relay.client_watch_failures;
  worker_.metrics().record(rec);

  if (access_log* log = worker_.log()) {
    access_record a;
    a.time_utc_ns = now_.utc_ns;
    a.request_id = ids_.request_id();
    a.trace_id = ids_.trace_id();
    a.key_id = exchange_.key_id;
    a.plan_id = exchange_.plan_id;
    a.stage = exchange_.stage;
    a.method = method;
    a.path = target;
    a.status = status;
    a.result = exchange_.result;
    a.bytes_in = rec.bytes_in;
    a.bytes_out = rec.bytes_out;
    a.upstream_latency_ns = exchange_.relay.upstream_ttfb_ns;
    a.total_latency_ns = duration_ns;
    log->append(static_cast<unsigned>(worker_.index()), a);
  }
}

void http_session::forward(const config::verdict& v, limiter::instant now, bool keep_alive) {
  const config::compiled_stage& stage = config_->stages()[v.stage_index];
  const std::shared_ptr<upstream_pool>& pool = worker_.pool(config_, v.stage_index);
  const auto& req = parser_->get();
  const bool strict = config_->gateway().aws_strict;
  const bool with_rate_limit = !strict && !v.plan_id.empty() &&
                               format_rate_limit_fields(v.admission, now.utc_ns, rate_limit_);

  build_forward_target(v, stage.upstream.base_path, canonical_target_, target_scratch_);
  upstream_request_context up;
  up.method = v.integration_method;
  up.target = target_scratch_;
  up.host = pool->host_value();
  up.client_ip = client_ip_;
  up.trace_id = ids_.trace_id();
  up.forward_api_key = stage.upstream.forward_api_key;
  write_upstream_request_head(req, up, head_);

  if (!relay_buffer_) {
    relay_buffer_ = std::make_unique<char[]>(relay_buffer_bytes);
  }
  decided_request request;
  request.parser = &*parser_;
  request.now_mono_ns = now.mono_ns;
  request.head_request = req.method() == http::verb::head;
  request.expect_continue = expect_continue_;
  request.client_keep_alive = keep_alive;
  request.response.date = std::string_view(date_.data(), date_.size());
  request.response.request_id = ids_.request_id();
  request.response.apigw_id = ids_.apigw_id();
  request.response.trace_id = ids_.trace_id();
  request.response.rate_limit = with_rate_limit ? &rate_limit_ : nullptr;
  request.response.client_version = req.version();
  relay_borrowed borrowed;
  borrowed.coarse_now_ns = &worker_.coarse_now_ns();
  borrowed.clock = &worker_.clock();
  borrowed.buffer = std::span<char>(relay_buffer_.get(), relay_buffer_bytes);
  borrowed.head_buffer = &head_;
  borrowed.arena = &arena_;
  borrowed.stats = &exchange_.relay;
  auto relay = std::make_shared<proxy_relay>(shared_from_this(), pool,
                                             relay_exchange{std::move(client_), request, borrowed});
  relay_ = relay;
  relay->start();
}

bool http_session::client_may_stay_open() const noexcept {
  return !worker_.draining() && !close_after_exchange_;
}

void http_session::on_relay_done(relay_result result, bool client_keep_alive,
                                 client_stream&& client) {
  relay_.reset();
  client_ = std::move(client);
  // Cut short (client gone, upstream broke mid-response, drain timeout):
  // the status is what the client got, or 499 (nginx's "client closed
  // request") when it got nothing.
  const int cut_status = exchange_.relay.status != 0 ? exchange_.relay.status : 499;
  if (phase_ == phase::closing) {
    close_socket();  // aborted while the relay held it
    if (exchange_.relay.upstream_broke) {
      exchange_.result = outcome::upstream_error;
    }
    finish_exchange(cut_status, 0);
    return;
  }
  const bool keep_alive =
      request_keep_alive_ && parser_ && parser_->is_done() && client_may_stay_open();
  switch (result) {
    case relay_result::completed:
      finish_exchange(exchange_.relay.status, 0);
      end_exchange(client_keep_alive);
      return;
    case relay_result::integration_failure:
      exchange_.result = outcome::upstream_error;
      respond(gateway_response::integration_failure, keep_alive, nullptr, false);
      return;
    case relay_result::integration_timeout:
      exchange_.result = outcome::upstream_error;
      respond(gateway_response::integration_timeout, keep_alive, nullptr, false);
      return;
    case relay_result::request_too_large:
      exchange_.result = outcome::bad_request;
      respond(gateway_response::request_too_large, false, nullptr, false);
      return;
    case relay_result::malformed_request_body:
      // The upstream gets a body that ends early and then a closed
      // connection: never a complete request. The key pays nothing unless
      // the upstream saw the head, on which it may already have acted.
      if (!exchange_.relay.request_head_sent) {
        limiter::give_back(charged_, admission_);
      }
      exchange_.result = outcome::bad_request;
      respond(gateway_response::bad_request, false, nullptr, false);
      return;
    case relay_result::aborted:
      if (exchange_.relay.upstream_broke) {
        exchange_.result = outcome::upstream_error;
      }
      finish_exchange(cut_status, 0);
      phase_ = phase::closing;
      close_socket();
      return;
  }
}

void http_session::on_write_response(bool keep_alive, const error_code& ec, std::size_t n) {
  finish_exchange(exchange_.status, n);
  if (ec) {
    return;
  }
  if (!keep_alive) {
    do_close();
    return;
  }
  if (parser_ && !parser_->is_done()) {
    discarded_bytes_ = 0;
    do_discard_body();
    return;
  }
  end_exchange(true);
}

void http_session::do_discard_body() {
  auto& body = parser_->get().body();
  body.data = out_.data();
  body.size = out_.size();
  expire_after(ms(settings().header_timeout_ms));
  http::async_read_some(
      client_.socket, client_.buffer, *parser_,
      beast::bind_front_handler(&http_session::on_discard_body, shared_from_this()));
}

void http_session::on_discard_body(error_code ec, std::size_t /*n*/) {
  if (ec == http::error::need_buffer) {
    ec = {};
  }
  if (ec) {
    return;
  }
  discarded_bytes_ += out_.size() - parser_->get().body().size;
  if (parser_->is_done()) {
    end_exchange(true);
    return;
  }
  if (discarded_bytes_ > discard_limit_bytes) {
    do_close();
    return;
  }
  do_discard_body();
}

void http_session::end_exchange(bool keep_alive) {
  config_.reset();
  const bool again = keep_alive && parser_ && parser_->is_done() && client_may_stay_open();
  parser_.reset();
  if (!again) {
    do_close();
    return;
  }
  do_wait_request();
}

bool http_session::client_sent_more() noexcept {
  if (client_.buffer.size() > 0 || (parser_ && !parser_->is_done())) {
    return true;
  }
  char probe = 0;
  const ssize_t n = ::recv(client_.socket.native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
  return n > 0;
}

void http_session::do_close() {
  phase_ = phase::closing;
  if (!client_sent_more()) {
    // Nothing unread: a plain close sends our FIN after the response, and no
    // reset can destroy it (nginx's "lingering_close on" heuristic). Saves
    // a shutdown, a read and a wait for the client's FIN per closed connection.
    close_socket();
    return;
  }
  error_code ec;
  client_.socket.shutdown(tcp::socket::shutdown_send, ec);
  if (ec) {
    return;
  }
  linger_end_ns_ = worker_.coarse_now_ns() +
                   std::chrono::duration_cast<std::chrono::nanoseconds>(linger_total_time).count();
  // Enough for a body twice the limit to arrive; a client sending more is
  // not one that will read our answer.
  linger_bytes_left_ = 2 * settings().max_body_bytes + linger_extra_bytes;
  lingering_ = true;
  do_linger();
}

void http_session::do_linger() {
  const std::int64_t left_ms = (linger_end_ns_ - worker_.coarse_now_ns()) / 1'000'000;
  if (left_ms <= 0) {
    return;  // long enough: the destructor closes the socket
  }
  expire_after(std::min(linger_idle_time, ms(left_ms)));
  // Straight into the socket's own buffer: out_ holds nothing we still need.
  client_.socket.async_read_some(
      net::buffer(out_.data(), out_.size()),
      beast::bind_front_handler(&http_session::on_linger, shared_from_this()));
}

void http_session::on_linger(const error_code& ec, std::size_t n) {
  if (ec || n >= linger_bytes_left_) {
    return;  // EOF, a deadline, a drain, or enough: the destructor closes the socket
  }
  linger_bytes_left_ -= n;
  do_linger();
}

}  // namespace ug::gateway
