// The access log: line format (valid JSON, escaping, RFC 3339 time), the
// per-worker rings, batching, flush and shutdown, and the file sink.
#include "gateway/telemetry/access_log.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/process.hpp"

namespace ug::gateway {
namespace {

access_record sample() {
  access_record r;
  r.time_utc_ns = 1'700'000'000'123'456'789;  // 2023-11-14T22:13:20.123Z
  r.request_id = "c0ffee00-0000-4000-8000-000000000001";
  r.trace_id = "Root=1-6553f100-0123456789abcdef01234567";
  r.key_id = "k1abcdefgh";
  r.plan_id = "gold";
  r.stage = "prod";
  r.method = "POST";
  r.path = "/v1/chat?stream=true";
  r.status = 200;
  r.result = outcome::forward;
  r.bytes_in = 321;
  r.bytes_out = 65'536;
  r.upstream_latency_ns = 12'345'678;
  r.total_latency_ns = 1'500'000'000;
  return r;
}

std::string line_of(const access_record& r) {
  std::string s;
  format_access_line(r, s);
  return s;
}

std::vector<std::string> lines_of(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line))
    out.push_back(line);
  return out;
}

std::uintmax_t size_of(const std::filesystem::path& p) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(p, ec);
  return ec ? 0 : n;
}

