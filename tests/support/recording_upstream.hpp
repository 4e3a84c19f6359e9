#pragma once
// An upstream for tests that need to know exactly what a proxy forwarded: it
// reads requests by the framing they declare, records each with the exact
// bytes of its head, and answers every complete one with a 200; and a model
// of what the most lenient upstream makes of a path it receives. Used by the
// differential test against nginx. Header-only, POSIX.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/ascii.hpp"
#include "tests/support/raw_server.hpp"

namespace ug::test {

/// A lower-cased copy: recorded field names are kept lower-cased.
inline std::string lower(std::string_view s) {
  return common::ascii_lower(s);
}

/// A request head as the upstream received it: its line and its fields.
struct parsed_head {
  std::string request_line;
  std::vector<std::pair<std::string, std::string>> fields;  // names lower-cased

  std::vector<std::string> values(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : fields) {
      if (k == name)
        out.push_back(v);
    }
    return out;
  }
  /// The request target (second word of the request line).
  std::string target() const {
    const auto a = request_line.find(' ');
    const auto b = request_line.rfind(' ');
    return a == std::string::npos || b <= a ? std::string{} : request_line.substr(a + 1, b - a - 1);
  }
};

parsed_head parse_head(std::string_view head) {
  parsed_head h;
  std::size_t pos = head.find("\r\n");
  h.request_line = std::string(head.substr(0, pos));
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    const std::size_t start = pos + 2;
    pos = head.find("\r\n", start);
    const std::string_view line =
        head.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start);
    if (line.empty())
      break;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      h.fields.emplace_back(lower(line), "");
    } else {
      h.fields.emplace_back(lower(line.substr(0, colon)),
                            std::string(common::trim_ows(line.substr(colon + 1))));
    }
  }
  return h;
}

/// How a request the upstream received ended.
enum class arrival {
  pending,     ///< head received, body still expected
  complete,    ///< its framing ended: the upstream answers it
  cut,         ///< the connection ended first: an upstream drops it
  unreadable,  ///< its framing has no single reading: an upstream must guess
};

/// One request as the upstream received it.
struct received_request {
  std::string head;  ///< exactly as received, up to and including the empty line
  std::string body;  ///< de-chunked
  arrival state = arrival::pending;
};

/// The upstream: reads requests by the framing they declare, records each
/// with the exact bytes of its head, and answers every complete one with a
/// 200 and a Content-Length. One listener per proxy. A request is recorded
/// when its head arrives (and settled later), so it belongs to the case that
/// sent it even when its body never comes.
class recording_upstream {
 public:
  recording_upstream() : server_([this](raw_connection& c) { serve(c); }) {}

  std::uint16_t port() const { return server_.port(); }

  std::size_t count() const {
    std::lock_guard lock(mu_);
    return requests_.size();
  }
  std::size_t complete_since(std::size_t from) const {
    std::lock_guard lock(mu_);
    return static_cast<std::size_t>(
        std::count_if(requests_.begin() + static_cast<std::ptrdiff_t>(from), requests_.end(),
                      [](const received_request& r) { return r.state == arrival::complete; }));
  }
  std::vector<received_request> since(std::size_t from) const {
    std::lock_guard lock(mu_);
    return {requests_.begin() + static_cast<std::ptrdiff_t>(std::min(from, requests_.size())),
            requests_.end()};
  }

 private:
  std::size_t open(std::string head) {
    std::lock_guard lock(mu_);
    requests_.push_back({std::move(head), {}, arrival::pending});
    return requests_.size() - 1;
  }
  void settle(std::size_t i, arrival state, std::string body = {}) {
    std::lock_guard lock(mu_);
    requests_[i].state = state;
    requests_[i].body = std::move(body);
  }

  /// Reads until `in` holds `n` bytes from `at`; false if the peer ended first.
  static bool want(raw_connection& c, std::string& in, std::size_t at, std::size_t n) {
    while (in.size() < at + n) {
      if (c.read_some(in, std::chrono::seconds(3)) != raw_connection::io::data)
        return false;
    }
    return true;
  }

