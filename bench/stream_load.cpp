// stream_load: opens N concurrent SSE streams (POST /v1/chat/completions with
// "stream": true) against one HTTP/1.1 server and measures the time to first
// byte of each stream: from the moment the request is handed to the socket to
// the arrival of the first byte of the response body (the first SSE event,
// after the response header and, for a chunked body, after the chunk size
// line). Each stream is read to its end ("data: [DONE]" and the last chunk).
// Prints one line of JSON: counts, errors, TTFB percentiles in milliseconds.
//
//   stream_load --port 8080 --connections 10000 --ramp 500 --header "x-api-key: KEY"
//               --header "x-mock-tokens: 20" --header "x-mock-chunk-interval-ms: 200"
//
// Connections are opened in batches of --ramp: the next batch starts when
// every stream of the current one has its first body byte (or failed), so all
// N streams are open at once when the streams last longer than the ramp. With
// --threads T, T independent event loops each run N/T streams (ramp/T each).
// Traffic goes only to --host (127.0.0.1 by default); --timeout-s bounds the
// whole run. Exit status: 0 if every stream completed, 1 otherwise, 2 on bad
// arguments.
#include <sys/resource.h>

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench/stream_load_options.hpp"

namespace {

using stream_load::build_request;
using stream_load::options;
using stream_load::parse;
using stream_load::usage;

namespace net = boost::asio;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

// What one stream ended with; one counter per value.
enum class outcome : std::uint8_t {
  pending,
  completed,      // 200, body read to its end, "data: [DONE]" seen
  connect_error,  // connect() failed
  write_error,    // sending the request failed
  http_error,     // a status other than 200 (body then read or dropped)
  bad_response,   // unparsable header or chunk framing
  read_error,     // connection reset / EOF before the end of the stream
  no_done,        // body ended without "data: [DONE]"
  timeout,        // still running at --timeout-s
};
constexpr std::size_t outcome_count = 9;
constexpr std::array<const char*, outcome_count> outcome_names = {
    "pending",       "completed",   "connect_errors", "write_errors", "http_errors",
    "bad_responses", "read_errors", "no_done",        "timeouts"};

struct shared_result {
  std::vector<std::uint64_t> ttfb_ns;  // one per stream that got a first body byte
  std::array<std::size_t, outcome_count> outcomes{};
  std::size_t peak_open = 0;       // most streams open at once (per loop)
  std::vector<unsigned> statuses;  // non-200 statuses seen (first few)
};

bool iequals_prefix(std::string_view line, std::string_view lower_prefix) {
  if (line.size() < lower_prefix.size())
    return false;
  for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
    char c = line[i];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != lower_prefix[i])
      return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

class loop;

// One stream: connect, send, parse the response header, then decode the body
// (chunked or Content-Length or until EOF) and watch for "data: [DONE]".
class stream : public std::enable_shared_from_this<stream> {
 public:
  stream(net::io_context& ioc, loop& owner) : socket_(ioc), owner_(owner) {}
  void start(const tcp::endpoint& ep);
  void abort() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }
  outcome result() const { return result_; }

 private:
  enum class body_mode : std::uint8_t { until_eof, length, chunked };
  enum class chunk_state : std::uint8_t { size_line, data, data_crlf, trailer };

  void on_connect(const boost::system::error_code& ec);
  void on_write(const boost::system::error_code& ec);
  void read_more();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  bool parse_header();                       // false: need more bytes or failed (result_ set)
  bool consume_body(std::string_view data);  // true: the body is complete
  void body_bytes(std::string_view data);
  void finish(outcome o);

  tcp::socket socket_;
  loop& owner_;
  std::array<char, 4096> buf_{};
  std::string header_;
  bool header_done_ = false;
  bool first_byte_seen_ = false;
  unsigned status_ = 0;
  body_mode mode_ = body_mode::until_eof;
  std::uint64_t remaining_ = 0;  // length mode: body bytes; chunked: bytes of this chunk
  chunk_state chunk_ = chunk_state::size_line;
  std::string line_;  // the chunk size line or trailer line being read
  std::string tail_;  // last bytes of the body, to find "data: [DONE]" across reads
  bool done_seen_ = false;
  clock_type::time_point sent_at_{};
  outcome result_ = outcome::pending;
};

class loop {
 public:
  loop(const options& o, std::size_t connections, std::size_t ramp, const std::string& request)
      : opts_(o),
        connections_(connections),
        ramp_(std::max<std::size_t>(ramp, 1)),
        request_(request),
        deadline_(ioc_) {}

