#pragma once
// Child processes for integration tests: start the real binaries (mock-llm,
// usagegate), watch their output for banner lines, signal them, and make sure
// none outlives its test. Header-only, POSIX (Linux).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
// GCC 12 at -O1 with ASan/UBSan (the debug preset) reports a false
// -Wmaybe-uninitialized inside libstdc++'s regex compiler; the pragma must wrap
// the first inclusion of <regex> in a translation unit, so tests include this
// header rather than <regex> directly.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <regex>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace ug::test {

/// A running child process whose stdout and stderr are merged into one pipe.
/// A background thread drains the pipe continuously, so a chatty child never
/// blocks on a full pipe. The destructor SIGKILLs and reaps a child that is
/// still running, so no test leaks a process. The child also gets
/// PR_SET_PDEATHSIG(SIGKILL): if the test binary itself dies (crash, ctest
/// timeout) the child dies with it. Because Linux ties that signal to the
/// creating *thread*, create children from a thread that outlives them (the
/// test's main thread).
/// Not thread-safe: one test thread drives an instance (output() and
/// wait_for_line() may be called from any thread).
class child_process {
 public:
  /// Starts argv[0] (a path) with the given arguments. Throws
  /// std::system_error if the pipe or fork fails; an exec failure shows up as
  /// exit code 127 with a message in output().
  explicit child_process(std::vector<std::string> argv) : state_(std::make_shared<state>()) {
    if (argv.empty())
      throw std::invalid_argument("child_process: empty argv");
    std::vector<char*> cargv;
    cargv.reserve(argv.size() + 1);
    for (auto& a : argv)
      cargv.push_back(a.data());
    cargv.push_back(nullptr);

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
      throw std::system_error(errno, std::generic_category());
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
      const int err = errno;
      ::close(fds[0]);
      ::close(fds[1]);
      throw std::system_error(err, std::generic_category(), "fork");
    }
    if (pid == 0) {
      // Child: only async-signal-safe calls until exec.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent)
        ::_exit(126);  // parent already gone
      sigset_t none;
      ::sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      struct sigaction dfl {};
      dfl.sa_handler = SIG_DFL;
      for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP})
        ::sigaction(sig, &dfl, nullptr);
      ::dup2(fds[1], STDOUT_FILENO);  // dup2 clears O_CLOEXEC on the copy
      ::dup2(fds[1], STDERR_FILENO);
      ::execv(cargv[0], cargv.data());
      constexpr std::string_view msg = "child_process: exec failed\n";
      [[maybe_unused]] auto n = ::write(STDERR_FILENO, msg.data(), msg.size());
      ::_exit(127);
    }
    ::close(fds[1]);
    state_->pid = pid;
    state_->fd = fds[0];
    auto st = state_;  // the reader keeps the state alive on its own
    state_->reader = std::thread([st] { st->read_loop(); });
  }

  child_process(child_process&&) noexcept = default;
  child_process& operator=(child_process&& other) noexcept {
    if (this != &other) {
      shutdown();
      state_ = std::move(other.state_);
    }
    return *this;
  }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// SIGKILLs the child if it still runs, reaps it, stops the reader.
  ~child_process() { shutdown(); }

  /// Returns the first complete output line (without '\n') that matches `re`
  /// (std::regex_search), waiting up to `timeout` for it; "" on timeout or
  /// when the child closed its output without printing such a line. Lines
  /// printed before the call count too.
  std::string wait_for_line(const std::regex& re, std::chrono::milliseconds timeout) {
    if (!state_)
      return {};
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(state_->mu);
    std::size_t pos = 0;
    for (;;) {
      for (;;) {
        std::size_t nl = state_->out.find('\n', pos);
        if (nl == std::string::npos) {
          // A final line without '\n' counts once the child's output ended.
          if (state_->eof && pos < state_->out.size())
            nl = state_->out.size();
          else
            break;
        }
        std::string line = state_->out.substr(pos, nl - pos);
        pos = nl + 1;
        if (!line.empty() && line.back() == '\r')
          line.pop_back();
        if (std::regex_search(line, re))
          return line;
      }
      if (state_->eof || std::chrono::steady_clock::now() >= deadline)
        return {};
      state_->cv.wait_until(lock, deadline);  // then rescan: data may have raced the deadline
    }
  }

  /// Everything the child printed so far (stdout and stderr interleaved).
  std::string output() const {
    if (!state_)
      return {};
    std::lock_guard lock(state_->mu);
    return state_->out;
  }

  /// Sends `sig` to the child unless it has already been reaped.
  void send_signal(int sig) {
    if (state_ && state_->pid > 0 && !state_->exit_code)
      ::kill(state_->pid, sig);
  }

  /// Waits up to `timeout` for the child to exit; returns its exit code
  /// (128 + signal number if a signal killed it), or nullopt if it still
  /// runs. Polls every 2 ms (integration helper, not a unit-test sleep).
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    if (!state_)
      return std::nullopt;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (try_reap()) {
        // The child is gone, but the reader thread may not have drained the
        // pipe yet: wait (bounded) for end-of-file so output() is complete.
        std::unique_lock lock(state_->mu);
        state_->cv.wait_until(
            lock, std::max(deadline, std::chrono::steady_clock::now() + std::chrono::seconds(2)),
            [&] { return state_->eof; });
        return state_->exit_code;
      }
      if (std::chrono::steady_clock::now() >= deadline)
        return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  /// The child's process id (valid until reaped).
  pid_t pid() const { return state_ ? state_->pid : -1; }

  /// True while the child has not exited (reaps it if it has).
  bool running() { return state_ && !try_reap(); }

 private:
  struct state {
    pid_t pid = -1;
    int fd = -1;
    std::thread reader;
    std::mutex mu;
    std::condition_variable cv;
    std::string out;               // guarded by mu
    bool eof = false;              // guarded by mu
    bool stop = false;             // guarded by mu
    std::optional<int> exit_code;  // owning thread only

    void read_loop() {
      char buf[4096];
      for (;;) {
        {
          std::lock_guard lock(mu);
          if (stop)
            break;
        }
        pollfd p{fd, POLLIN, 0};
        const int r = ::poll(&p, 1, 50);  // bounded so `stop` is seen promptly
        if (r < 0 && errno != EINTR)
          break;
        if (r <= 0)
          continue;
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
          continue;
        if (n <= 0)
          break;
        std::lock_guard lock(mu);
        out.append(buf, static_cast<std::size_t>(n));
        cv.notify_all();
      }
      std::lock_guard lock(mu);
      eof = true;
      cv.notify_all();
    }
  };

  bool try_reap() {
    if (state_->exit_code)
      return true;
    if (state_->pid <= 0)
      return true;
    int status = 0;
    const pid_t r = ::waitpid(state_->pid, &status, WNOHANG);
    if (r == 0)
      return false;
    if (r < 0) {
      state_->exit_code = -1;  // not our child any more (should not happen)
    } else if (WIFEXITED(status)) {
      state_->exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      state_->exit_code = 128 + WTERMSIG(status);
    } else {
      return false;  // stopped/continued: still alive
    }
    return true;
  }

  void shutdown() {
    if (!state_)
      return;
    if (!try_reap()) {
      ::kill(state_->pid, SIGKILL);
      int status = 0;
      while (::waitpid(state_->pid, &status, 0) < 0 && errno == EINTR) {
      }
      state_->exit_code = 128 + SIGKILL;
    }
    if (state_->reader.joinable()) {
      // Give the reader a moment to drain what the child printed last; a
      // grandchild holding the pipe open must not hang the test.
      {
        std::unique_lock lock(state_->mu);
        state_->cv.wait_for(lock, std::chrono::seconds(1), [&] { return state_->eof; });
        state_->stop = true;
      }
      state_->reader.join();
    }
    if (state_->fd >= 0)
      ::close(state_->fd);
    state_->fd = -1;
    state_.reset();
  }

  std::shared_ptr<state> state_;
};

