#pragma once
// One proxied exchange: request header and body streamed from the client to a
// pooled (or new) upstream connection, then the response header and body
// streamed back as bytes arrive (SSE included), through one fixed buffer owned
// by the session. Beast's parsers (http::buffer_body) read both sides; the
// writes are ours: each message head is written by header_transform into one
// contiguous buffer and goes out in the same send as the first body bytes
// (wire_framing), one send per relayed piece. Memory is O(buffer), never
// O(body): the next read starts only after the previous write completed.
//
// The seam with the session is relay_exchange, three named parts:
// - `client` (client_stream: socket and unparsed bytes) is moved in and
//   handed back by on_relay_done. The relay owns what it reads: while it
//   runs the session has no socket to touch, and the bytes of a pipelined
//   request the client watch reads are the relay's until it hands them back.
// - `request` is what the session decided from the head: the parser (header
//   done; the relay reads the body through it) and the exchange's facts.
//   The parser is lent, not moved: Beast deletes its move (its body reader
//   points into its own message), and a heap slot for it would cost an
//   allocation per connection. The session keeps it and does not touch it
//   until the relay reported.
// - `borrowed` is the memory and clocks the relay uses and does not own:
//   the worker's clocks, the connection's relay buffer, head buffer and
//   header arena, and where to write what it measured (relay_stats).
// The relay asks its owner one more thing, when the response head is
// written: whether the connection may stay open (a drain may have begun
// since the request was decided).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "gateway/http/bounded_parser.hpp"
#include "gateway/http/header_arena.hpp"
#include "gateway/http/header_transform.hpp"
#include "gateway/http/wire_framing.hpp"
#include "gateway/net/net.hpp"
#include "gateway/proxy/client_stream.hpp"
#include "gateway/proxy/coarse_deadline.hpp"
#include "gateway/proxy/upstream_pool.hpp"
#include "limiter/clock.hpp"

namespace ug::gateway {

/// How an exchange ended, as far as the client connection is concerned.
enum class relay_result : std::uint8_t {
  completed,               ///< response fully relayed
  integration_failure,     ///< nothing sent to the client: upstream refused/reset/closed first
  integration_timeout,     ///< nothing sent to the client: no response header in time
  request_too_large,       ///< nothing sent to the client: chunked body above max_body_bytes
  malformed_request_body,  ///< nothing sent to the client: the body's chunk framing is broken
                           ///< (stats.request_head_sent: whether the upstream saw the head)
  aborted,                 ///< the client went away, or the upstream broke mid-response
};

/// The session side of a relay. Implemented by http_session.
class relay_owner {
 public:
  virtual ~relay_owner() = default;
  /// Owning worker only. Called exactly once per relay, unless the relay is
  /// destroyed by a shutdown of the worker's io_context first. `client` is
  /// the stream the relay was given, with what it read and did not parse
  /// (a pipelined request); nothing is pending on it.
  /// `client_keep_alive`: the response allows another request (completed only).
  virtual void on_relay_done(relay_result result, bool client_keep_alive,
                             client_stream&& client) = 0;
  /// Owning worker only. Asked when the response head is written: false
  /// once the connection must close after this exchange (a drain began), so
  /// that the head says "Connection: close".
  [[nodiscard]] virtual bool client_may_stay_open() const noexcept = 0;
};

/// What a relay measured, for the metrics and the access log. Written by the
/// relay until it reports to its owner, read by the owner afterwards.
struct relay_stats {
  int status = 0;                      ///< status relayed to the client; 0 while none was
  std::uint64_t bytes_in = 0;          ///< request body bytes read from the client
  std::uint64_t bytes_out = 0;         ///< bytes written to the client (100 Continue included)
  std::int64_t upstream_ttfb_ns = -1;  ///< request sent -> first response header; -1: none
  bool upstream_broke = false;         ///< `aborted` because the upstream failed mid-response
  bool request_head_sent = false;  ///< the upstream has the request head (it may have acted on it)
  std::int64_t request_sent_mono_ns = 0;    ///< internal: start of the TTFB measure
  std::uint32_t client_watches = 0;         ///< client watches started (slow exchange)
  std::uint32_t client_watch_failures = 0;  ///< watches that could not start (no memory)
};

/// What the session decided from the request head.
struct decided_request {
  /// Header done and decided (never modified; the relay reads the body
  /// through it). Lent: the session's, untouched by it until the relay reported.
  request_parser* parser = nullptr;
  std::int64_t now_mono_ns = 0;      ///< the request's clock reading
  bool head_request = false;         ///< HEAD request: the response has no body
  bool expect_continue = false;      ///< client waits for "100 Continue" before its body
  bool client_keep_alive = true;     ///< the client allows keep-alive (and no drain yet)
  client_response_context response;  ///< ids etc. for the response header
};

/// What the relay uses and does not own; every pointer outlives the relay.
struct relay_borrowed {
  /// The worker's coarse clock (deadlines are set from it).
  const std::int64_t* coarse_now_ns = nullptr;
  /// Read for the upstream time to first byte (only when `stats` is set).
  const limiter::clock* clock = nullptr;
  std::span<char> buffer;  ///< relay buffer: body pieces, both ways
  /// Holds the upstream request head (written by write_upstream_request_head)
  /// on entry; reused for the client response head.
  std::string* head_buffer = nullptr;
  /// Where the response parser keeps its fields; reset by the owner only
  /// after the relay reported (the relay drops its parser in finish()).
  header_arena* arena = nullptr;
  relay_stats* stats = nullptr;  ///< optional; owned by the owner
};

/// Everything one exchange needs (see the top of this file).
struct relay_exchange {
  client_stream client;  ///< moved in; back through relay_owner::on_relay_done
  decided_request request;
  relay_borrowed borrowed;
};

class proxy_relay : public std::enable_shared_from_this<proxy_relay> {
 public:
  /// Owning worker only (all members).
  proxy_relay(std::shared_ptr<relay_owner> owner, std::shared_ptr<upstream_pool> pool,
              relay_exchange&& x);
  proxy_relay(const proxy_relay&) = delete;
  proxy_relay& operator=(const proxy_relay&) = delete;
  ~proxy_relay();