  void run() {
    const auto address = net::ip::make_address(opts_.host);
    endpoint_ = tcp::endpoint(address, opts_.port);
    streams_.reserve(connections_);
    result_.ttfb_ns.reserve(connections_);
    deadline_.expires_after(std::chrono::seconds(opts_.timeout_s));
    deadline_.async_wait([this](const boost::system::error_code& ec) {
      if (ec)
        return;
      timed_out_ = true;
      for (auto& s : streams_)
        s->abort();
    });
    next_batch();
    if (connections_ == 0)
      deadline_.cancel();
    ioc_.run();
    for (const auto& s : streams_) {
      auto o = s->result();
      if (o == outcome::pending)
        o = outcome::timeout;
      ++result_.outcomes[static_cast<std::size_t>(o)];
    }
    // Streams never started because the deadline came first.
    result_.outcomes[static_cast<std::size_t>(outcome::timeout)] += connections_ - streams_.size();
  }

  const std::string& request() const { return request_; }
  shared_result& result() { return result_; }
  bool timed_out() const { return timed_out_; }

  void first_byte(std::uint64_t ns) {
    result_.ttfb_ns.push_back(ns);
    batch_settled();
  }
  // A stream failed before its first body byte.
  void failed_early() { batch_settled(); }
  void stream_closed(unsigned status) {
    --open_;
    if (status != 0 && status != 200 && result_.statuses.size() < 8 &&
        std::find(result_.statuses.begin(), result_.statuses.end(), status) ==
            result_.statuses.end())
      result_.statuses.push_back(status);
    if (++closed_ == connections_)
      deadline_.cancel();
  }

 private:
  void batch_settled() {
    if (--in_batch_ == 0)
      next_batch();
  }
  void next_batch() {
    if (timed_out_)
      return;
    const std::size_t n = std::min(ramp_, connections_ - started_);
    in_batch_ = n;
    for (std::size_t i = 0; i < n; ++i) {
      auto s = std::make_shared<stream>(ioc_, *this);
      streams_.push_back(s);
      ++started_;
      ++open_;
      result_.peak_open = std::max(result_.peak_open, open_);
      s->start(endpoint_);
    }
  }

  const options& opts_;
  std::size_t connections_;
  std::size_t ramp_;
  const std::string& request_;
  net::io_context ioc_{1};
  tcp::endpoint endpoint_;
  net::steady_timer deadline_;
  std::vector<std::shared_ptr<stream>> streams_;
  std::size_t started_ = 0;
  std::size_t in_batch_ = 0;
  std::size_t open_ = 0;
  std::size_t closed_ = 0;
  bool timed_out_ = false;
  shared_result result_;
};

void stream::start(const tcp::endpoint& ep) {
  socket_.async_connect(ep, [self = shared_from_this()](const boost::system::error_code& ec) {
    self->on_connect(ec);
  });
}

void stream::on_connect(const boost::system::error_code& ec) {
  if (ec)
    return finish(outcome::connect_error);
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  sent_at_ = clock_type::now();
  net::async_write(socket_, net::buffer(owner_.request()),
                   [self = shared_from_this()](const boost::system::error_code& e, std::size_t) {
                     self->on_write(e);
                   });
}

void stream::on_write(const boost::system::error_code& ec) {
  if (ec)
    return finish(outcome::write_error);
  read_more();
}

void stream::read_more() {
  socket_.async_read_some(net::buffer(buf_),
                          [self = shared_from_this()](const boost::system::error_code& ec,
                                                      std::size_t n) { self->on_read(ec, n); });
}

void stream::on_read(const boost::system::error_code& ec, std::size_t n) {
  if (result_ != outcome::pending)
    return;
  if (ec) {
    if (ec == net::error::eof && header_done_ && mode_ == body_mode::until_eof)
      return finish(status_ != 200 ? outcome::http_error
                    : done_seen_   ? outcome::completed
                                   : outcome::no_done);
    return finish(owner_.timed_out() ? outcome::timeout : outcome::read_error);
  }
  std::string_view data(buf_.data(), n);
  if (!header_done_) {
    header_.append(data);
    if (!parse_header())
      return result_ == outcome::pending ? read_more() : void();
    const auto end = header_.find("\r\n\r\n") + 4;
    data = std::string_view(header_).substr(end);
    if (consume_body(data))
      return finish(status_ != 200 ? outcome::http_error
                    : done_seen_   ? outcome::completed
                                   : outcome::no_done);
    header_.clear();
    header_.shrink_to_fit();
    return result_ == outcome::pending ? read_more() : void();
  }
  if (consume_body(data))
    return finish(status_ != 200 ? outcome::http_error
                  : done_seen_   ? outcome::completed
                                 : outcome::no_done);
  if (result_ == outcome::pending)
    read_more();
}

