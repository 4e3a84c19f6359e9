#pragma once
// stream_load's command line and the request it sends (bench/stream_load.cpp).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace stream_load {

struct options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/v1/chat/completions";
  std::size_t connections = 1000;
  std::size_t ramp = 500;
  std::size_t threads = 1;
  unsigned timeout_s = 60;
  std::vector<std::string> headers;
  std::string label;
};

/// Prints the command line to stderr.
void usage();

/// The options from argv; prints the reason and returns nullopt on bad
/// arguments; prints usage and exits 0 on --help.
std::optional<options> parse(int argc, char** argv);

/// The streaming chat-completions request every connection sends.
std::string build_request(const options& o);

}  // namespace stream_load