  void start();
  /// Closes the upstream connection and the client's socket (the session is
  /// aborting the connection); pending operations end and the owner is told
  /// `aborted` (or nothing, if the worker is stopping).
  void cancel();
  /// Owning worker only; called by the worker's tick. A passed deadline
  /// (connect, response or idle timeout) ends the exchange: the upstream is
  /// closed and the client's operations cancelled; a response-header timeout
  /// reports integration_timeout. An exchange that has run for
  /// slow_exchange_ns with its request sent starts watching the client, so
  /// that a client leaving while the upstream thinks (or between two streamed
  /// events) closes the upstream connection. Fast exchanges never watch: the
  /// watch costs a syscall.
  void tick(std::int64_t now_mono_ns) noexcept;
  static constexpr std::int64_t slow_exchange_ns = 50'000'000;

 private:
  void do_connect();
  void on_resolve(const error_code& ec, tcp::resolver::results_type results);
  void on_connect(const error_code& ec, const tcp::endpoint& ep);
  /// Starts (or, after a stale connection, restarts) the upstream request:
  /// the head goes out with the first body piece, or alone first when the
  /// client waits for "100 Continue".
  void begin_request();
  void on_write_request_head(const error_code& ec, std::size_t n);
  /// Ends the exchange (or retries on a fresh connection) if a send towards
  /// the upstream failed or the client left meanwhile; else notes the head as
  /// sent. True when the exchange goes on.
  bool request_send_went_through(const error_code& ec);
  void on_write_continue(const error_code& ec, std::size_t n);
  using body_read_handler = void (proxy_relay::*)(error_code, std::size_t);
  /// Reads the next body bytes `parser` finds on `from` (bytes already read
  /// wait in `buffer`) into the relay buffer, within the idle timeout.
  template <class Parser>
  void read_body_piece(socket_type& from, beast::flat_buffer& buffer, Parser& parser,
                       body_read_handler done);
  void do_read_request_body();
  void on_read_request_body(error_code ec, std::size_t n);
  /// One send upstream: the head if still pending, `n` body bytes, the end.
  void write_request_piece(const char* data, std::size_t n, bool last);
  void on_write_request_piece(const error_code& ec, std::size_t n);
  void do_read_response_header();
  void on_read_response_header(const error_code& ec, std::size_t n);
  void do_read_response_body();
  void on_read_response_body(error_code ec, std::size_t n);
  /// One send to the client: the head if still pending, `n` body bytes, the end.
  void write_response_piece(const char* data, std::size_t n, bool last);
  using piece_handler = void (proxy_relay::*)(const error_code&, std::size_t);
  /// One send to `to`: the head if still pending, `n` body bytes in
  /// `framing`, the end marker if `last`; `done` runs at once when there is
  /// nothing to send.
  void send_piece(socket_type& to, body_framing framing, const char* data, std::size_t n, bool last,
                  piece_handler done);
  void on_write_response_piece(const error_code& ec, std::size_t n);