bool stream::parse_header() {
  const auto end = header_.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (header_.size() > 65536)
      finish(outcome::bad_response);
    return false;
  }
  std::string_view head(header_.data(), end + 2);
  const auto eol = head.find("\r\n");
  const auto status_line = head.substr(0, eol);
  if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/") {
    finish(outcome::bad_response);
    return false;
  }
  const auto sp = status_line.find(' ');
  const auto code = status_line.substr(sp + 1, 3);
  if (std::from_chars(code.data(), code.data() + code.size(), status_).ec != std::errc{}) {
    finish(outcome::bad_response);
    return false;
  }
  head.remove_prefix(eol + 2);
  while (!head.empty()) {
    const auto e = head.find("\r\n");
    const auto line = head.substr(0, e);
    head.remove_prefix(e + 2);
    if (iequals_prefix(line, "transfer-encoding:")) {
      if (trim(line.substr(18)).find("chunked") != std::string_view::npos)
        mode_ = body_mode::chunked;
    } else if (iequals_prefix(line, "content-length:") && mode_ != body_mode::chunked) {
      const auto v = trim(line.substr(15));
      if (std::from_chars(v.data(), v.data() + v.size(), remaining_).ec != std::errc{}) {
        finish(outcome::bad_response);
        return false;
      }
      mode_ = body_mode::length;
    }
  }
  header_done_ = true;
  return true;
}

void stream::body_bytes(std::string_view data) {
  if (data.empty())
    return;
  if (!first_byte_seen_) {
    first_byte_seen_ = true;
    if (status_ != 200) {  // an error body: settles the batch, is no stream's TTFB
      owner_.failed_early();
      return;
    }
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - sent_at_);
    owner_.first_byte(static_cast<std::uint64_t>(ns.count()));
  }
  if (done_seen_)
    return;
  static constexpr std::string_view marker = "data: [DONE]";
  tail_.append(data);
  if (tail_.find(marker) != std::string::npos) {
    done_seen_ = true;
    tail_.clear();
    return;
  }
  if (tail_.size() > marker.size())
    tail_.erase(0, tail_.size() - marker.size());
}

// Feeds response body bytes (still framed); true once the body is complete.
bool stream::consume_body(std::string_view data) {
  switch (mode_) {
    case body_mode::until_eof:
      body_bytes(data);
      return false;
    case body_mode::length: {
      const auto n = std::min<std::uint64_t>(remaining_, data.size());
      body_bytes(data.substr(0, n));
      remaining_ -= n;
      return remaining_ == 0;
    }
    case body_mode::chunked:
      break;
  }
  while (!data.empty()) {
    switch (chunk_) {
      case chunk_state::size_line:
      case chunk_state::trailer: {
        const auto nl = data.find('\n');
        line_.append(data.substr(0, nl == std::string_view::npos ? data.size() : nl + 1));
        if (nl == std::string_view::npos) {
          data = {};
          break;
        }
        data.remove_prefix(nl + 1);
        const auto line = trim(std::string_view(line_).substr(0, line_.size() - 1));
        if (chunk_ == chunk_state::trailer) {
          line_.clear();
          if (line.empty())
            return true;  // end of the trailer section: the body is complete
          break;
        }
        const auto hex = line.substr(0, line.find(';'));
        std::uint64_t size = 0;
        if (hex.empty() ||
            std::from_chars(hex.data(), hex.data() + hex.size(), size, 16).ec != std::errc{}) {
          finish(outcome::bad_response);
          return false;
        }
        line_.clear();
        remaining_ = size;
        chunk_ = size == 0 ? chunk_state::trailer : chunk_state::data;
        break;
      }
      case chunk_state::data: {
        const auto n = std::min<std::uint64_t>(remaining_, data.size());
        body_bytes(data.substr(0, n));
        data.remove_prefix(n);
        remaining_ -= n;
        if (remaining_ == 0) {
          chunk_ = chunk_state::data_crlf;
          remaining_ = 2;
        }
        break;
      }
      case chunk_state::data_crlf: {
        const auto n = std::min<std::uint64_t>(remaining_, data.size());
        data.remove_prefix(n);
        remaining_ -= n;
        if (remaining_ == 0)
          chunk_ = chunk_state::size_line;
        break;
      }
    }
  }
  return false;
}

