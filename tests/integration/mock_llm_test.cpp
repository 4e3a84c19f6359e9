// The mock-llm fixture itself, driven as a real process through the test
// support headers (which these tests therefore also exercise).
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <thread>
#include <vector>

namespace ug::test {
namespace {

using namespace std::chrono_literals;

// The integer after "name": in a flat JSON document, or -1.
long long json_int(const std::string& json, const std::string& name) {
  const std::string key = "\"" + name + "\":";
  const auto pos = json.find(key);
  if (pos == std::string::npos)
    return -1;
  return std::stoll(json.substr(pos + key.size()));
}

long long stat(std::uint16_t port, const std::string& name) {
  auto r = http_request(port, "GET", "/mock/stats");
  return r && r->status == 200 ? json_int(r->body, name) : -1;
}

// Polls /mock/stats until `name` reaches `want` (bounded: 200 x 25 ms).
bool wait_for_stat(std::uint16_t port, const std::string& name, long long want) {
  for (int i = 0; i < 200; ++i) {
    if (stat(port, name) == want)
      return true;
    std::this_thread::sleep_for(25ms);
  }
  return false;
}

// Splits an SSE body into the payloads of its "data: " events; sets ok=false
// on any framing error (every event must be "data: ...\n\n").
std::vector<std::string> sse_events(const std::string& body, bool& ok) {
  std::vector<std::string> out;
  ok = true;
  std::size_t pos = 0;
  while (pos < body.size()) {
    if (body.compare(pos, 6, "data: ") != 0) {
      ok = false;
      break;
    }
    const auto end = body.find("\n\n", pos);
    if (end == std::string::npos) {
      ok = false;
      break;
    }
    out.push_back(body.substr(pos + 6, end - pos - 6));
    pos = end + 2;
  }
  return out;
}

TEST(MockLlm, PrintsBannerWithRealPortAndServesModels) {
  auto m = start_mock_llm();
  EXPECT_NE(
      m.proc.output().find("mock-llm: listening on http://127.0.0.1:" + std::to_string(m.port)),
      std::string::npos);
  auto r = http_request(m.port, "GET", "/v1/models");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_NE(r->body.find("\"object\":\"list\""), std::string::npos);
  EXPECT_NE(r->body.find("\"id\":\"mock-model\""), std::string::npos);
}

TEST(MockLlm, NonStreamingChatCompletionReportsUsage) {
  auto m = start_mock_llm({"--tokens", "5"});
  const std::string body = R"({"model":"llama-3-8b","messages":[{"role":"user","content":"hi"}]})";
  auto r = http_request(m.port, "POST", "/v1/chat/completions",
                        {{"Content-Type", "application/json"}}, body);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_EQ(r->body.rfind("{\"id\":\"chatcmpl-mock-", 0), 0u) << r->body;
  EXPECT_NE(r->body.find("\"object\":\"chat.completion\""), std::string::npos);
  EXPECT_NE(r->body.find("\"model\":\"llama-3-8b\""), std::string::npos);
  EXPECT_NE(r->body.find("\"content\":\"lorem ipsum dolor sit amet \""), std::string::npos);
  const long long prompt = static_cast<long long>((body.size() + 3) / 4);
  EXPECT_EQ(json_int(r->body, "prompt_tokens"), prompt);
  EXPECT_EQ(json_int(r->body, "completion_tokens"), 5);
  EXPECT_EQ(json_int(r->body, "total_tokens"), prompt + 5);
  EXPECT_GT(json_int(r->body, "created"), 0);
}

TEST(MockLlm, LegacyCompletionsAndPerRequestTokenCount) {
  auto m = start_mock_llm();
  auto r = http_request(m.port, "POST", "/v1/completions", {{"x-mock-tokens", "2"}},
                        R"({"prompt":"x","stream": false})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("\"object\":\"text_completion\""), std::string::npos);
  EXPECT_NE(r->body.find("\"text\":\"lorem ipsum \""), std::string::npos);
  EXPECT_EQ(json_int(r->body, "completion_tokens"), 2);
  EXPECT_EQ(r->body.find("[DONE]"), std::string::npos);
}

TEST(MockLlm, StreamingSseFramingEndsWithUsageThenDone) {
  auto m = start_mock_llm({"--chunk-interval-ms", "1"});
  http_connection c(m.port);
  // Whitespace around the colon must still mean "stream".
  auto r = c.request("POST", "/v1/chat/completions", {{"x-mock-tokens", "4"}},
                     "{\"model\" : \"m1\",\n \"stream\" :\ttrue}");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-type"), "text/event-stream");
  EXPECT_EQ(r->header("transfer-encoding"), "chunked");
  EXPECT_FALSE(r->has_header("content-length"));
  bool ok = false;
  const auto events = sse_events(r->body, ok);
  ASSERT_TRUE(ok) << r->body;
  ASSERT_EQ(events.size(), 6u) << r->body;  // 4 content + usage + [DONE]
  for (int i = 0; i < 4; ++i) {
    EXPECT_NE(events[i].find("\"object\":\"chat.completion.chunk\""), std::string::npos);
    EXPECT_NE(events[i].find("\"model\":\"m1\""), std::string::npos);
    EXPECT_NE(events[i].find("\"delta\":{"), std::string::npos);
  }
  EXPECT_NE(events[0].find("\"role\":\"assistant\""), std::string::npos);
  EXPECT_NE(events[3].find("\"finish_reason\":\"stop\""), std::string::npos);
  EXPECT_NE(events[4].find("\"choices\":[]"), std::string::npos);
  EXPECT_EQ(json_int(events[4], "completion_tokens"), 4);
  EXPECT_EQ(events[5], "[DONE]");
  // The connection stays usable after a stream.
  auto again = c.request("GET", "/v1/models");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(stat(m.port, "streams_completed"), 1);
}

TEST(MockLlm, StreamChunksArriveSeparately) {
  auto m = start_mock_llm({"--chunk-interval-ms", "200", "--tokens", "3"});
  http_connection c(m.port);
  ASSERT_TRUE(c.send_request("POST", "/v1/chat/completions", {}, R"({"stream":true})"));
  // The first content chunk comes right after the header; the second only
  // after the chunk interval, so the first read cannot contain [DONE].
  const std::string first = c.read_until("lorem", 5s);
  EXPECT_NE(first.find("lorem"), std::string::npos);
  EXPECT_EQ(first.find("[DONE]"), std::string::npos);
  const std::string rest = c.read_until("0\r\n\r\n", 5s);
  EXPECT_NE(rest.find("data: [DONE]\n\n"), std::string::npos);
}

TEST(MockLlm, StatusOverrideAnswersOpenAiStyleError) {
  auto m = start_mock_llm();
  auto r = http_request(m.port, "POST", "/v1/chat/completions", {{"x-mock-status", "500"}},
                        R"({"stream":true})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_EQ(
      r->body,
      R"({"error":{"message":"mock failure requested by x-mock-status","type":"server_error","param":null,"code":"mock_status_500"}})");
  auto r429 = http_request(m.port, "GET", "/v1/models", {{"x-mock-status", "429"}});
  ASSERT_TRUE(r429);
  EXPECT_EQ(r429->status, 429);
}

TEST(MockLlm, DropAfterChunksClosesMidStream) {
  auto m = start_mock_llm({"--chunk-interval-ms", "1", "--tokens", "10"});
  http_connection c(m.port);
  ASSERT_TRUE(c.send_request("POST", "/v1/chat/completions", {{"x-mock-drop-after-chunks", "3"}},
                             R"({"stream":true})"));
  EXPECT_TRUE(c.closed_by_peer(10s));
  const std::string raw = c.read_some(100ms);
  EXPECT_EQ(raw.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  std::size_t events = 0;
  for (auto p = raw.find("data: "); p != std::string::npos; p = raw.find("data: ", p + 1))
    ++events;
  EXPECT_EQ(events, 3u) << raw;
  EXPECT_EQ(raw.find("[DONE]"), std::string::npos);
  EXPECT_EQ(raw.find("\r\n0\r\n\r\n"), std::string::npos);  // no last chunk
  EXPECT_EQ(stat(m.port, "streams_completed"), 0);
}

TEST(MockLlm, CloseBeforeResponseSendsNothing) {
  auto m = start_mock_llm();
  http_connection c(m.port);
  ASSERT_TRUE(c.send_request("POST", "/v1/chat/completions",
                             {{"x-mock-close-before-response", "1"}}, "{}"));
  EXPECT_TRUE(c.closed_by_peer(10s));
  EXPECT_EQ(c.read_some(50ms), "");
  EXPECT_TRUE(wait_for_stat(m.port, "requests", 2));  // the dropped one + this stats call
}

TEST(MockLlm, BodyBytesPadsNonStreamingResponseExactly) {
  auto m = start_mock_llm();
  for (std::size_t want : {1000u, 4096u, 100000u}) {
    auto r = http_request(m.port, "POST", "/v1/chat/completions",
                          {{"x-mock-body-bytes", std::to_string(want)}}, "{}");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body.size(), want);
    EXPECT_EQ(r->header("content-length"), std::to_string(want));
    EXPECT_EQ(r->body.back(), '}');
    EXPECT_NE(r->body.find("\"usage\":{"), std::string::npos);
  }
}

TEST(MockLlm, EchoDescribesExactlyWhatArrived) {
  auto m = start_mock_llm();
  auto r = http_request(m.port, "POST", "/v1/echo?x=1",
                        {{"X-Custom", "one"}, {"x-custom", "two"}, {"Authorization", "Bearer t"}},
                        "hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("\"method\":\"POST\""), std::string::npos);
  EXPECT_NE(r->body.find("\"target\":\"/v1/echo?x=1\""), std::string::npos);
  EXPECT_NE(r->body.find("\"x-custom\":\"one, two\""), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("\"authorization\":\"Bearer t\""), std::string::npos);
  EXPECT_NE(r->body.find("\"content-length\":\"5\""), std::string::npos);
  EXPECT_EQ(json_int(r->body, "body_bytes"), 5);
  EXPECT_NE(r->body.find("\"body_sha256\":"
                         "\"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\""),
            std::string::npos);
}

