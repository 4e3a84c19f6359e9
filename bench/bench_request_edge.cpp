// What the edge checks add to every request: the head checks (one pass over
// the parsed fields) and the canonical target (one pass over the target),
// measured on typical requests. The parse itself is outside the timed loop:
// the session did it before too.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <tuple>

#include "gateway/http/bounded_parser.hpp"
#include "gateway/http/request_head_checks.hpp"
#include "gateway/http/request_target.hpp"

namespace {

namespace gw = ug::gateway;

void BM_CanonicalTarget(benchmark::State& state, std::string_view target) {
  std::string out;
  out.reserve(256);
  for (auto _ : state) {
    const gw::canonical_target c = gw::canonicalize_target(target, out);
    benchmark::DoNotOptimize(c);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK_CAPTURE(BM_CanonicalTarget, chat_completions, std::string_view("/v1/chat/completions"));
BENCHMARK_CAPTURE(BM_CanonicalTarget, with_query,
                  std::string_view("/v1/models/llama-3.1-8b-instruct?format=json&limit=20"));
BENCHMARK_CAPTURE(BM_CanonicalTarget, escapes_and_dots,
                  std::string_view("/v1/a/%2e%2e/%63hat/./completions%3Fx"));

/// An OpenAI SDK request head: ten fields, as the python client sends them.
constexpr std::string_view sdk_request =
    "POST /v1/chat/completions HTTP/1.1\r\n"
    "Host: 127.0.0.1:8080\r\n"
    "Accept-Encoding: gzip, deflate\r\n"
    "Connection: keep-alive\r\n"
    "Accept: application/json\r\n"
    "Content-Type: application/json\r\n"
    "User-Agent: OpenAI/Python 1.51.0\r\n"
    "X-Stainless-Lang: python\r\n"
    "x-api-key: bench-key-value-00000000000001\r\n"
    "X-Stainless-Retry-Count: 0\r\n"
    "Content-Length: 120\r\n"
    "\r\n";

void BM_RequestHeadChecks(benchmark::State& state) {
  gw::header_arena arena;
  gw::request_parser parser(std::piecewise_construct, std::make_tuple(),
                            std::make_tuple(gw::arena_allocator<char>(arena)));
  gw::error_code ec;
  parser.put(gw::net::buffer(sdk_request.data(), sdk_request.size()), ec);
  if (ec || !parser.is_header_done()) {
    state.SkipWithError("the request did not parse");
    return;
  }
  for (auto _ : state) {
    const gw::head_facts facts = gw::check_request_head(parser.get());
    benchmark::DoNotOptimize(facts);
  }
}
BENCHMARK(BM_RequestHeadChecks);

}  // namespace
