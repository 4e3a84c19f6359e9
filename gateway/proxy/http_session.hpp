#pragma once
// One client connection, for its whole life on one worker: read a request
// header under limits and timeouts, take the one clock reading, ask the config
// snapshot for a verdict, then either answer with an AWS gateway response or
// hand the exchange to a proxy_relay; keep-alive until the client, a timeout
// or a drain ends it.
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "config/snapshot/compiled_config.hpp"
#include "gateway/aws/aws_responses.hpp"
#include "gateway/aws/http_date.hpp"
#include "gateway/aws/rate_limit_headers.hpp"
#include "gateway/aws/request_ids.hpp"
#include "gateway/http/bounded_parser.hpp"
#include "gateway/http/header_arena.hpp"
#include "gateway/http/request_target.hpp"
#include "gateway/net/net.hpp"
#include "gateway/proxy/client_stream.hpp"
#include "gateway/proxy/coarse_deadline.hpp"
#include "gateway/proxy/proxy_relay.hpp"
#include "gateway/proxy/shared_counters.hpp"
#include "gateway/telemetry/metrics_labels.hpp"

namespace ug::gateway {

class worker;

class http_session final : public relay_owner, public std::enable_shared_from_this<http_session> {
 public:
  /// Fixed relay buffer per connection (allocated on its first forwarded request).
  static constexpr std::size_t relay_buffer_bytes = 16 * 1024;
  /// Refused requests: a body up to this size is read and dropped to keep the
  /// connection; a larger one closes it.
  static constexpr std::size_t discard_limit_bytes = 64 * 1024;

  /// Owning worker only (every member). Registers with `w`; `socket` must be
  /// bound to the worker's executor. `slot` is the connection's place in the
  /// live-session count, given up when the session ends.
  http_session(socket_type&& socket, session_slot slot, worker& w);
  http_session(const http_session&) = delete;
  http_session& operator=(const http_session&) = delete;
  ~http_session() override;

  void run();
  /// Graceful shutdown: a connection waiting for a request closes now; one in
  /// an exchange finishes it and then closes.
  void drain();
  /// Closes the connection now, cancelling any exchange.
  void abort();

  void on_relay_done(relay_result result, bool client_keep_alive, client_stream&& client) override;
  /// No drain has begun (for the worker or this connection).
  [[nodiscard]] bool client_may_stay_open() const noexcept override;
  /// The worker's tick: the deadline of the pending operation (the relay's,
  /// during an exchange), and the slow-exchange client watch.
  void tick(std::int64_t now_mono_ns) noexcept;

  /// Position in the worker's registry (maintained by the worker).
  std::size_t registry_slot = 0;

 private:
  enum class phase : std::uint8_t { waiting, reading_header, busy, closing };

  /// One exchange as the metrics and the access log see it, filled as it
  /// goes. The views point into config_ (held until end_exchange()).
  struct exchange_facts {
    std::string_view stage;
    std::string_view resource;
    std::string_view key_id;
    std::string_view plan_id;
    outcome result = outcome::forward;
    int status = 0;  ///< of the gateway response being written (respond())
    bool throttled = false;
    limiter::limit_level level = limiter::limit_level::account;
    std::uint64_t header_bytes = 0;
    relay_stats relay;
    bool open = false;  ///< begun and not yet recorded
  };

