// Differential test against nginx: one corpus of malformed or ambiguous
// requests (raw bytes) goes to usagegate and to a real nginx that this test
// starts from its own temporary prefix (never the system service), both in
// front of the same recording upstream (one server, one port per
// proxy so each proxy's traffic is attributed without timing). For each case
// the test records whether the upstream received a complete request, what it
// received, and what status the client got.
//
// Failure rules:
// - usagegate forwards a request that nginx refuses without forwarding,
//   unless the case is in `forward_allowed` (each entry matched to a
//   paragraph of docs/semantics.md, "Differential test against nginx");
// - a case the gateway's request rules refuse (docs/semantics.md, "Request
//   targets" and "Request heads") is forwarded, or answered otherwise;
// - what usagegate forwards has two readings: Transfer-Encoding with
//   Content-Length, two Content-Length, an obs-fold, a NUL; or a path with a
//   dot segment, an escaped slash or a backslash;
// - without the key, a request reaches the upstream that an upstream which
//   normalises paths would serve from a key-required /secret/ resource;
// - the upstream received more requests from usagegate than the client got
//   answers (a smuggled request).
//
// nginx mirrors the gateway's layout: /n/secret/ and /p/secret/ need the key
// (a 403 otherwise), everything else is proxied as usagegate's key-less
// resources are. nginx matches locations on the normalised path but forwards
// the request target as the client sent it; usagegate forwards its
// canonical path. The table printed at the end shows both.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/support/gateway_config_layouts.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/raw_server.hpp"
#include "tests/support/recording_upstream.hpp"

namespace ug::test {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view api_key = "edge-differential-key-000000001";
constexpr const char* nginx_binary = "/usr/sbin/nginx";
/// A field larger than the 65,535 bytes one header field may have.
constexpr std::size_t long_field_bytes = 70'000;

/// The statuses of the complete responses in `bytes`, in order (interim 1xx
/// skipped). A response without a length counts when the connection closed.
std::vector<int> response_statuses(std::string_view bytes, bool closed) {
  std::vector<int> out;
  while (!bytes.empty()) {
    const auto head_end = bytes.find("\r\n\r\n");
    if (head_end == std::string_view::npos || bytes.substr(0, 5) != "HTTP/" || bytes.size() < 12)
      break;
    const int status = std::atoi(std::string(bytes.substr(9, 3)).c_str());
    const parsed_head h = parse_head(bytes.substr(0, head_end + 4));
    std::size_t next = head_end + 4;
    const auto cl = h.values("content-length");
    if (status / 100 == 1 || status == 204 || status == 304) {
      // no body
    } else if (!cl.empty()) {
      if (cl[0].empty() || cl[0].size() > 15 ||
          cl[0].find_first_not_of("0123456789") != std::string::npos)
        break;  // not a response this test can frame: what came before counts
      next += static_cast<std::size_t>(std::stoul(cl[0]));
      if (next > bytes.size())
        break;
    } else if (!h.values("transfer-encoding").empty()) {
      const auto end = bytes.find("\r\n0\r\n\r\n", head_end);
      if (end == std::string_view::npos)
        break;
      next = end + 7;
    } else {
      if (!closed)
        break;
      next = bytes.size();
    }
    if (status / 100 != 1)
      out.push_back(status);
    bytes.remove_prefix(next);
  }
  return out;
}

/// What a client got for one case.
struct client_view {
  std::vector<int> statuses;
  bool closed = false;
  int status() const { return statuses.empty() ? 0 : statuses.front(); }
};

/// Sends `bytes` on a fresh connection and reads until the connection
/// closes, or until it has been quiet for 150 ms after at least one answer
/// (and at least as many answers as the upstream received requests), or
/// 2.5 s in all.
client_view run_case(std::uint16_t port, std::string_view bytes, const recording_upstream& upstream,
                     std::size_t upstream_before) {
  client_view v;
  http_connection c(port, 2s);
  if (!c.connected()) {
    v.closed = true;
    return v;
  }
  // A proxy may answer and close before it read everything (an oversized
  // head): the send then fails, and the answer is still there to read.
  c.send_raw(bytes);
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + 2500ms;
  auto last_growth = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < deadline) {
    v.closed = c.closed_by_peer(50ms);
    const std::string more = c.read_some(0ms);
    got += more;
    if (!more.empty())
      last_growth = std::chrono::steady_clock::now();
    if (v.closed)
      break;
    const std::size_t answers = response_statuses(got, false).size();
    const std::size_t forwarded = upstream.complete_since(upstream_before);
    if (answers >= std::max<std::size_t>(1, forwarded) &&
        std::chrono::steady_clock::now() - last_growth >= 150ms)
      break;
  }
  v.statuses = response_statuses(got, v.closed);
  return v;
}

