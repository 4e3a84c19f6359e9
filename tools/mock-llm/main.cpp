// mock-llm: an OpenAI-compatible fake LLM server used by the integration tests
// and by `make run`. Prints one banner line once it accepts connections and
// exits 0 on SIGINT/SIGTERM.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string_view>
#include <thread>
#include <vector>

#include "tools/mock-llm/mock_server.hpp"
#include "tools/mock-llm/options.hpp"
#include "tools/mock-llm/stats.hpp"

namespace net = boost::asio;
using ug::mock_llm::mock_server;

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  const auto parsed = ug::mock_llm::parse_options(args);
  if (parsed.help) {
    std::cout << ug::mock_llm::usage_text();
    return 0;
  }
  if (!parsed.opts) {
    std::cerr << "mock-llm: " << parsed.error << "\n";
    return 2;
  }
  const auto& opts = *parsed.opts;

  boost::system::error_code ec;
  const auto address = net::ip::make_address(opts.listen_address, ec);
  if (ec) {
    std::cerr << "mock-llm: bad listen address '" << opts.listen_address << "'\n";
    return 2;
  }

  // Declared before the io_context: sessions destroyed with it still count here.
  ug::mock_llm::stats st;
  net::io_context ioc{static_cast<int>(opts.threads)};
  auto lst = std::make_shared<mock_server>(ioc, net::ip::tcp::endpoint{address, opts.listen_port},
                                           opts, st, ec);
  if (ec) {
    std::cerr << "mock-llm: cannot listen on " << opts.listen_address << ":" << opts.listen_port
              << ": " << ec.message() << "\n";
    return 1;
  }
  lst->run();

  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    lst->stop();
    ioc.stop();  // a fixture: in-flight exchanges are simply cut
  });

  const auto ep = lst->local_endpoint();
  std::cout << "mock-llm: listening on http://" << ep.address().to_string() << ":" << ep.port()
            << std::endl;  // flushed: tests wait for this line

  std::vector<std::thread> threads;
  threads.reserve(opts.threads - 1);
  for (unsigned i = 1; i < opts.threads; ++i)
    threads.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : threads)
    t.join();
  return 0;
}