/// Path of a binary built by this project (UG_BIN_DIR is set by tests/CMakeLists.txt).
inline std::string bin_path(std::string_view name) {
#ifdef UG_BIN_DIR
  std::string p = UG_BIN_DIR;
#else
  std::string p = ".";
#endif
  p += '/';
  p += name;
  return p;
}

/// A fresh private directory under $TMPDIR (or /tmp), removed with its
/// contents by the destructor. Not thread-safe.
class temp_dir {
 public:
  temp_dir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/ug-test-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) {
      throw std::system_error(errno, std::generic_category(), "mkdtemp");
    }
    path_ = tmpl;
  }
  temp_dir(temp_dir&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  temp_dir& operator=(temp_dir&&) = delete;
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    if (path_.empty())
      return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  const std::filesystem::path& path() const { return path_; }

  /// Writes `content` to path()/name (creating subdirectories) and returns the full path.
  std::filesystem::path write(std::string_view name, std::string_view content) const {
    const auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f.write(content.data(), static_cast<std::streamsize>(content.size()));
    f.close();
    if (!f)
      throw std::runtime_error("temp_dir: cannot write " + p.string());
    return p;
  }

 private:
  std::filesystem::path path_;
};

/// The port of a banner URL, e.g. "x: listening on http://127.0.0.1:4321" ->
/// 4321: the digits after the last ':'. 0 if there are none or they overflow.
inline std::uint16_t port_from_line(const std::string& line) {
  const auto colon = line.rfind(':');
  if (colon == std::string::npos)
    return 0;
  std::uint32_t port = 0;
  std::size_t i = colon + 1;
  for (; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
    port = port * 10 + static_cast<std::uint32_t>(line[i] - '0');
    if (port > 65535)
      return 0;
  }
  return i == colon + 1 ? 0 : static_cast<std::uint16_t>(port);
}