void stream::finish(outcome o) {
  if (result_ != outcome::pending)
    return;
  result_ = o;
  if (!first_byte_seen_)
    owner_.failed_early();
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  owner_.stream_closed(header_done_ ? status_ : 0);
  std::string().swap(tail_);
  std::string().swap(line_);
  std::string().swap(header_);
}

// Raises the soft open-file limit to the hard one; returns the limit in force.
rlim_t raise_nofile() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0)
    return 0;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  return lim.rlim_cur;
}

double percentile_ms(const std::vector<std::uint64_t>& sorted, double p) {
  if (sorted.empty())
    return 0;
  // Nearest rank.
  auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size()) + 0.999999);
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return static_cast<double>(sorted[rank - 1]) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  const auto opts = parse(argc, argv);
  if (!opts) {
    usage();
    return 2;
  }
  const rlim_t nofile = raise_nofile();
  const std::string request = build_request(*opts);

  const std::size_t t = std::min(opts->threads, std::max<std::size_t>(opts->connections, 1));
  std::vector<std::unique_ptr<loop>> loops;
  for (std::size_t i = 0; i < t; ++i) {
    const std::size_t share = opts->connections / t + (i < opts->connections % t ? 1 : 0);
    const std::size_t ramp = std::max<std::size_t>(opts->ramp / t, 1);
    loops.push_back(std::make_unique<loop>(*opts, share, ramp, request));
  }
  const auto start = clock_type::now();
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 1; i < loops.size(); ++i)
      threads.emplace_back([&l = *loops[i]] { l.run(); });
    loops[0]->run();
  }
  const double wall_s = std::chrono::duration<double>(clock_type::now() - start).count();

  std::vector<std::uint64_t> ttfb;
  std::array<std::size_t, outcome_count> outcomes{};
  std::size_t peak_open = 0;
  std::vector<unsigned> statuses;
  for (auto& l : loops) {
    auto& r = l->result();
    ttfb.insert(ttfb.end(), r.ttfb_ns.begin(), r.ttfb_ns.end());
    for (std::size_t i = 0; i < outcome_count; ++i)
      outcomes[i] += r.outcomes[i];
    peak_open += r.peak_open;
    for (auto s : r.statuses)
      if (std::find(statuses.begin(), statuses.end(), s) == statuses.end())
        statuses.push_back(s);
  }
  std::sort(ttfb.begin(), ttfb.end());

  std::string json = "{";
  char num[64];
  auto field = [&](std::string_view name, const std::string& value) {
    if (json.size() > 1)
      json += ",";
    json += "\"";
    json += name;
    json += "\":";
    json += value;
  };
  auto ms = [&](double v) {
    std::snprintf(num, sizeof num, "%.3f", v);
    return std::string(num);
  };
  field("label", "\"" + opts->label + "\"");
  field("connections", std::to_string(opts->connections));
  field("ramp", std::to_string(opts->ramp));
  field("threads", std::to_string(t));
  field("nofile", std::to_string(nofile));
  for (std::size_t i = 1; i < outcome_count; ++i)
    field(outcome_names[i], std::to_string(outcomes[i]));
  std::string st = "[";
  for (std::size_t i = 0; i < statuses.size(); ++i)
    st += (i ? "," : "") + std::to_string(statuses[i]);
  field("other_statuses", st + "]");
  field("peak_open", std::to_string(peak_open));
  field("first_bytes", std::to_string(ttfb.size()));
  field("ttfb_p50_ms", ms(percentile_ms(ttfb, 50)));
  field("ttfb_p90_ms", ms(percentile_ms(ttfb, 90)));
  field("ttfb_p99_ms", ms(percentile_ms(ttfb, 99)));
  field("ttfb_max_ms", ms(ttfb.empty() ? 0 : static_cast<double>(ttfb.back()) / 1e6));
  field("wall_s", ms(wall_s));
  json += "}";
  std::cout << json << std::endl;
  return outcomes[static_cast<std::size_t>(outcome::completed)] == opts->connections ? 0 : 1;
}