TEST(AccessLogFormat, OneJsonObjectPerLineWithEveryField) {
  const std::string line = line_of(sample());
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);

  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
  simdjson::dom::object obj;
  ASSERT_EQ(doc.get(obj), simdjson::SUCCESS);

  std::set<std::string> fields;
  for (const auto field : obj)
    fields.emplace(field.key);
  EXPECT_EQ(fields,
            (std::set<std::string>{"time", "request_id", "trace_id", "key_id", "plan", "stage",
                                   "method", "path", "status", "outcome", "bytes_in", "bytes_out",
                                   "upstream_latency_ms", "latency_ms"}));

  EXPECT_EQ(std::string_view(obj["time"]), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(std::string_view(obj["request_id"]), "c0ffee00-0000-4000-8000-000000000001");
  EXPECT_EQ(std::string_view(obj["key_id"]), "k1abcdefgh");
  EXPECT_EQ(std::string_view(obj["plan"]), "gold");
  EXPECT_EQ(std::string_view(obj["stage"]), "prod");
  EXPECT_EQ(std::string_view(obj["method"]), "POST");
  EXPECT_EQ(std::string_view(obj["path"]), "/v1/chat?stream=true");
  EXPECT_EQ(std::int64_t(obj["status"]), 200);
  EXPECT_EQ(std::string_view(obj["outcome"]), "allowed");
  EXPECT_EQ(std::int64_t(obj["bytes_in"]), 321);
  EXPECT_EQ(std::int64_t(obj["bytes_out"]), 65'536);
  EXPECT_DOUBLE_EQ(double(obj["upstream_latency_ms"]), 12.345);
  EXPECT_DOUBLE_EQ(double(obj["latency_ms"]), 1500.0);
}

TEST(AccessLogFormat, AbsentValuesAreNull) {
  auto r = sample();
  r.trace_id = {};
  r.key_id = {};
  r.plan_id = {};
  r.stage = {};
  r.upstream_latency_ns = -1;
  r.result = outcome::missing_auth_token;
  r.status = 403;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  const std::string line = line_of(r);
  ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
  for (const char* f : {"trace_id", "key_id", "plan", "stage", "upstream_latency_ms"}) {
    EXPECT_TRUE(doc[f].is_null()) << f;
  }
  EXPECT_EQ(std::string_view(doc["outcome"]), "not_found");
}

TEST(AccessLogFormat, StringsAreEscapedIntoValidJson) {
  const std::string nasty = std::string("/a\"b\\c\nd\te\x01") + "f\x7f" + "\xc3\xa9" +  // é
                            "\xff" + "\xe2\x82" + "g" +  // invalid byte, truncated sequence
                            "\xed\xa0\x80" + "\xf0\x9f\x98\x80";  // a surrogate, then 😀
  auto r = sample();
  r.path = nasty;
  r.method = "GET\r\n";
  const std::string line = line_of(r);
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "a raw newline would split the record";
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_EQ(parser.parse(line).get(doc), simdjson::SUCCESS) << line;
  EXPECT_EQ(std::string_view(doc["path"]),
            "/a\"b\\c\nd\te\x01"
            "f\x7f\xc3\xa9"
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdg"  // U+FFFD per invalid byte
            "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
            "\xf0\x9f\x98\x80");
  EXPECT_EQ(std::string_view(doc["method"]), "GET\r\n");
}

TEST(AccessLogFormat, TimesAreRfc3339UtcWithMilliseconds) {
  const auto fmt = [](std::int64_t ns) {
    std::string s;
    append_rfc3339_ms(s, ns);
    return s;
  };
  EXPECT_EQ(fmt(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(fmt(-5), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(fmt(951'782'400'000'000'000), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(fmt(1'709'251'199'999'999'999), "2024-02-29T23:59:59.999Z");
  EXPECT_EQ(fmt(4'102'444'800'001'000'000), "2100-01-01T00:00:00.001Z");
}

TEST(AccessLogTarget, SpecsMapToSinks) {
  std::string path;
  EXPECT_EQ(parse_access_log_target("off", path), access_log_sink::off);
  EXPECT_EQ(parse_access_log_target("", path), access_log_sink::off);
  EXPECT_EQ(parse_access_log_target("stdout", path), access_log_sink::standard_output);
  EXPECT_EQ(parse_access_log_target("-", path), access_log_sink::standard_output);
  EXPECT_EQ(parse_access_log_target("/var/log/ug/access.log", path), access_log_sink::file);
  EXPECT_EQ(path, "/var/log/ug/access.log");
}

TEST(AccessLog, OffMeansNoLoggerAndNoError) {
  std::string error = "stale";
  EXPECT_EQ(access_log::open(access_log_sink::off, "", 2, error), nullptr);
  EXPECT_TRUE(error.empty());
}

TEST(AccessLog, AnUnopenableFileIsAnError) {
  test::temp_dir dir;
  const std::string path = (dir.path() / "missing-dir" / "access.log").string();
  std::string error;
  EXPECT_EQ(access_log::open(access_log_sink::file, path, 1, error), nullptr);
  EXPECT_NE(error.find(path), std::string::npos) << error;
}

// A writer period far beyond the test's run time: only flush(), the batch
// threshold or destruction can make the writer write.
access_log::options idle_writer() {
  access_log::options o;
  o.flush_interval_ms = 3'600'000;
  o.batch_bytes = 1u << 30;
  return o;
}

TEST(AccessLog, LinesWaitInTheRingUntilFlush) {
  test::temp_dir dir;
  const auto path = dir.path() / "access.log";
  std::string error;
  auto log = access_log::open(access_log_sink::file, path.string(), 2, error, idle_writer());
  ASSERT_NE(log, nullptr) << error;
  log->append(0, sample());
  log->append(1, sample());
  log->append(0, sample());
  EXPECT_EQ(size_of(path), 0u);  // nothing is written on the request path
  log->flush();
  EXPECT_EQ(lines_of(path).size(), 3u);
  log->flush();  // idempotent
  EXPECT_EQ(lines_of(path).size(), 3u);
}

TEST(AccessLog, DestructionWritesEverythingAppended) {
  test::temp_dir dir;
  const auto path = dir.path() / "access.log";
  std::string error;
  {
    auto log = access_log::open(access_log_sink::file, path.string(), 1, error, idle_writer());
    ASSERT_NE(log, nullptr) << error;
    for (int i = 0; i < 5; ++i)
      log->append(0, sample());
  }
  const auto lines = lines_of(path);
  ASSERT_EQ(lines.size(), 5u);
  simdjson::dom::parser parser;
  for (const auto& l : lines) {
    simdjson::dom::element doc;
    EXPECT_EQ(parser.parse(l).get(doc), simdjson::SUCCESS) << l;
  }
}

TEST(AccessLog, APendingBatchWakesTheWriterWithoutFlush) {
  test::temp_dir dir;
  const auto path = dir.path() / "access.log";
  auto opts = idle_writer();
  opts.batch_bytes = 4096;
  std::string error;
  auto log = access_log::open(access_log_sink::file, path.string(), 1, error, opts);
  ASSERT_NE(log, nullptr) << error;
  const std::size_t line_bytes = line_of(sample()).size();
  const std::size_t lines = 4096 / line_bytes + 1;
  for (std::size_t i = 0; i < lines; ++i)
    log->append(0, sample());
  // Bounded wait for the writer thread (not a timing assertion).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (size_of(path) < lines * line_bytes && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_EQ(size_of(path), lines * line_bytes);
}

TEST(AccessLog, AFullRingDropsAndCountsInsteadOfBlocking) {
  test::temp_dir dir;
  const auto path = dir.path() / "access.log";
  auto opts = idle_writer();
  opts.ring_bytes = 4096;
  std::string error;
  auto log = access_log::open(access_log_sink::file, path.string(), 1, error, opts);
  ASSERT_NE(log, nullptr) << error;
  const std::size_t line_bytes = line_of(sample()).size();
  const std::size_t fits = 4096 / line_bytes;
  for (std::size_t i = 0; i < fits + 3; ++i)
    log->append(0, sample());
  EXPECT_EQ(log->dropped_lines(), 3u);
  log->flush();
  EXPECT_EQ(lines_of(path).size(), fits);
  // The ring has room again after the writer consumed it.
  log->append(0, sample());
  log->flush();
  EXPECT_EQ(lines_of(path).size(), fits + 1);
  EXPECT_EQ(log->dropped_lines(), 3u);
}

TEST(AccessLog, WorkersAppendConcurrentlyWithoutLosingOrTearingLines) {
  constexpr int per_worker = 5'000;
  test::temp_dir dir;
  const auto path = dir.path() / "access.log";
  access_log::options opts;  // real batching: 100 ms / 64 KiB
  // Rings large enough for every line even if the writer thread never ran
  // during the appends (a busy machine): this test is about concurrent appends
  // neither losing nor tearing lines; dropping on a full ring has its own test.
  opts.ring_bytes = 4u << 20;
  std::string error;
  auto log = access_log::open(access_log_sink::file, path.string(), 2, error, opts);
  ASSERT_NE(log, nullptr) << error;
  const auto worker = [&](unsigned w) {
    const std::string id = "worker-" + std::to_string(w);
    for (int i = 0; i < per_worker; ++i) {
      auto r = sample();
      r.request_id = id;
      log->append(w, r);
    }
  };
  std::thread a(worker, 0u);
  std::thread b(worker, 1u);
  a.join();
  b.join();
  EXPECT_EQ(log->dropped_lines(), 0u);
  log.reset();  // flush on destruction

  int seen[2] = {0, 0};
  simdjson::dom::parser parser;
  const auto lines = lines_of(path);
  for (const auto& l : lines) {
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(l).get(doc), simdjson::SUCCESS) << l;
    const std::string_view id = doc["request_id"];
    if (id == "worker-0")
      ++seen[0];
    if (id == "worker-1")
      ++seen[1];
  }
  EXPECT_EQ(seen[0] + seen[1], static_cast<int>(lines.size()));
  EXPECT_EQ(seen[0], per_worker);
  EXPECT_EQ(seen[1], per_worker);
}

TEST(AccessLog, ReopenFollowsLogRotation) {
  test::temp_dir dir;
  const auto path = dir.path() / "access.log";
  const auto rotated = dir.path() / "access.log.1";
  std::string error;
  auto log = access_log::open(access_log_sink::file, path.string(), 1, error, idle_writer());
  ASSERT_NE(log, nullptr) << error;
  log->append(0, sample());
  log->flush();
  std::filesystem::rename(path, rotated);
  log->reopen();
  log->append(0, sample());
  log->flush();
  EXPECT_EQ(lines_of(rotated).size(), 1u);
  EXPECT_EQ(lines_of(path).size(), 1u);
}

}  // namespace
}  // namespace ug::gateway
