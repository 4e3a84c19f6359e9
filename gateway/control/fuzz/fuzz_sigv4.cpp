// libFuzzer entry: arbitrary requests and Authorization headers through the
// SigV4 verifier, checking what must hold for every input, not only that
// nothing crashes:
//  - no refusal message ever holds the configured secret;
//  - the canonical URI and query use only the bytes SigV4 allows (unreserved,
//    '/', '%XX' with upper-case hex; '=' and '&' in the query) and the URI,
//    decoded once, has no dot segment and no empty segment left;
//  - the same request signed from its own parts (any method, target, header
//    names and values, body) verifies, so the Authorization parser reads back
//    everything the canonical-request builder can produce, and one byte more
//    in the body makes it fail.
// Input: method \n target \n Authorization \n X-Amz-Date \n then "name:value"
// lines up to an empty line, then the body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/hex_digit.hpp"
#include "common/sha256.hpp"
#include "gateway/control/sigv4_canonical_request.hpp"
#include "gateway/control/sigv4_signing.hpp"
#include "gateway/control/sigv4_verifier.hpp"

namespace {

namespace control = ug::gateway::control;

constexpr std::string_view access_key_id = "AKIDFUZZ";
constexpr std::string_view secret = "fuzz/Secret+Key=0123456789abcdefghijklmn";
constexpr std::string_view fixed_date = "20260314T150926Z";
constexpr std::int64_t fixed_now_ns = 1'773'500'966LL * 1'000'000'000LL;

void require(bool condition) {
  if (!condition) {
    __builtin_trap();
  }
}

std::string_view next_line(std::string_view& rest) {
  const std::size_t newline = rest.find('\n');
  const std::string_view line = rest.substr(0, newline);
  rest = newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
  return line;
}

bool is_token(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == '!' || c == '#' || c == '$' ||
                    c == '&' || c == '\'' || c == '*' || c == '+' || c == '^' || c == '`' ||
                    c == '|' || c == '~';
    if (!ok) {
      return false;
    }
  }
  return true;
}

bool verifier_reads_it_itself(std::string_view name) {
  using control::equals_ignoring_case;
  return equals_ignoring_case(name, "authorization") || equals_ignoring_case(name, "x-amz-date") ||
         equals_ignoring_case(name, "date") || equals_ignoring_case(name, "host") ||
         equals_ignoring_case(name, "x-amz-content-sha256") ||
         equals_ignoring_case(name, "x-amz-security-token");
}

void check_encoded(std::string_view text, std::string_view also_bare) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      require(i + 2 < text.size());
      for (const char h : {text[i + 1], text[i + 2]}) {
        require(ug::common::hex_digit_value(h) >= 0 && !(h >= 'a' && h <= 'f'));
      }
      i += 2;
      continue;
    }
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    require(unreserved || also_bare.find(c) != std::string_view::npos);
  }
}

void check_canonical_uri(std::string_view raw_path) {
  const std::string uri = control::sigv4_canonical_uri(raw_path);
  check_encoded(uri, "/");
  // Segments between slashes, decoded once (the %XX this step added).
  std::size_t start = uri.empty() || uri[0] != '/' ? 0 : 1;
  while (start < uri.size()) {
    std::size_t end = uri.find('/', start);
    if (end == std::string::npos) {
      end = uri.size();
    }
    const std::string_view segment = std::string_view(uri).substr(start, end - start);
    require(segment != "." && segment != "..");
    require(!segment.empty() || end == uri.size());
    start = end + 1;
  }
}

std::string signed_authorization(const control::sigv4_request& request,
                                 std::string_view signed_headers) {
  const std::string date(fixed_date.substr(0, 8));
  const std::string canonical = control::sigv4_canonical_request(
      request, signed_headers, ug::common::to_hex(request.body_sha256));
  const std::string string_to_sign =
      control::sigv4_string_to_sign(fixed_date, date, "us-east-1", "apigateway", canonical);
  return "AWS4-HMAC-SHA256 Credential=" + std::string(access_key_id) + "/" + date +
         "/us-east-1/apigateway/aws4_request, SignedHeaders=" + std::string(signed_headers) +
         ", Signature=" +
         control::sigv4_signature(secret, date, "us-east-1", "apigateway", string_to_sign);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const control::sigv4_verifier verifier({std::string(access_key_id), std::string(secret)},
                                                "apigateway");
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view method = next_line(rest);
  const std::string_view target = next_line(rest);
  const std::string_view authorization = next_line(rest);
  const std::string_view amz_date = next_line(rest);
  std::vector<std::pair<std::string_view, std::string_view>> extra;
  while (!rest.empty()) {
    const std::string_view line = next_line(rest);
    if (line.empty()) {
      break;
    }
    const std::size_t colon = line.find(':');
    extra.emplace_back(line.substr(0, colon), colon == std::string_view::npos
                                                  ? std::string_view{}
                                                  : line.substr(colon + 1));
  }
  const std::string_view body = rest;
  const std::string_view path = target.substr(0, target.find('?'));
  check_canonical_uri(path);
  if (const std::size_t question = target.find('?'); question != std::string_view::npos) {
    check_encoded(control::sigv4_canonical_query(target.substr(question + 1)), "=&");
  }

  // 1. The request as the fuzzer wrote it, Authorization and all.
  std::vector<control::sigv4_header> headers = {
      {"Host", "127.0.0.1:9080"}, {"X-Amz-Date", amz_date}, {"Authorization", authorization}};
  for (const auto& [name, value] : extra) {
    headers.push_back({name, value});
  }
  control::sigv4_request request{method, target, headers, ug::common::sha256(body)};
  const control::sigv4_verdict verdict = verifier.verify(request, fixed_now_ns);
  const bool input_has_secret =
      std::string_view(reinterpret_cast<const char*>(data), size).find(secret) !=
      std::string_view::npos;
  if (!verdict.valid() && !input_has_secret) {
    require(verdict.refusal->message.find(secret) == std::string::npos);
  }

  // 2. The same request signed from its own parts must verify.
  std::string signed_headers = "host;x-amz-date";
  std::vector<control::sigv4_header> signed_request_headers = {{"Host", "127.0.0.1:9080"},
                                                               {"X-Amz-Date", fixed_date}};
  for (const auto& [name, value] : extra) {
    if (is_token(name) && !verifier_reads_it_itself(name)) {
      signed_request_headers.push_back({name, value});
      signed_headers += ';';
      signed_headers += name;
    }
  }
  control::sigv4_request to_sign{method, target, signed_request_headers, ug::common::sha256(body)};
  const std::string signed_value = signed_authorization(to_sign, signed_headers);
  signed_request_headers.push_back({"Authorization", signed_value});
  to_sign.headers = signed_request_headers;
  require(verifier.verify(to_sign, fixed_now_ns).valid());
  const std::string longer_body = std::string(body) + "x";
  to_sign.body_sha256 = ug::common::sha256(longer_body);
  require(!verifier.verify(to_sign, fixed_now_ns).valid());
  return 0;
}
