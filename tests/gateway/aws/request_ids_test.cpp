#include "gateway/aws/request_ids.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

namespace ug::gateway {
namespace {

bool is_lower_hex(std::string_view s) {
  return s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

/// 8-4-4-4-12 lower-case hex, version 4, RFC 4122 variant.
bool is_uuid_v4(std::string_view s) {
  if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
    return false;
  if (s[14] != '4' || std::string_view("89ab").find(s[19]) == std::string_view::npos)
    return false;
  return is_lower_hex(s.substr(0, 8)) && is_lower_hex(s.substr(9, 4)) &&
         is_lower_hex(s.substr(14, 4)) && is_lower_hex(s.substr(19, 4)) &&
         is_lower_hex(s.substr(24, 12));
}

/// 15 base64 digits and one '=' ("LLCm7FonFiAFXFg=").
bool is_apigw_id(std::string_view s) {
  constexpr std::string_view b64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  return s.size() == 16 && s[15] == '=' &&
         s.substr(0, 15).find_first_not_of(b64) == std::string_view::npos;
}

// 2024-03-05T12:00:00Z = 0x65e70940 seconds.
constexpr std::int64_t t0_utc_ns = 1'709'640'000'000'000'000;

TEST(RequestIds, GeneratesUuidV4ApigwIdAndTraceRoot) {
  request_ids ids;
  ids.assign({}, {}, t0_utc_ns);
  EXPECT_TRUE(is_uuid_v4(ids.request_id())) << ids.request_id();
  EXPECT_TRUE(is_apigw_id(ids.apigw_id())) << ids.apigw_id();
  const std::string_view trace = ids.trace_id();
  EXPECT_EQ(trace.size(), 40u);
  EXPECT_EQ(trace.substr(0, 16), "Root=1-65e70940-") << trace;
  EXPECT_TRUE(is_lower_hex(trace.substr(16))) << trace;
  EXPECT_TRUE(ids.trace_generated());
}

TEST(RequestIds, KeepsClientValues) {
  request_ids ids;
  ids.assign("my-request-id", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", t0_utc_ns);
  EXPECT_EQ(ids.request_id(), "my-request-id");
  EXPECT_EQ(ids.trace_id(), "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1");
  EXPECT_FALSE(ids.trace_generated());
}

TEST(RequestIds, ReplacesUnusableClientValues) {
  request_ids ids;
  const std::string too_long(request_ids::max_request_id_bytes + 1, 'a');
  ids.assign(too_long, "bad\x01value", t0_utc_ns);
  EXPECT_TRUE(is_uuid_v4(ids.request_id()));
  EXPECT_TRUE(ids.trace_generated());
  EXPECT_EQ(ids.trace_id().substr(0, 16), "Root=1-65e70940-");
}

TEST(RequestIds, IdsDifferBetweenRequests) {
  std::set<std::string> request_ids_seen;
  std::set<std::string> apigw_ids_seen;
  std::set<std::string> traces_seen;
  request_ids ids;
  for (int i = 0; i < 1000; ++i) {
    ids.assign({}, {}, t0_utc_ns);
    request_ids_seen.emplace(ids.request_id());
    apigw_ids_seen.emplace(ids.apigw_id());
    traces_seen.emplace(ids.trace_id());
  }
  EXPECT_EQ(request_ids_seen.size(), 1000u);
  EXPECT_EQ(apigw_ids_seen.size(), 1000u);
  EXPECT_EQ(traces_seen.size(), 1000u);
}

}  // namespace
}  // namespace ug::gateway
