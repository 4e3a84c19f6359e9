#include "tools/mock-llm/session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <atomic>
#include <chrono>
#include <ctime>
#include <string_view>
#include <utility>
#include <vector>

#include "common/ascii.hpp"

namespace ug::mock_llm {
namespace {

using namespace std::chrono_literals;

constexpr auto idle_timeout = 120s;  // waiting for the next request
constexpr auto io_timeout = 60s;     // one body read or one write
constexpr std::size_t header_limit_bytes = 64 * 1024;
constexpr std::uint64_t body_limit_bytes = 64u << 20;
constexpr std::size_t max_pipelined_bytes = 1u << 20;  // read while streaming, kept for later

std::atomic<std::uint64_t> next_response_id{1};

std::string_view sv(beast::string_view s) {
  return {s.data(), s.size()};
}

// One HTTP/1.1 chunk: hex size, CRLF, data, CRLF.
std::string http_chunk(std::string_view data) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string size;
  std::size_t n = data.size();
  do {
    size.insert(size.begin(), hex[n & 0xf]);
    n >>= 4;
  } while (n != 0);
  std::string out;
  out.reserve(size.size() + data.size() + 4);
  out.append(size).append("\r\n").append(data).append("\r\n");
  return out;
}

std::string sse_event(std::string_view payload) {
  std::string e = "data: ";
  e.append(payload).append("\n\n");
  return http_chunk(e);
}

}  // namespace

session::session(tcp::socket&& socket, const options& opts, stats& st)
    : stream_(std::move(socket)), timer_(stream_.get_executor()), opts_(opts), stats_(st) {
  stats_.connections_active.fetch_add(1, std::memory_order_relaxed);
}

session::~session() {
  stats_.connections_active.fetch_sub(1, std::memory_order_relaxed);
}

void session::run() {
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&session::do_read, shared_from_this()));
}

void session::do_read() {
  phase_ = phase::reading;
  parser_.emplace();
  parser_->header_limit(header_limit_bytes);
  parser_->body_limit(body_limit_bytes);
  stream_.expires_after(idle_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&session::on_header, shared_from_this()));
}

void session::on_header(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    phase_ = phase::closed;
    return;
  }
  if (ec)
    return close_now();
  const auto& h = parser_->get();
  if (auto it = h.find(http::field::expect);
      it != h.end() && common::ascii_iequals(common::trim_ows(sv(it->value())), "100-continue")) {
    static constexpr std::string_view cont = "HTTP/1.1 100 Continue\r\n\r\n";
    stream_.expires_after(io_timeout);
    net::async_write(stream_, net::buffer(cont.data(), cont.size()),
                     beast::bind_front_handler(&session::on_continue_sent, shared_from_this()));
    return;
  }
  read_body();
}

void session::on_continue_sent(beast::error_code ec, std::size_t) {
  if (ec)
    return close_now();
  read_body();
}

void session::read_body() {
  stream_.expires_after(io_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&session::on_request, shared_from_this()));
}