TEST(MockLlm, EchoReadsChunkedAndLargeBodies) {
  auto m = start_mock_llm();
  http_connection c(m.port);
  ASSERT_TRUE(
      c.send_raw("POST /v1/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(json_int(r->body, "body_bytes"), 5);
  EXPECT_NE(r->body.find("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
            std::string::npos);
  const std::string big(3 << 20, 'a');
  auto rb = c.request("POST", "/v1/echo", {}, big);
  ASSERT_TRUE(rb);
  EXPECT_EQ(json_int(rb->body, "body_bytes"), 3 << 20);
}

TEST(MockLlm, OpenAiRoutesAlsoAnswerWithoutTheV1Prefix) {
  // A gateway stage with base path /v1 may forward "/chat/completions".
  auto m = start_mock_llm({"--tokens", "1"});
  auto chat = http_request(m.port, "POST", "/chat/completions", {}, "{}");
  ASSERT_TRUE(chat);
  EXPECT_EQ(chat->status, 200);
  EXPECT_NE(chat->body.find("\"object\":\"chat.completion\""), std::string::npos);
  auto models = http_request(m.port, "GET", "/models?limit=1");
  ASSERT_TRUE(models);
  EXPECT_EQ(models->status, 200);
  auto echo = http_request(m.port, "GET", "/echo");
  ASSERT_TRUE(echo);
  EXPECT_NE(echo->body.find("\"target\":\"/echo\""), std::string::npos);
  auto stats_with_prefix = http_request(m.port, "GET", "/v1/mock/stats");
  ASSERT_TRUE(stats_with_prefix);
  EXPECT_EQ(stats_with_prefix->status, 404);
}

TEST(MockLlm, UnknownPathIs404Json) {
  auto m = start_mock_llm();
  auto r = http_request(m.port, "GET", "/v2/nothing");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_NE(r->body.find("\"code\":\"not_found\""), std::string::npos);
}

TEST(MockLlm, LatencyDelaysTheResponseHeader) {
  auto m = start_mock_llm();
  http_connection c(m.port);
  ASSERT_TRUE(c.send_request("GET", "/v1/models", {{"x-mock-latency-ms", "400"}}));
  // The server's timer cannot fire early, so nothing may be there yet.
  EXPECT_EQ(c.read_some(100ms), "");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(MockLlm, StatsCountConnectionsRequestsAndAbortedStreams) {
  auto m = start_mock_llm({"--chunk-interval-ms", "10", "--tokens", "100000"});
  {
    http_connection c(m.port);
    ASSERT_TRUE(c.send_request("POST", "/v1/chat/completions", {}, R"({"stream":true})"));
    ASSERT_NE(c.read_until("ipsum", 5s).find("ipsum"), std::string::npos);
    // The client goes away mid-stream.
  }
  EXPECT_TRUE(wait_for_stat(m.port, "streams_aborted", 1));
  auto r = http_request(m.port, "GET", "/mock/stats");
  ASSERT_TRUE(r);
  EXPECT_EQ(json_int(r->body, "streams_completed"), 0);
  EXPECT_GE(json_int(r->body, "connections_accepted"), 2);
  EXPECT_EQ(json_int(r->body, "connections_active"), 1);  // this stats request
  EXPECT_GE(json_int(r->body, "requests"), 2);
}

TEST(MockLlm, MalformedRequestClosesOnlyThatConnection) {
  auto m = start_mock_llm();
  http_connection bad(m.port);
  ASSERT_TRUE(bad.send_raw("NOT HTTP AT ALL\r\n\r\n"));
  EXPECT_TRUE(bad.closed_by_peer(10s));
  auto r = http_request(m.port, "GET", "/v1/models");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(MockLlm, ManyThreadsManyConcurrentClients) {
  auto m = start_mock_llm({"--threads", "4", "--chunk-interval-ms", "0", "--tokens", "3"});
  constexpr int clients = 8;
  constexpr int per_client = 20;
  std::vector<int> ok(clients, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      http_connection c(m.port);
      for (int i = 0; i < per_client; ++i) {
        auto r = c.request("POST", "/v1/chat/completions", {},
                           i % 2 ? R"({"stream":true})" : R"({"stream":false})");
        if (r && r->status == 200)
          ++ok[t];
      }
    });
  }
  for (auto& t : threads)
    t.join();
  for (int t = 0; t < clients; ++t)
    EXPECT_EQ(ok[t], per_client);
  EXPECT_EQ(stat(m.port, "streams_completed"), clients * per_client / 2);
}

TEST(MockLlm, ExitsZeroOnSigtermAndSigint) {
  for (int sig : {SIGTERM, SIGINT}) {
    auto m = start_mock_llm({"--chunk-interval-ms", "10", "--tokens", "100000"});
    http_connection streaming(m.port);  // a stream in flight must not block exit
    ASSERT_TRUE(streaming.send_request("POST", "/v1/chat/completions", {}, R"({"stream":true})"));
    ASSERT_FALSE(streaming.read_until("lorem", 5s).empty());
    m.proc.send_signal(sig);
    EXPECT_EQ(m.proc.wait_exit(10s), 0) << "signal " << sig << "\n" << m.proc.output();
  }
}

TEST(MockLlm, BadCommandLineExitsTwo) {
  child_process p({bin_path("mock-llm"), "--tokens", "many"});
  EXPECT_EQ(p.wait_exit(10s), 2);
  EXPECT_NE(p.output().find("--tokens"), std::string::npos);
}

TEST(MockLlm, BusyPortIsReportedAndExitsOne) {
  auto m = start_mock_llm();
  child_process p({bin_path("mock-llm"), "--listen", "127.0.0.1:" + std::to_string(m.port)});
  EXPECT_EQ(p.wait_exit(10s), 1);
  EXPECT_NE(p.output().find("cannot listen on"), std::string::npos) << p.output();
}

TEST(TestSupport, ChildProcessCapturesOutputAndExitCode) {
  child_process p(
      {"/bin/sh", "-c", "echo first; echo 'port line http://127.0.0.1:4321' >&2; exit 7"});
  const auto line = p.wait_for_line(std::regex("http://"), 10s);
  EXPECT_EQ(port_from_line(line), 4321);
  EXPECT_EQ(p.wait_exit(10s), 7);
  EXPECT_EQ(p.wait_for_line(std::regex("^first$"), 1s), "first");
  EXPECT_EQ(p.wait_for_line(std::regex("never"), 10ms), "");
  EXPECT_FALSE(p.running());
}

TEST(TestSupport, ChildProcessDestructorKillsAndTempDirCleansUp) {
  pid_t pid = -1;
  std::filesystem::path dir;
  {
    temp_dir d;
    dir = d.path();
    const auto f = d.write("sub/x.json", "{}");
    EXPECT_TRUE(std::filesystem::exists(f));
    child_process p({"/bin/sleep", "1000"});
    pid = p.pid();
    EXPECT_TRUE(p.running());
  }
  EXPECT_NE(::kill(pid, 0), 0);  // reaped, so the pid is gone
  EXPECT_FALSE(std::filesystem::exists(dir));
}

}  // namespace
}  // namespace ug::test
