// libFuzzer entry: arbitrary bytes through the request path a forwarded
// request takes (Beast's parser -> head checks -> canonical target -> route,
// key check and admission -> upstream target and head), checking what must
// hold for every input, not only that nothing crashes:
//  - a forwarded head never carries both Transfer-Encoding and Content-Length,
//    nor two of either, and its framing is the one the relay applies;
//  - the forwarded path is canonical (a fixed point: the upstream finds no dot
//    segment or escape to normalise), lies under the stage's upstream base
//    path, and routes, read back, to the resource that was decided on;
//  - no key-required route is reached without the one valid key, judged by an
//    independent model of an upstream that normalises what it receives (decode
//    every escape, '\\' as '/', resolve dot segments, merge slashes as nginx
//    does, cut ";params" as servlet containers do, ignore case as Express
//    does), so a flaw in canonicalize_target cannot hide behind itself.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/hex_digit.hpp"
#include "config/loader.hpp"
#include "config/snapshot/compiled_config.hpp"
#include "gateway/http/bounded_parser.hpp"
#include "gateway/http/header_transform.hpp"
#include "gateway/http/integration_target.hpp"
#include "gateway/http/request_head_checks.hpp"
#include "gateway/http/request_target.hpp"
#include "limiter/state_registry.hpp"

namespace {

namespace config = ug::config;
namespace gw = ug::gateway;
namespace http = gw::http;

constexpr std::string_view valid_key = "fuzz-valid-key-0123456789";

// Stage /n: /public/{p+} and a catch-all /{p+} without a key, /secret/{p+}
// with one; upstream base /base. Stage fuzzapi002/d (deployed, reached at
// /restapis/fuzzapi002/d/_user_request_/): an integration URI with two
// path parameters and its own method.
constexpr std::string_view config_json = R"({
  "gateway": {"stages": {"fuzzapi001/n": {"basePath": "/n",
                                          "upstream": {"url": "http://127.0.0.1:9/base"}}}},
  "restApis": [{"id": "fuzzapi001", "name": "fuzz", "resources": [
    {"id": "r0", "path": "/"},
    {"id": "r5", "path": "/{p+}",
     "resourceMethods": {"ANY": {"httpMethod": "ANY", "apiKeyRequired": false}}},
    {"id": "r1", "path": "/public"},
    {"id": "r2", "path": "/public/{p+}",
     "resourceMethods": {"ANY": {"httpMethod": "ANY", "apiKeyRequired": false}}},
    {"id": "r3", "path": "/secret"},
    {"id": "r4", "path": "/secret/{p+}",
     "resourceMethods": {"ANY": {"httpMethod": "ANY", "apiKeyRequired": true}}}],
    "stages": [{"stageName": "n"}]},
   {"id": "fuzzapi002", "name": "deployed", "resources": [{"id": "d0", "path": "/"}],
    "deployments": [{"id": "dep001", "resources": [
      {"id": "d0", "path": "/"},
      {"id": "d1", "path": "/items/{id}/{rest+}", "resourceMethods": {"ANY": {
        "httpMethod": "ANY", "apiKeyRequired": false, "methodIntegration": {
          "type": "HTTP_PROXY", "httpMethod": "POST",
          "uri": "http://127.0.0.1:9/v1/{rest}/of/{id}"}}}}]}],
    "stages": [{"stageName": "d", "deploymentId": "dep001"}]}],
  "usagePlans": [{"id": "plan000001", "name": "fuzz",
                  "apiStages": [{"apiId": "fuzzapi001", "stage": "n"}]}],
  "apiKeys": [{"id": "key0000001", "name": "k", "enabled": true,
               "value": "fuzz-valid-key-0123456789"}],
  "usagePlanKeys": {"plan000001": [{"id": "key0000001", "type": "API_KEY"}]}
})";

struct fixture {
  ug::limiter::state_registry state;
  std::shared_ptr<const config::compiled_config> snapshot;

  fixture() {
    config::load_result loaded = config::load_string(config_json, std::filesystem::current_path());
    if (!loaded.doc) {
      __builtin_trap();  // the fixture itself must be valid
    }
    snapshot = config::compiled_config::compile(*loaded.doc, state, ug::limiter::instant{});
  }
};

void require(bool holds) {
  if (!holds) {
    __builtin_trap();
  }
}

std::size_t count_fields(const http::fields& f, http::field name) {
  const auto range = f.equal_range(name);
  return static_cast<std::size_t>(std::distance(range.first, range.second));
}

/// What the most lenient upstream makes of a path it is sent: every escape
/// decoded, '\\' read as '/', ";params" cut from segments, letters folded to
/// lower case, "//" merged, "." and ".." resolved. False where such an
/// upstream refuses the path (".." above the root, a bad escape).
bool upstream_view(std::string_view path, std::string& out) {
  std::string decoded;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%') {
      if (i + 2 >= path.size() || ug::common::hex_digit_value(path[i + 1]) < 0 ||
          ug::common::hex_digit_value(path[i + 2]) < 0) {
        return false;
      }
      decoded.push_back(static_cast<char>(ug::common::hex_digit_value(path[i + 1]) * 16 +
                                          ug::common::hex_digit_value(path[i + 2])));
      i += 2;
    } else {
      decoded.push_back(path[i]);
    }
    if (decoded.back() == '\\') {
      decoded.back() = '/';
    }
    if (decoded.back() >= 'A' && decoded.back() <= 'Z') {
      decoded.back() = static_cast<char>(decoded.back() - 'A' + 'a');
    }
  }
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= decoded.size()) {
    const std::size_t slash = decoded.find('/', start);
    std::string segment =
        decoded.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    segment = segment.substr(0, segment.find(';'));
    if (segment == "..") {
      if (segments.empty()) {
        return false;
      }
      segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    if (slash == std::string::npos) {
      break;
    }
    start = slash + 1;
  }
  out.clear();
  for (const std::string& segment : segments) {
    out += '/';
    out += segment;
  }
  if (out.empty()) {
    out = "/";
  }
  return true;
}