void session::on_request(beast::error_code ec, std::size_t) {
  if (ec)
    return close_now();
  req_ = parser_->release();
  parser_.reset();
  stats_.requests.fetch_add(1, std::memory_order_relaxed);
  phase_ = phase::responding;

  plan_ = request_plan{};
  plan_.latency_ms = opts_.latency_ms;
  plan_.chunk_interval_ms = opts_.chunk_interval_ms;
  plan_.tokens = opts_.tokens;
  auto header_uint = [&](std::string_view name, std::uint64_t max) -> std::optional<std::uint64_t> {
    auto it = req_.find(beast::string_view(name.data(), name.size()));
    if (it == req_.end())
      return std::nullopt;
    return parse_uint(common::trim_ows(sv(it->value())), max);
  };
  if (auto v = header_uint("x-mock-latency-ms", 600'000))
    plan_.latency_ms = static_cast<std::uint32_t>(*v);
  if (auto v = header_uint("x-mock-chunk-interval-ms", 60'000)) {
    plan_.chunk_interval_ms = static_cast<std::uint32_t>(*v);
  }
  if (auto v = header_uint("x-mock-tokens", 1'000'000))
    plan_.tokens = *v;
  if (auto v = header_uint("x-mock-status", 599); v && *v >= 200)
    plan_.status = static_cast<unsigned>(*v);
  plan_.drop_after = header_uint("x-mock-drop-after-chunks", 1'000'000);
  if (auto v = header_uint("x-mock-close-before-response", 1))
    plan_.close_before_response = *v == 1;
  if (auto v = header_uint("x-mock-body-bytes", body_limit_bytes))
    plan_.body_bytes = *v;

  if (plan_.close_before_response) {
    phase_ = phase::closed;
    return close_now();
  }
  const auto target = sv(req_.target());
  const bool is_stats = target.substr(0, target.find('?')) == "/mock/stats";
  if (plan_.latency_ms == 0 || is_stats)
    return respond();
  timer_.expires_after(std::chrono::milliseconds(plan_.latency_ms));
  timer_.async_wait(beast::bind_front_handler(&session::on_latency, shared_from_this()));
}

void session::on_latency(beast::error_code ec) {
  if (ec)
    return close_now();
  respond();
}

void session::respond() {
  const auto target = sv(req_.target());
  auto path = target.substr(0, target.find('?'));
  // A gateway stage may strip its "/v1" base path before forwarding, so the
  // OpenAI routes also answer without it ("/chat/completions").
  const bool openai_route = path.rfind("/v1/", 0) == 0;
  if (openai_route)
    path.remove_prefix(3);
  const auto method = req_.method();
  auto method_not_allowed = [&] {
    send(405, error_json("Method not allowed", "invalid_request_error", "method_not_allowed"),
         "application/json");
  };
  if (!openai_route && path == "/mock/stats") {
    if (method != http::verb::get)
      return method_not_allowed();
    return send(200, stats_.to_json(), "application/json");
  }
  if (plan_.status && *plan_.status != 200) {
    const bool server = *plan_.status >= 500;
    return send(*plan_.status,
                error_json("mock failure requested by x-mock-status",
                           server ? "server_error" : "invalid_request_error",
                           "mock_status_" + std::to_string(*plan_.status)),
                "application/json");
  }
  if (path == "/models") {
    if (method != http::verb::get)
      return method_not_allowed();
    return send(200, models_json(static_cast<std::int64_t>(std::time(nullptr))),
                "application/json");
  }
  // The reference scenarios' resource (GET /endpoint), so the demo's scenario
  // stages answer 200 like a deployed API would.
  if (!openai_route && path == "/endpoint") {
    if (method != http::verb::get)
      return method_not_allowed();
    return send(200, R"({"message":"hello from mock-llm /endpoint"})", "application/json");
  }
  if (path == "/echo") {
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& f : req_) {
      headers.emplace_back(std::string(sv(f.name_string())), std::string(sv(f.value())));
    }
    return send(200, echo_json(sv(req_.method_string()), target, headers, req_.body()),
                "application/json");
  }
  if (path == "/chat/completions" || path == "/completions") {
    if (method != http::verb::post)
      return method_not_allowed();
    const auto kind = path == "/completions" ? api_kind::completions : api_kind::chat;
    auto parsed = inspect_request(req_.body());
    const auto n = next_response_id.fetch_add(1, std::memory_order_relaxed);
    ids_.id =
        std::string(kind == api_kind::chat ? "chatcmpl-mock-" : "cmpl-mock-") + std::to_string(n);
    ids_.created_s = static_cast<std::int64_t>(std::time(nullptr));
    ids_.model = std::move(parsed.model);
    prompt_tokens_ = prompt_tokens_for(req_.body().size());
    if (parsed.stream)
      return start_stream(kind);
    return send(200, completion_json(kind, ids_, plan_.tokens, prompt_tokens_, plan_.body_bytes),
                "application/json");
  }
  std::string msg = "Unknown path ";
  msg += target.substr(0, target.find('?'));
  send(404, error_json(msg, "invalid_request_error", "not_found"), "application/json");
}

void session::send(unsigned status, std::string body, std::string_view content_type) {
  auto res = std::make_shared<http::response<http::string_body>>();
  res->version(req_.version());
  res->result(status);
  res->set(http::field::server, "mock-llm");
  res->set(http::field::content_type, beast::string_view(content_type.data(), content_type.size()));
  res->keep_alive(req_.keep_alive());
  res->body() = std::move(body);
  res->prepare_payload();
  stream_.expires_after(io_timeout);
  // The lambda owns the response until the write completes.
  http::async_write(stream_, *res,
                    [self = shared_from_this(), res](beast::error_code ec, std::size_t n) {
                      self->on_write(res->keep_alive(), ec, n);
                    });
}

void session::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  if (ec)
    return close_now();
  if (!keep_alive) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    phase_ = phase::closed;
    return;
  }
  do_read();
}