  /// A failure on the upstream side before any response byte: retry once on
  /// a fresh connection when that is safe, else report `r`.
  void upstream_failed(const error_code& ec, relay_result r);
  /// Watches the client socket (once the request is sent): if the client
  /// goes away while the upstream is still thinking (no write to fail yet),
  /// the upstream connection is closed at once so the LLM stops generating.
  void watch_client();
  /// Starts the watch for an exchange slower than slow_exchange_ns.
  void watch_if_slow(std::int64_t now_mono_ns) noexcept;
  void on_client_readable(const error_code& ec, std::size_t n);
  /// Owning worker only. Ends the exchange as aborted when the session
  /// cancelled it, the client went away, or `ec` (the step that just
  /// completed) failed; true if it did.
  bool finish_if_abandoned(const error_code& ec = {});
  void finish(relay_result r, bool client_keep_alive = false);
  /// Tells the owner how the exchange ended (once; after finish()).
  void report();
  void close_upstream() noexcept;
  /// Stats are written only while the exchange is open: after finish() the
  /// owner (and its relay_stats) may be gone.
  [[nodiscard]] relay_stats* stats() const noexcept { return done_ ? nullptr : borrowed_.stats; }
  void note_request_head_sent() const noexcept;
  void count_in(std::size_t n) const noexcept;
  void count_out(std::size_t n) const noexcept;
  [[nodiscard]] std::int64_t mono_now() const noexcept;

  std::shared_ptr<relay_owner> owner_;   ///< first: outlives the parts lent by the session
  std::shared_ptr<upstream_pool> pool_;  ///< shared: a reload may replace the worker's pool
  client_stream client_;
  decided_request request_;
  relay_borrowed borrowed_;
  bool client_keep_alive_ = true;  ///< request_.client_keep_alive, then as the response head says
  upstream_connection_ptr conn_;
  std::optional<tcp::resolver> resolver_;
  std::optional<response_parser> response_;
  std::optional<wire_piece> piece_;                     ///< the send in flight (one at a time)
  body_framing request_framing_ = body_framing::none;   ///< towards the upstream
  body_framing response_framing_ = body_framing::none;  ///< towards the client
  bool head_pending_ = false;   ///< *borrowed_.head_buffer has not been sent yet
  bool last_piece_ = false;     ///< the send in flight ends its message
  int interim_responses_ = 0;   ///< 1xx responses skipped
  bool reused_ = false;         ///< conn_ came from the pool
  bool retried_ = false;        ///< the one stale-connection retry was used
  bool body_started_ = false;   ///< request body bytes were taken from the client
  bool continue_sent_ = false;  ///< "100 Continue" written to the client
  bool upstream_keep_alive_ = false;
  bool done_ = false;
  bool cancelled_ = false;     ///< cancel() ran: every handler ends the exchange
  bool watching_ = false;      ///< the client watch read is pending
  bool request_sent_ = false;  ///< the whole request went upstream (the watch may start)
  relay_result result_ = relay_result::aborted;  ///< set by finish()
  bool result_keep_alive_ = false;
  bool client_gone_ = false;  ///< the client closed while we waited on the upstream
  /// The next operation (either side) must complete within `d`.
  void expire_after(std::chrono::milliseconds d) noexcept;

  coarse_deadline deadline_;  ///< of the pending operation, checked by tick()
  bool timed_out_ = false;    ///< tick() found the deadline passed
  std::chrono::milliseconds connect_timeout_;
  std::chrono::milliseconds response_timeout_;
  std::chrono::milliseconds idle_timeout_;
};

}  // namespace ug::gateway
