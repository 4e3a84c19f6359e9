#include "tools/mock-llm/options.hpp"

#include <charconv>
#include <limits>

namespace ug::mock_llm {

std::optional<std::uint64_t> parse_uint(std::string_view s, std::uint64_t max) {
  std::uint64_t v = 0;
  const auto* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, v);
  if (s.empty() || ec != std::errc{} || ptr != end || v > max)
    return std::nullopt;
  return v;
}

std::string_view usage_text() {
  return "usage: mock-llm [--listen ADDR:PORT] [--threads N] [--latency-ms N]\n"
         "                [--chunk-interval-ms N] [--tokens N]\n"
         "An OpenAI-compatible fake LLM server for tests and demos.\n"
         "  --listen ADDR:PORT      IPv4 address and port [127.0.0.1:8000]; port 0 = any\n"
         "  --threads N             io_context threads [1]\n"
         "  --latency-ms N          delay before each response header [0]\n"
         "  --chunk-interval-ms N   delay between SSE content chunks [20]\n"
         "  --tokens N              completion tokens (content chunks) [16]\n"
         "Per-request overrides (headers): x-mock-latency-ms, x-mock-tokens,\n"
         "x-mock-chunk-interval-ms, x-mock-status, x-mock-drop-after-chunks,\n"
         "x-mock-close-before-response, x-mock-body-bytes.\n";
}

parse_result parse_options(const std::vector<std::string_view>& args) {
  parse_result r;
  options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view flag = args[i];
    std::string_view value;
    bool has_value = false;
    if (const auto eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string_view::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_value = true;
    }
    if (flag == "--help" || flag == "-h") {
      r.help = true;
      return r;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        r.error = std::string(flag) + ": missing value";
        return r;
      }
      value = args[++i];
    }
    auto number = [&](std::uint64_t max) -> std::optional<std::uint32_t> {
      auto v = parse_uint(value, max);
      if (!v)
        r.error = std::string(flag) + ": expected an integer 0.." + std::to_string(max);
      return v ? std::optional<std::uint32_t>(static_cast<std::uint32_t>(*v)) : std::nullopt;
    };
    if (flag == "--listen") {
      const auto colon = value.rfind(':');
      if (colon == std::string_view::npos || colon == 0) {
        r.error = "--listen: expected ADDR:PORT";
        return r;
      }
      const auto port = parse_uint(value.substr(colon + 1), 65535);
      if (!port) {
        r.error = "--listen: bad port";
        return r;
      }
      o.listen_address = std::string(value.substr(0, colon));
      o.listen_port = static_cast<std::uint16_t>(*port);
    } else if (flag == "--threads") {
      auto v = number(256);
      if (!v || *v == 0) {
        r.error = "--threads: expected an integer 1..256";
        return r;
      }
      o.threads = *v;
    } else if (flag == "--latency-ms") {
      auto v = number(600'000);
      if (!v)
        return r;
      o.latency_ms = *v;
    } else if (flag == "--chunk-interval-ms") {
      auto v = number(60'000);
      if (!v)
        return r;
      o.chunk_interval_ms = *v;
    } else if (flag == "--tokens") {
      auto v = number(1'000'000);
      if (!v)
        return r;
      o.tokens = *v;
    } else {
      r.error = "unknown option " + std::string(flag) + " (try --help)";
      return r;
    }
  }
  r.opts = o;
  return r;
}

}  // namespace ug::mock_llm