  void do_wait_request();
  void on_wait_request(const error_code& ec, std::size_t n);
  void do_read_header();
  void on_read_header(const error_code& ec, std::size_t n);
  void handle_request(std::size_t header_bytes);
  /// Starts the facts of a new exchange (`now_` is its clock reading).
  void begin_exchange(std::size_t header_bytes);
  /// Records the exchange once, in the worker's metrics block and access
  /// log ring: `status` as sent, `bytes_out` written by the session itself.
  void finish_exchange(int status, std::size_t bytes_out) noexcept;
  void forward(const config::verdict& v, limiter::instant now, bool keep_alive);
  /// Writes gateway response `r`: the one the request's API customised
  /// (responses_stage_), else the built-in one (http_session_responses.cpp).
  void respond(gateway_response r, bool keep_alive, const limiter::admission_result* admission,
               bool keyed);
  /// For a request refused before decide(): the stage `target` and the
  /// request's one Host field address (canonical_target_ is overwritten), so
  /// that its API's gateway responses apply. Leaves no_stage when the target
  /// cannot be made canonical.
  void find_responses_stage(std::string_view target);
  void on_write_response(bool keep_alive, const error_code& ec, std::size_t n);
  void do_discard_body();
  void on_discard_body(error_code ec, std::size_t n);
  void end_exchange(bool keep_alive);
  /// Closes; when the client sent bytes we have not read, half-closes
  /// first and reads (and drops) what it still sends for a short while, so
  /// that our last response is not destroyed by a reset.
  void do_close();
  /// Bytes from the client are unread: buffered, in an unfinished request
  /// body, or waiting in the socket (a non-blocking peek).
  bool client_sent_more() noexcept;
  void do_linger();
  void on_linger(const error_code& ec, std::size_t n);
  /// keep-alive is possible after refusing a request whose body was not read.
  bool body_discardable() const;

  /// The gateway settings of the snapshot the exchange holds (config_), or
  /// between exchanges the worker's newest: an exchange reads one snapshot.
  [[nodiscard]] const config::gateway_settings& settings() noexcept;
  /// The next operation must complete within `d` (else the tick closes).
  void expire_after(std::chrono::milliseconds d) noexcept;
  void close_socket() noexcept;

  worker& worker_;
  session_slot slot_;
  /// The client; moved into the relay for a forwarded exchange and back in
  /// on_relay_done (moved-from, closed and empty, meanwhile).
  client_stream client_;
  coarse_deadline deadline_;  ///< of the session's own pending operation
  header_arena arena_;        ///< the exchange's header fields; before the parser (outlives it)
  /// The request being read; lent to the relay during a forwarded exchange.
  std::optional<request_parser> parser_;
  std::shared_ptr<const config::compiled_config> config_;  ///< held for the whole exchange
  request_ids ids_;
  rate_limit_fields rate_limit_;
  http_date_text date_{};
  limiter::instant now_;
  /// What the forwarded exchange was charged, for limiter::give_back().
  limiter::admission_chain charged_;
  limiter::admission_result admission_;
  std::array<char, max_gateway_response_bytes> out_{};  ///< gateway responses; body discard
  /// Customised gateway responses larger than out_ (allocated, and grown,
  /// the first time this connection sends one that large).
  std::unique_ptr<char[]> large_out_;
  std::size_t large_out_bytes_ = 0;
  /// Whose gateway responses the exchange gets: a stage of config_ (or
  /// no_stage), and the length in canonical_target_ of what addressed it.
  std::uint32_t responses_stage_ = config::no_stage;
  std::size_t responses_base_bytes_ = 0;
  std::string canonical_target_;  ///< routed on and forwarded (capacity kept)
  std::string target_scratch_;    ///< the upstream's target
  std::string head_;              ///< message heads written for the relay (capacity kept)
  std::string client_ip_;
  exchange_facts exchange_;
  std::unique_ptr<char[]> relay_buffer_;
  std::weak_ptr<proxy_relay> relay_;
  std::size_t discarded_bytes_ = 0;
  std::int64_t linger_end_ns_ = 0;  ///< coarse clock: the lingering close ends here
  std::size_t linger_bytes_left_ = 0;
  bool lingering_ = false;  ///< our last response is out; only dropping what the client sends
  phase phase_ = phase::waiting;
  bool request_keep_alive_ = false;
  bool expect_continue_ = false;
  bool close_after_exchange_ = false;
};

}  // namespace ug::gateway