/// How long to wait for a banner: sanitizer builds start slowly on a loaded machine.
inline constexpr std::chrono::milliseconds banner_timeout{15'000};

struct mock_llm_process {
  child_process proc;
  std::uint16_t port = 0;
};

/// Starts build/bin/mock-llm on 127.0.0.1 with a free port and waits for its
/// banner. Throws std::runtime_error (with the child's output) if no banner
/// appears in time, so the test fails with a readable message.
inline mock_llm_process start_mock_llm(std::vector<std::string> extra_args = {}) {
  std::vector<std::string> argv{bin_path("mock-llm"), "--listen", "127.0.0.1:0"};
  for (auto& a : extra_args)
    argv.push_back(std::move(a));
  mock_llm_process m{child_process(std::move(argv)), 0};
  static const std::regex banner(R"(^mock-llm: listening on http://[^ ]+:[0-9]+$)");
  m.port = port_from_line(m.proc.wait_for_line(banner, banner_timeout));
  if (m.port == 0)
    throw std::runtime_error("mock-llm did not start:\n" + m.proc.output());
  return m;
}

struct usagegate_process {
  child_process proc;
  std::uint16_t port = 0;  ///< data-plane port from the "listening on" banner
};

/// Starts build/bin/usagegate --config `config` and waits for both
/// "usagegate: listening on ..." and "usagegate: ready". Throws
/// std::runtime_error with the child's output if either does not appear.
inline usagegate_process start_usagegate(const std::filesystem::path& config,
                                         std::vector<std::string> extra_args = {}) {
  std::vector<std::string> argv{bin_path("usagegate"), "--config", config.string()};
  for (auto& a : extra_args)
    argv.push_back(std::move(a));
  usagegate_process g{child_process(std::move(argv)), 0};
  static const std::regex listening(R"(^usagegate: listening on http://[^ ]+:[0-9]+$)");
  static const std::regex ready(R"(^usagegate: ready$)");
  g.port = port_from_line(g.proc.wait_for_line(listening, banner_timeout));
  if (g.port == 0 || g.proc.wait_for_line(ready, banner_timeout).empty()) {
    throw std::runtime_error("usagegate did not start:\n" + g.proc.output());
  }
  return g;
}

/// Stops a gateway the way an operator does (SIGTERM: drain, then exit) and
/// returns its exit code (nullopt if it did not exit within `timeout`).
inline std::optional<int> stop_usagegate(
    usagegate_process& g, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  g.proc.send_signal(SIGTERM);
  return g.proc.wait_exit(timeout);
}

}  // namespace ug::test