  /// Decodes a chunked body starting at in[at] into `body`; returns the index
  /// after it, or sets `state` to cut (the connection ended first) or
  /// unreadable (the chunks are malformed) and returns npos.
  static std::size_t read_chunked(raw_connection& c, std::string& in, std::size_t at,
                                  std::string& body, arrival& state) {
    const auto line_end = [&](std::size_t from) {
      while (in.find("\r\n", from) == std::string::npos) {
        if (c.read_some(in, std::chrono::seconds(3)) != raw_connection::io::data)
          return std::string::npos;
      }
      return in.find("\r\n", from);
    };
    for (;;) {
      const std::size_t eol = line_end(at);
      if (eol == std::string::npos) {
        state = arrival::cut;
        return eol;
      }
      std::string size_text = in.substr(at, eol - at);
      size_text = size_text.substr(0, size_text.find(';'));
      if (size_text.empty() || size_text.size() > 15 ||
          size_text.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
        state = arrival::unreadable;
        return std::string::npos;
      }
      const std::size_t size = std::stoul(size_text, nullptr, 16);
      at = eol + 2;
      if (size == 0) {
        for (;;) {  // trailer fields up to the empty line
          const std::size_t end = line_end(at);
          if (end == std::string::npos) {
            state = arrival::cut;
            return end;
          }
          const bool empty = end == at;
          at = end + 2;
          if (empty)
            return at;
        }
      }
      if (!want(c, in, at, size + 2)) {
        state = arrival::cut;
        return std::string::npos;
      }
      body.append(in, at, size);
      if (in.compare(at + size, 2, "\r\n") != 0) {
        state = arrival::unreadable;
        return std::string::npos;
      }
      at += size + 2;
    }
  }

  void serve(raw_connection& c) {
    std::string in;
    for (;;) {
      if (!c.read_until(in, "\r\n\r\n", std::chrono::seconds(10))) {
        if (!in.empty())
          settle(open(in), arrival::cut);
        return;
      }
      const std::size_t head_end = in.find("\r\n\r\n") + 4;
      const std::string head = in.substr(0, head_end);
      const std::size_t index = open(head);
      const parsed_head h = parse_head(head);
      const auto te = h.values("transfer-encoding");
      const auto cl = h.values("content-length");
      std::string body;
      arrival state = arrival::complete;
      std::size_t end = head_end;
      if (!te.empty()) {
        // RFC 9112 §6.3: only a final "chunked" frames a request, and never
        // together with Content-Length.
        if (te.size() != 1 || lower(te[0]) != "chunked" || !cl.empty()) {
          state = arrival::unreadable;
        } else {
          end = read_chunked(c, in, head_end, body, state);
        }
      } else if (!cl.empty()) {
        if (cl.size() != 1 || cl[0].empty() || cl[0].size() > 15 ||
            cl[0].find_first_not_of("0123456789") != std::string::npos) {
          state = arrival::unreadable;
        } else {
          const std::size_t n = std::stoul(cl[0]);
          if (want(c, in, head_end, n)) {
            body = in.substr(head_end, n);
            end = head_end + n;
          } else {
            state = arrival::cut;
          }
        }
      }
      settle(index, state, std::move(body));
      if (state != arrival::complete)
        return;  // no framing to find the next request by: the connection ends
      in.erase(0, end);
      const bool close = lower(h.request_line).ends_with("http/1.0") ||
                         lower(head).find("\r\nconnection: close") != std::string::npos;
      if (!c.send_all(std::string("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                  "Content-Length: 11\r\n") +
                          (close ? "Connection: close\r\n" : "") + "\r\nfrom-origin",
                      std::chrono::seconds(5)) ||
          close)
        return;
    }
  }

  mutable std::mutex mu_;
  std::vector<received_request> requests_;  // guarded by mu_
  raw_tcp_server server_;                   // last: its handlers use the members above
};

/// What an upstream that normalises hard makes of a path: every escape
/// decoded (%2F too), '\' read as '/', ";parameters" dropped from segments
/// (servlet containers), empty segments merged, dot segments resolved.
std::string normalise_hard(std::string_view target) {
  std::string path(target.substr(0, target.find('?')));
  std::string decoded;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size() &&
        std::isxdigit(static_cast<unsigned char>(path[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(path[i + 2]))) {
      decoded.push_back(static_cast<char>(std::stoi(path.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      decoded.push_back(path[i] == '\\' ? '/' : path[i]);
    }
  }
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= decoded.size()) {
    const std::size_t slash = std::min(decoded.find('/', start), decoded.size());
    std::string seg = decoded.substr(start, slash - start);
    seg = seg.substr(0, seg.find(';'));
    if (seg == "..") {
      if (!segments.empty())
        segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    start = slash + 1;
  }
  std::string out;
  for (const auto& s : segments)
    out += "/" + s;
  return out.empty() ? "/" : out;
}

bool under_secret(const std::string& normalised) {
  for (const std::string_view p : {"/n/secret", "/p/secret"}) {
    if (normalised == p || normalised.starts_with(std::string(p) + "/"))
      return true;
  }
  return false;
}

}  // namespace ug::test