void session::start_stream(api_kind kind) {
  phase_ = phase::streaming;
  kind_ = kind;
  events_sent_ = 0;
  keep_alive_ = req_.keep_alive();
  stream_res_.emplace(http::status::ok, req_.version());
  stream_res_->set(http::field::server, "mock-llm");
  stream_res_->set(http::field::content_type, "text/event-stream");
  stream_res_->set(http::field::cache_control, "no-cache");
  stream_res_->keep_alive(keep_alive_);
  stream_res_->chunked(true);
  stream_sr_.emplace(*stream_res_);
  stream_.expires_after(io_timeout);
  http::async_write_header(
      stream_, *stream_sr_,
      beast::bind_front_handler(&session::on_stream_header, shared_from_this()));
}

void session::on_stream_header(beast::error_code ec, std::size_t) {
  if (ec)
    return abort_stream();
  // Reading while we write is how we notice a client that left between chunks
  // (a write into a dead socket may still succeed once).
  watch_peer();
  if (plan_.drop_after && *plan_.drop_after == 0) {
    phase_ = phase::closed;
    return close_now();
  }
  write_next_event();
}

void session::watch_peer() {
  watching_ = true;
  // Straight on the socket: tcp_stream's timers belong to the writes.
  stream_.socket().async_read_some(
      buffer_.prepare(4096), beast::bind_front_handler(&session::on_peer_read, shared_from_this()));
}

void session::on_peer_read(beast::error_code ec, std::size_t bytes) {
  watching_ = false;
  if (!ec)
    buffer_.commit(bytes);  // a pipelined request: parsed after the stream
  switch (phase_) {
    case phase::streaming:
      if (ec)
        return abort_stream();
      if (buffer_.size() < max_pipelined_bytes)
        watch_peer();
      return;
    case phase::stream_done:
      return do_read();
    default:
      return;  // closed
  }
}

void session::write_next_event() {
  const std::uint64_t tokens = plan_.tokens;
  if (events_sent_ < tokens) {
    event_ = sse_event(chunk_json(kind_, ids_, events_sent_, events_sent_ + 1 == tokens));
  } else if (events_sent_ == tokens) {
    event_ = sse_event(usage_chunk_json(kind_, ids_, tokens, prompt_tokens_));
  } else if (events_sent_ == tokens + 1) {
    event_ = sse_event("[DONE]");
  } else {
    event_ = "0\r\n\r\n";  // last chunk, no trailers
  }
  stream_.expires_after(io_timeout);
  net::async_write(stream_, net::buffer(event_),
                   beast::bind_front_handler(&session::on_event_written, shared_from_this()));
}

void session::on_event_written(beast::error_code ec, std::size_t) {
  if (phase_ != phase::streaming)
    return;  // the peer watch already ended it
  if (ec)
    return abort_stream();
  const std::uint64_t tokens = plan_.tokens;
  if (events_sent_ == tokens + 2) {  // that was the last chunk
    stats_.streams_completed.fetch_add(1, std::memory_order_relaxed);
    stream_sr_.reset();
    stream_res_.reset();
    if (!keep_alive_) {
      phase_ = phase::closed;
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      if (watching_)
        stream_.socket().cancel(ignored);
      return;
    }
    phase_ = phase::stream_done;
    if (!watching_)
      return do_read();
    beast::error_code ignored;
    stream_.socket().cancel(ignored);  // on_peer_read continues with do_read()
    return;
  }
  ++events_sent_;
  if (plan_.drop_after && events_sent_ >= *plan_.drop_after) {
    phase_ = phase::closed;
    return close_now();
  }
  if (events_sent_ < tokens && plan_.chunk_interval_ms > 0) {
    timer_.expires_after(std::chrono::milliseconds(plan_.chunk_interval_ms));
    timer_.async_wait(beast::bind_front_handler(&session::on_chunk_timer, shared_from_this()));
    return;
  }
  write_next_event();
}

void session::on_chunk_timer(beast::error_code ec) {
  if (ec || phase_ != phase::streaming)
    return;
  write_next_event();
}

void session::abort_stream() {
  if (phase_ == phase::streaming)
    stats_.streams_aborted.fetch_add(1, std::memory_order_relaxed);
  phase_ = phase::closed;
  timer_.cancel();
  close_now();
}

void session::close_now() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace ug::mock_llm
