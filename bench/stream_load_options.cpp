#include "bench/stream_load_options.hpp"

#include <charconv>
#include <cstdlib>
#include <iostream>
#include <string_view>

namespace stream_load {

void usage() {
  std::cerr << "usage: stream_load --port P [--host 127.0.0.1] [--path /v1/chat/completions]\n"
               "                   [--connections N] [--ramp R] [--threads T] [--timeout-s S]\n"
               "                   [--header 'name: value']... [--label TEXT]\n";
}

std::optional<options> parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      usage();
      std::exit(0);
    }
    if (i + 1 >= argc) {
      std::cerr << "stream_load: " << flag << ": missing value\n";
      return std::nullopt;
    }
    const std::string_view value = argv[++i];
    auto number = [&](std::uint64_t max) -> std::optional<std::uint64_t> {
      std::uint64_t v = 0;
      const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
      if (ec != std::errc{} || p != value.data() + value.size() || v > max) {
        std::cerr << "stream_load: " << flag << ": expected an integer 0.." << max << "\n";
        return std::nullopt;
      }
      return v;
    };
    std::optional<std::uint64_t> v;
    if (flag == "--host") {
      o.host = value;
    } else if (flag == "--path") {
      o.path = value;
    } else if (flag == "--header") {
      o.headers.emplace_back(value);
    } else if (flag == "--label") {
      o.label = value;
    } else if (flag == "--port") {
      if (!(v = number(65535)))
        return std::nullopt;
      o.port = static_cast<std::uint16_t>(*v);
    } else if (flag == "--connections") {
      if (!(v = number(1'000'000)))
        return std::nullopt;
      o.connections = *v;
    } else if (flag == "--ramp") {
      if (!(v = number(1'000'000)) || *v == 0)
        return std::nullopt;
      o.ramp = *v;
    } else if (flag == "--threads") {
      if (!(v = number(64)) || *v == 0)
        return std::nullopt;
      o.threads = *v;
    } else if (flag == "--timeout-s") {
      if (!(v = number(3600)) || *v == 0)
        return std::nullopt;
      o.timeout_s = static_cast<unsigned>(*v);
    } else {
      std::cerr << "stream_load: unknown option " << flag << "\n";
      return std::nullopt;
    }
  }
  if (o.port == 0) {
    std::cerr << "stream_load: --port is required\n";
    return std::nullopt;
  }
  return o;
}

std::string build_request(const options& o) {
  const std::string body =
      R"({"model":"m","stream":true,"messages":[{"role":"user","content":"Say hello."}]})";
  std::string r = "POST " + o.path + " HTTP/1.1\r\nHost: " + o.host + ":" + std::to_string(o.port) +
                  "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n"
                  "Content-Length: " +
                  std::to_string(body.size()) + "\r\n";
  for (const auto& h : o.headers)
    r += h + "\r\n";
  r += "\r\n" + body;
  return r;
}

}  // namespace stream_load