/// Why a request usagegate forwarded could be read two ways; empty if it cannot.
std::vector<std::string> forwarding_problems(const received_request& r) {
  std::vector<std::string> out;
  const std::string head = r.head.substr(0, r.head.find("\r\n\r\n") + 4);
  const parsed_head h = parse_head(head);
  const auto te = h.values("transfer-encoding");
  const auto cl = h.values("content-length");
  if (!te.empty() && !cl.empty())
    out.emplace_back("Transfer-Encoding together with Content-Length");
  if (cl.size() > 1 || (cl.size() == 1 && cl[0].find(',') != std::string::npos))
    out.emplace_back("two Content-Length values");
  if (head.find('\0') != std::string::npos)
    out.emplace_back("a NUL byte in the head");
  if (head.find("\r\n ") != std::string::npos || head.find("\r\n\t") != std::string::npos)
    out.emplace_back("an obs-fold line");
  const std::string target = h.target();
  const std::string path = lower(target.substr(0, target.find('?')));
  if (path.find("%2f") != std::string::npos)
    out.emplace_back("an escaped slash in the path");
  if (path.find('\\') != std::string::npos || path.find("%5c") != std::string::npos)
    out.emplace_back("a backslash in the path");
  // Escaped dots are dots to any upstream that decodes unreserved characters.
  std::string dotted;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path.compare(i, 3, "%2e") == 0) {
      dotted.push_back('.');
      i += 2;
    } else {
      dotted.push_back(path[i]);
    }
  }
  const std::string padded = dotted + "/";
  if (padded.find("/./") != std::string::npos || padded.find("/../") != std::string::npos)
    out.emplace_back("a dot segment in the path");
  return out;
}

/// How a case is judged beyond the differential rule.
enum class rule {
  /// Only the differential rule and the invariants.
  differential,
  /// A harness check: both proxies must forward it.
  control_forward,
  /// A harness check: both must refuse it (the mirrored key check).
  control_refuse,
  /// The gateway's request rules refuse it (docs/semantics.md, "Request
  /// targets", "Request heads"): never forwarded, answered with `statuses`.
  refuse,
};

struct diff_case {
  std::string name;
  std::string bytes;
  rule kind = rule::differential;
  std::vector<int> statuses = {};  ///< for rule::refuse: the answers the docs allow
  bool has_key = false;            ///< sends the valid key: the /secret/ bypass check is off
  /// When usagegate forwards the case, its head must contain this.
  std::string forwarded_contains = {};
};

std::string key_field() {
  return "x-api-key: " + std::string(api_key) + "\r\n";
}

std::string get(std::string_view target, std::string_view extra = {}) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: gw\r\n" + std::string(extra) + "\r\n";
}

std::string post(std::string_view fields, std::string_view body) {
  return "POST /n/public/x HTTP/1.1\r\nHost: gw\r\n" + std::string(fields) + "\r\n" +
         std::string(body);
}

