#pragma once
// One client connection of the mock: keep-alive request loop, canned OpenAI
// answers, SSE streaming on timers, and the x-mock-* failure modes.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "tools/mock-llm/openai_json.hpp"
#include "tools/mock-llm/options.hpp"
#include "tools/mock-llm/stats.hpp"

namespace ug::mock_llm {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

/// Lives as long as some async operation holds its shared_ptr; every handler
/// runs on the socket's strand. Not thread-safe: strand only.
class session : public std::enable_shared_from_this<session> {
 public:
  /// `opts` and `st` must outlive the io_context the socket belongs to.
  session(tcp::socket&& socket, const options& opts, stats& st);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  /// Starts the request loop. Call once, from any thread.
  void run();

 private:
  /// Per-request values: process defaults overridden by x-mock-* headers.
  struct request_plan {
    std::uint32_t latency_ms = 0;
    std::uint32_t chunk_interval_ms = 0;
    std::uint64_t tokens = 0;
    std::optional<unsigned> status;           // x-mock-status
    std::optional<std::uint64_t> drop_after;  // x-mock-drop-after-chunks
    bool close_before_response = false;       // x-mock-close-before-response
    std::size_t body_bytes = 0;               // x-mock-body-bytes
  };
  enum class phase { reading, responding, streaming, stream_done, closed };

  void do_read();
  void on_header(beast::error_code ec, std::size_t bytes);
  void on_continue_sent(beast::error_code ec, std::size_t bytes);
  void read_body();
  void on_request(beast::error_code ec, std::size_t bytes);
  void on_latency(beast::error_code ec);
  void respond();
  void send(unsigned status, std::string body, std::string_view content_type);
  void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);

  void start_stream(api_kind kind);
  void on_stream_header(beast::error_code ec, std::size_t bytes);
  void watch_peer();
  void on_peer_read(beast::error_code ec, std::size_t bytes);
  void write_next_event();
  void on_event_written(beast::error_code ec, std::size_t bytes);
  void on_chunk_timer(beast::error_code ec);
  void abort_stream();
  void close_now();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::request<http::string_body> req_;
  net::steady_timer timer_;
  const options& opts_;
  stats& stats_;
  request_plan plan_;
  phase phase_ = phase::reading;

  // Streaming state (valid while phase_ is streaming/stream_done).
  api_kind kind_ = api_kind::chat;
  response_ids ids_;
  std::uint64_t prompt_tokens_ = 0;
  std::uint64_t events_sent_ = 0;  // content chunks + usage + [DONE] written so far
  bool keep_alive_ = false;
  bool watching_ = false;  // a peer-watch read is outstanding
  std::string event_;      // payload of the write in flight
  std::optional<http::response<http::empty_body>> stream_res_;
  std::optional<http::response_serializer<http::empty_body>> stream_sr_;
};

}  // namespace ug::mock_llm