config::verdict decide(const fixture& fx, std::string_view method, std::string_view target,
                       std::uint32_t lowest_depth, std::string_view key, bool has_key) {
  config::request_facts facts;
  facts.method = method;
  facts.target = target;
  facts.lowest_depth_segments = lowest_depth;
  facts.api_key = key;
  facts.has_api_key = has_key;
  return fx.snapshot->decide(facts);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fixture fx;
  gw::header_arena arena;
  gw::request_parser parser(std::piecewise_construct, std::make_tuple(),
                            std::make_tuple(gw::arena_allocator<char>(arena)));
  parser.header_limit(16 * 1024);
  gw::error_code ec;
  parser.put(gw::net::buffer(data, size), ec);
  if (ec || !parser.is_header_done()) {
    return 0;  // refused (400/431/413) or incomplete: nothing is forwarded
  }
  const auto& req = parser.get();
  const gw::head_facts head = gw::check_request_head(req);
  if (head.problem != gw::head_problem::none) {
    return 0;
  }
  std::string canonical;
  const gw::canonical_target c = gw::canonicalize_target(req.target(), canonical);
  if (c.problem != gw::target_problem::none) {
    return 0;
  }
  const config::verdict v = decide(fx, req.method_string(), canonical, c.lowest_depth_segments,
                                   head.api_key, head.has_api_key);
  if (v.result != config::outcome::forward) {
    return 0;
  }
  if (v.resource_path == "/secret/{p+}") {
    require(head.has_api_key && head.api_key == valid_key);
  }

  const config::compiled_stage& stage = fx.snapshot->stages()[v.stage_index];
  std::string target;
  gw::build_forward_target(v, stage.upstream.base_path, canonical, target);
  gw::upstream_request_context up;
  up.method = v.integration_method;
  up.target = target;
  up.host = "127.0.0.1:9";
  up.client_ip = "127.0.0.1";
  up.trace_id = "Root=1-00000000-000000000000000000000000";
  std::string wire;
  gw::write_upstream_request_head(req, up, wire);

  // What the upstream reads.
  http::request_parser<http::empty_body> upstream;
  upstream.header_limit(1024 * 1024);  // encoding can triple the target's length
  upstream.put(gw::net::buffer(wire), ec);
  require(!ec && upstream.is_header_done());
  const auto& sent = upstream.get();
  const std::size_t lengths = count_fields(sent, http::field::content_length);
  const std::size_t encodings = count_fields(sent, http::field::transfer_encoding);
  require(lengths <= 1 && encodings <= 1 && (lengths == 0 || encodings == 0));
  const gw::body_framing relayed = gw::declared_framing(parser);
  require((encodings == 1) == (relayed == gw::body_framing::chunked));
  require((lengths == 1) == (relayed == gw::body_framing::content_length));
  require(count_fields(sent, http::field::host) == 1);

  const std::string_view sent_target = sent.target();
  if (stage.upstream_from_integrations) {
    // The integration's path with both parameters put in, still canonical,
    // and its method unless the client asked for HEAD.
    require(sent_target.starts_with("/v1/") && sent_target.find("/of/") != std::string_view::npos);
    std::string canonical_again;
    const gw::canonical_target ci = gw::canonicalize_target(sent_target, canonical_again);
    require(ci.problem == gw::target_problem::none);
    require(sent.method() == http::verb::post || req.method() == http::verb::head);
    return 0;
  }
  require(sent_target == "/base" || sent_target.starts_with("/base/") ||
          sent_target.starts_with("/base?"));
  std::string again;
  const gw::canonical_target c2 = gw::canonicalize_target(sent_target, again);
  require(c2.problem == gw::target_problem::none && again == sent_target);
  // The upstream serves the path it was sent; read back under the stage, it
  // is the resource the key check was made for.
  const std::string as_routed = "/n" + std::string(sent_target.substr(5));
  const config::verdict back =
      decide(fx, req.method_string(), as_routed, UINT32_MAX, head.api_key, head.has_api_key);
  require(back.result == config::outcome::forward && back.resource_path == v.resource_path);

  // The upstream's own reading of the path: if it serves a key-required
  // resource, the key check must have seen the valid key.
  std::string normalised;
  const std::string_view sent_path = sent_target.substr(0, sent_target.find('?'));
  if (upstream_view(sent_path, normalised) &&
      normalised.starts_with("/base/secret/")) {  // /secret/{p+}: a segment after it
    require(head.has_api_key && head.api_key == valid_key);
  }
  return 0;
}
