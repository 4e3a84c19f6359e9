#pragma once
// Command line of the mock-llm test fixture (see --help).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ug::mock_llm {

/// Process-wide defaults; each can be overridden per request by an x-mock-* header.
struct options {
  std::string listen_address = "127.0.0.1";
  std::uint16_t listen_port = 8000;  ///< 0: any free port (printed in the banner)
  unsigned threads = 1;
  std::uint32_t latency_ms = 0;          ///< delay before the response header
  std::uint32_t chunk_interval_ms = 20;  ///< between SSE content chunks
  std::uint32_t tokens = 16;             ///< content chunks / completion tokens
};

struct parse_result {
  std::optional<options> opts;  ///< set on success
  std::string error;            ///< one line, when opts is empty and help is false
  bool help = false;            ///< --help was given
};

/// Parses argv (without argv[0]). Thread-safe (pure).
parse_result parse_options(const std::vector<std::string_view>& args);

/// The --help text. Thread-safe.
std::string_view usage_text();

/// Parses a decimal unsigned integer no larger than `max`; nullopt otherwise.
/// Thread-safe (pure).
std::optional<std::uint64_t> parse_uint(std::string_view s, std::uint64_t max);

}  // namespace ug::mock_llm