std::vector<diff_case> corpus() {
  const std::string chunked = "Transfer-Encoding: chunked\r\n";
  const std::string hello_chunks = "5\r\nhello\r\n0\r\n\r\n";
  const std::string smuggled = "GET /n/secret/x HTTP/1.1\r\nHost: gw\r\n\r\n";
  std::vector<diff_case> c = {
      {"control: key-less GET", get("/n/public/x"), rule::control_forward},
      {"control: key-required GET with the key",
       get("/n/secret/x", key_field()),
       rule::control_forward,
       {},
       true},
      {"control: key-required GET without a key", get("/n/secret/x"), rule::control_refuse},
      {"control: chunked POST", post(chunked, hello_chunks), rule::control_forward},

      // Framing.
      {"TE 'chunked, identity' with CL",
       post("Transfer-Encoding: chunked, identity\r\nContent-Length: 5\r\n", "hello"),
       rule::refuse,
       {400}},
      {"TE 'xchunked'", post("Transfer-Encoding: xchunked\r\n", hello_chunks), rule::refuse, {501}},
      {"TE 'identity'", post("Transfer-Encoding: identity\r\n", "hello"), rule::refuse, {501}},
      {"TE 'chunked , gzip'",
       post("Transfer-Encoding: chunked , gzip\r\n", hello_chunks),
       rule::refuse,
       {501}},
      {"TE chunked with CL",
       post(chunked + "Content-Length: 5\r\n", hello_chunks),
       rule::refuse,
       {400}},
      {"TE chunked, a key-less request pipelined after the last chunk",
       post(chunked, "0\r\n\r\n" + smuggled)},
      {"TE chunked, a key-less request inside the chunk data",
       post(chunked, "26\r\n" + smuggled + "\r\n0\r\n\r\n")},
      {"CL '5, 5'", post("Content-Length: 5, 5\r\n", "hello"), rule::refuse, {400}},
      {"two equal CL",
       post("Content-Length: 5\r\nContent-Length: 5\r\n", "hello"),
       rule::refuse,
       {400}},
      {"two different CL",
       post("Content-Length: 5\r\nContent-Length: 6\r\n", "hello!"),
       rule::refuse,
       {400}},
      {"CL '+5'", post("Content-Length: +5\r\n", "hello"), rule::refuse, {400}},
      {"CL with spaces around the digits", post("Content-Length:    5   \r\n", "hello")},
      {"chunk size ' 5'", post(chunked, " 5\r\nhello\r\n0\r\n\r\n"), rule::refuse, {400}},
      {"chunk size '+5'", post(chunked, "+5\r\nhello\r\n0\r\n\r\n"), rule::refuse, {400}},
      {"chunk size '0x5'", post(chunked, "0x5\r\nhello\r\n0\r\n\r\n"), rule::refuse, {400}},
      {"chunk size 'ffffffffffffffffff'",
       post(chunked, "ffffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
       rule::refuse,
       {400, 413}},
      {"more chunk data than its size",
       post(chunked, "5\r\nhelloEXTRA\r\n0\r\n\r\n"),
       rule::refuse,
       {400}},
      {"HTTP/1.0 with TE chunked",
       "POST /n/public/x HTTP/1.0\r\nHost: gw\r\n" + chunked + "\r\n" + hello_chunks,
       rule::refuse,
       {400}},

      // Host and key fields.
      {"HTTP/1.1 without Host", "GET /n/public/x HTTP/1.1\r\n\r\n", rule::refuse, {400}},
      {"two Host fields",
       "GET /n/public/x HTTP/1.1\r\nHost: gw\r\nHost: other\r\n\r\n",
       rule::refuse,
       {400}},
      {"two x-api-key, the valid one first",
       get("/n/secret/x", key_field() + "x-api-key: not-the-key-00000000000001\r\n"),
       rule::refuse,
       {403},
       true},
      {"two x-api-key, the valid one second",
       get("/n/secret/x", "x-api-key: not-the-key-00000000000001\r\n" + key_field()),
       rule::refuse,
       {403},
       true},

      // Paths: the key-required /secret/ resources spelled other ways.
      // Canonical, they are /secret/ paths without a key: 403 Forbidden.
      {"/n/public/../secret/x", get("/n/public/../secret/x"), rule::refuse, {403}},
      {"/p/%73ecret/x", get("/p/%73ecret/x"), rule::refuse, {403}},
      {"/p/secre%74/x", get("/p/secre%74/x"), rule::refuse, {403}},
      {"/p/secret%2fx", get("/p/secret%2fx"), rule::refuse, {400}},
      {"/p/./secret/x", get("/p/./secret/x"), rule::refuse, {403}},
      {"/n/public/../../etc", get("/n/public/../../etc"), rule::refuse, {400}},
      {"/n/public/../../../etc (above the root)",
       get("/n/public/../../../etc"),
       rule::refuse,
       {400}},
      // An empty segment matches nothing: 403 Missing Authentication Token.
      {"//secret/x", get("//secret/x"), rule::refuse, {403}},
      {"/p/%2e%2e/secret", get("/p/%2e%2e/secret"), rule::refuse, {400}},
      {"/p/..;/secret", get("/p/..;/secret"), rule::refuse, {400}},
      {"backslash path /p/public\\..\\secret\\x",
       get("/p/public\\..\\secret\\x"),
       rule::refuse,
       {400}},
      {"absolute-form target", get("http://gw/n/public/x"), rule::refuse, {400}},

      // Line and field syntax.
      {"bare LF line endings", "GET /n/public/x HTTP/1.1\nHost: gw\n\n"},
      {"NUL in a field value",
       get("/n/public/x", std::string("X-Nul: a\0b\r\n", 12)),
       rule::refuse,
       {400}},
      {"obs-fold continuation",
       get("/n/public/x", "X-Folded: first\r\n second\r\n"),
       rule::differential,
       {},
       false,
       "\r\nX-Folded: first second\r\n"},
      {"field over 64 KiB",
       get("/n/public/x", "X-Long: " + std::string(long_field_bytes, 'l') + "\r\n"),
       rule::refuse,
       {431}},
  };
  return c;
}

/// Cases where usagegate may forward what nginx refuses. Each entry is a
/// paragraph of docs/semantics.md, "Differential test against nginx".
const std::map<std::string, std::string, std::less<>>& forward_allowed() {
  static const std::map<std::string, std::string, std::less<>> allowed = {
      // nginx refuses obs-fold with 400; RFC 9112 §5.2 lets a server instead
      // replace each fold with spaces before forwarding, which usagegate
      // does, so the upstream gets one field on one line (checked here by
      // forwarded_contains and by forwarding_problems for every case).
      {"obs-fold continuation", "docs/semantics.md, Differential test against nginx: obs-fold"},
  };
  return allowed;
}

/// One proxy's result for one case.
struct proxy_view {
  client_view client;
  std::vector<received_request> upstream;

  /// The upstream got a request it would act on: a complete one, or one
  /// whose framing it would have to guess.
  bool forwarded() const {
    return std::any_of(upstream.begin(), upstream.end(), [](const received_request& r) {
      return r.state == arrival::complete || r.state == arrival::unreadable;
    });
  }
  std::size_t complete_count() const {
    return static_cast<std::size_t>(
        std::count_if(upstream.begin(), upstream.end(),
                      [](const received_request& r) { return r.state == arrival::complete; }));
  }
  /// "200, upstream got \"GET /n/public/x HTTP/1.1\"" style summary.
  std::string summary() const {
    std::string s = client.status() == 0 ? std::string(client.closed ? "closed" : "no answer")
                                         : std::to_string(client.status());
    for (std::size_t i = 1; i < client.statuses.size(); ++i)
      s += "+" + std::to_string(client.statuses[i]);
    if (upstream.empty())
      return s + ", nothing upstream";
    for (const auto& r : upstream) {
      std::string line = r.head.substr(0, r.head.find("\r\n"));
      if (line.size() > 60)
        line = line.substr(0, 57) + "...";
      const char* how = r.state == arrival::complete     ? ", upstream got \""
                        : r.state == arrival::unreadable ? ", upstream got an unframeable \""
                        : r.state == arrival::cut        ? ", upstream got a cut \""
                                                         : ", upstream is still reading \"";
      s += how + line + "\"";
    }
    return s;
  }
};

/// nginx in front of `upstream_port`, from its own prefix directory, in the
/// foreground and as one process (so killing it leaves no worker behind).
class nginx_server {
 public:
  nginx_server(const temp_dir& dir, std::uint16_t upstream_port) {
    // nginx cannot pick a port and report it: take a free one, and retry
    // when another process took it meanwhile.
    for (int attempt = 0; attempt < 5 && port_ == 0; ++attempt) {
      const std::uint16_t port = free_loopback_port();
      const auto conf = dir.write("nginx.conf", config(dir.path().string(), port, upstream_port));
      const std::string error_log = (dir.path() / "error.log").string();
      proc_.emplace(std::vector<std::string>{nginx_binary, "-p", dir.path().string() + "/", "-c",
                                             conf.string(), "-e", error_log, "-g", "daemon off;"});
      for (int i = 0; i < 200 && proc_->running(); ++i) {
        if (http_connection(port, 200ms).connected()) {
          port_ = port;
          break;
        }
        std::this_thread::sleep_for(25ms);
      }
      if (port_ == 0)
        failure_ += proc_->output() + "\n";
    }
  }
  ~nginx_server() {
    if (proc_) {
      proc_->send_signal(SIGTERM);
      proc_->wait_exit(5s);  // the child_process destructor kills it otherwise
    }
  }
  nginx_server(const nginx_server&) = delete;
  nginx_server& operator=(const nginx_server&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& failure() const { return failure_; }

 private:
  static std::string config(const std::string& prefix, std::uint16_t port,
                            std::uint16_t upstream_port) {
    // Every path nginx writes is under the test's prefix, so it needs no
    // root-owned directory; one process, so a kill leaves no worker behind.
    std::string conf = R"(master_process off;
error_log @PREFIX@/error.log info;
pid @PREFIX@/nginx.pid;
events { worker_connections 128; }
http {
  access_log @PREFIX@/access.log;
  client_body_temp_path @PREFIX@/client_body;
  proxy_temp_path @PREFIX@/proxy;
  fastcgi_temp_path @PREFIX@/fastcgi;
  uwsgi_temp_path @PREFIX@/uwsgi;
  scgi_temp_path @PREFIX@/scgi;
  server {
    listen 127.0.0.1:@PORT@;
    proxy_http_version 1.1;
    location / { proxy_pass http://127.0.0.1:@UPSTREAM@; }
    location /n/secret/ {
      if ($http_x_api_key != "@KEY@") { return 403; }
      proxy_pass http://127.0.0.1:@UPSTREAM@;
    }
    location /p/secret/ {
      if ($http_x_api_key != "@KEY@") { return 403; }
      proxy_pass http://127.0.0.1:@UPSTREAM@;
    }
  }
}
)";
    const std::pair<std::string_view, std::string> values[] = {
        {"@PREFIX@", prefix},
        {"@PORT@", std::to_string(port)},
        {"@UPSTREAM@", std::to_string(upstream_port)},
        {"@KEY@", std::string(api_key)}};
    for (const auto& [placeholder, value] : values) {
      for (auto at = conf.find(placeholder); at != std::string::npos;
           at = conf.find(placeholder, at + value.size()))
        conf.replace(at, placeholder.size(), value);
    }
    return conf;
  }

  std::optional<child_process> proc_;
  std::uint16_t port_ = 0;
  std::string failure_;
};

std::string gateway_config(std::uint16_t upstream_port) {
  const std::vector<any_method_resource> public_and_secret = {{"/public/{p+}", false},
                                                              {"/secret/{p+}", true}};
  const multi_stage_api n{"diffapin01", "n", "/n", upstream_at(upstream_port, "/n"),
                          public_and_secret};
  multi_stage_api p{"diffapip01", "p", "/p", upstream_at(upstream_port, "/p"), public_and_secret};
  // Stage p also has a key-less catch-all: a spelling of "secret" that does
  // not match the literal would land there, and be forwarded without a key.
  p.resources.push_back({"/{proxy+}", false});
  usagegate_config c = multi_stage(std::string(api_key), {n, p});
  // A field over 64 KiB must meet the per-field rule, not the header limit.
  c.gateway.max_header_bytes = 262144;
  c.gateway.header_timeout_ms = 2000;
  c.usage_plans[0].throttle = throttle_limits{10000, 10000};
  return to_json(c);
}

std::vector<proxy_view> run_corpus(std::uint16_t port, const recording_upstream& upstream,
                                   const std::vector<diff_case>& cases) {
  std::vector<proxy_view> out;
  for (const diff_case& k : cases) {
    const std::size_t before = upstream.count();
    proxy_view v;
    v.client = run_case(port, k.bytes, upstream, before);
    // A cut request is recorded when the proxy closes the connection, which
    // can follow the client's answer by a moment.
    std::this_thread::sleep_for(20ms);
    v.upstream = upstream.since(before);
    out.push_back(std::move(v));
  }
  return out;
}

TEST(EdgeDifferential, UsagegateForwardsNothingNginxRefusesAndNothingAmbiguous) {
  ASSERT_TRUE(std::filesystem::exists(nginx_binary))
      << nginx_binary << " is missing: run scripts/install-deps";
  recording_upstream gateway_upstream;
  recording_upstream nginx_upstream;
  temp_dir dir;
  temp_dir nginx_dir;
  auto gw = start_usagegate(dir.write("gw.json", gateway_config(gateway_upstream.port())));
  nginx_server nginx(nginx_dir, nginx_upstream.port());
  ASSERT_NE(nginx.port(), 0) << "nginx did not start:\n" << nginx.failure();

  const std::vector<diff_case> cases = corpus();
  // Both proxies at once: each has its own upstream listener, so the
  // records cannot mix, and the corpus takes half as long.
  auto nginx_run = std::async(std::launch::async,
                              [&] { return run_corpus(nginx.port(), nginx_upstream, cases); });
  const std::vector<proxy_view> ug = run_corpus(gw.port, gateway_upstream, cases);
  const std::vector<proxy_view> ngx = nginx_run.get();

  std::printf("%-58s | %s\n", "case", "usagegate / nginx");
  for (std::size_t i = 0; i < cases.size(); ++i) {
    std::printf("%-58s | ug: %s\n%-58s | nginx: %s\n", cases[i].name.c_str(),
                ug[i].summary().c_str(), "", ngx[i].summary().c_str());
  }

  for (std::size_t i = 0; i < cases.size(); ++i) {
    const diff_case& k = cases[i];
    SCOPED_TRACE("case \"" + k.name + "\": usagegate " + ug[i].summary() + "; nginx " +
                 ngx[i].summary());
    const bool ug_forwarded = ug[i].forwarded();
    // A refusal is a 4xx/5xx or a close, with nothing forwarded either way.
    const bool nginx_refused = !ngx[i].forwarded();

    if (ug_forwarded && nginx_refused && forward_allowed().count(k.name) == 0) {
      ADD_FAILURE() << "usagegate forwarded a request that nginx refused: " << ngx[i].summary();
    }
    switch (k.kind) {
      case rule::differential:
        break;
      case rule::control_forward:
        EXPECT_TRUE(ug_forwarded) << "usagegate did not forward a control case";
        EXPECT_TRUE(ngx[i].forwarded()) << "nginx did not forward a control case";
        EXPECT_EQ(ug[i].client.status(), 200);
        EXPECT_EQ(ngx[i].client.status(), 200);
        break;
      case rule::control_refuse:
        EXPECT_FALSE(ug_forwarded);
        EXPECT_EQ(ug[i].client.status(), 403);
        EXPECT_TRUE(nginx_refused) << "the nginx mirror does not check the key";
        break;
      case rule::refuse:
        EXPECT_FALSE(ug_forwarded) << "the upstream received a request the gateway must refuse";
        EXPECT_TRUE(std::find(k.statuses.begin(), k.statuses.end(), ug[i].client.status()) !=
                    k.statuses.end())
            << "usagegate answered " << ug[i].client.status() << " where docs/semantics.md says "
            << ::testing::PrintToString(k.statuses);
        break;
    }
    for (const received_request& r : ug[i].upstream) {
      for (const std::string& problem : forwarding_problems(r))
        ADD_FAILURE() << "usagegate forwarded " << problem << ":\n" << r.head.substr(0, 300);
      if (!k.forwarded_contains.empty() && r.state != arrival::cut) {
        EXPECT_NE(r.head.find(k.forwarded_contains), std::string::npos)
            << "usagegate forwarded it otherwise:\n"
            << r.head.substr(0, 300);
      }
      if (!k.has_key && r.state != arrival::cut) {
        const std::string target = parse_head(r.head).target();
        EXPECT_FALSE(under_secret(normalise_hard(target)))
            << "without the key, the upstream got " << target
            << ", which a normalising upstream serves from a key-required resource";
      }
    }
    EXPECT_LE(ug[i].complete_count(), ug[i].client.statuses.size())
        << "the upstream received more requests than the client got answers: a smuggled request";
  }

  gw.proc.send_signal(SIGTERM);
  EXPECT_EQ(gw.proc.wait_exit(10s), 0) << gw.proc.output();
}

}  // namespace
}  // namespace ug::test
