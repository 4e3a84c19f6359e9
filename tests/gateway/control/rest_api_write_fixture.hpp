#pragma once
// The fixture of the REST API write tests: a config document, the control
// plane's objects, and one write at a time through handle_write.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <string_view>
#include <utility>

#include "config/loader.hpp"
#include "gateway/control/control_plane.hpp"

namespace ug::gateway::control {

inline std::string rest_api_write_config(std::string_view extra_gateway) {
  return R"({
  "gateway": {)" +
         std::string(extra_gateway) +
         R"("stages": {"api0000001/v1": {"upstream": {"url": "http://127.0.0.1:1"}}}},
  "restApis": [{"id": "api0000001", "name": "file_api",
    "resources": [{"id": "root01", "path": "/"}], "stages": [{"stageName": "v1"}]}]
})";
}

/// A config file with REST API api0000001 (stage v1) and `extra_gateway`
/// members in its gateway object; writes run over it as control_writer runs
/// them, what a 2xx answer touched joining the control plane's objects.
class RestApiWriteFixture : public ::testing::Test {
 protected:
  /// Members put first in the gateway object, each followed by a comma.
  virtual std::string extra_gateway() const { return {}; }

  void SetUp() override {
    config::load_result loaded = config::load_string(rest_api_write_config(extra_gateway()));
    ASSERT_TRUE(loaded.doc) << (loaded.errors.empty() ? "" : loaded.errors[0].to_string());
    doc_ = std::move(*loaded.doc);
    doc_.source_files = {"/etc/usagegate/gw.json"};
  }

  /// One write; what a 2xx answer touched joins `owned_`, as control_writer does.
  control_response call(std::string_view method, std::string_view path,
                        std::string_view body = "") {
    control_request r;
    r.method = method;
    r.path = path;
    r.body = body;
    object_set touched;
    write_state state{doc_, owned_, touched, 1'700'000'000, nullptr};
    control_response answer = handle_write(r, state);
    if (answer.status < 300) {
      last_touched_ = touched;
      owned_.insert(touched.begin(), touched.end());
    }
    return answer;
  }

  simdjson::dom::element json(const control_response& r) {
    simdjson::dom::element e;
    EXPECT_EQ(parser_.parse(r.body).get(e), simdjson::SUCCESS) << r.body;
    return e;
  }

  /// A new API's id and its root resource's id.
  std::pair<std::string, std::string> create_api(std::string_view body = R"({"name":"ai_api"})") {
    const control_response r = call("POST", "/restapis", body);
    EXPECT_EQ(r.status, 201u) << r.body;
    const simdjson::dom::element e = json(r);
    return {std::string(std::string_view(e["id"])),
            std::string(std::string_view(e["rootResourceId"]))};
  }

  std::string create_resource(const std::string& api, const std::string& parent,
                              std::string_view part) {
    const control_response r = call("POST", "/restapis/" + api + "/resources/" + parent,
                                    R"({"pathPart":")" + std::string(part) + "\"}");
    EXPECT_EQ(r.status, 201u) << r.body;
    return std::string(std::string_view(json(r)["id"]));
  }

  const config::rest_api* api(std::string_view id) const {
    for (const config::rest_api& a : doc_.rest_apis) {
      if (a.id == id)
        return &a;
    }
    return nullptr;
  }

  static std::string message(std::string_view text) {
    return "{\"message\":\"" + std::string(text) + "\"}";
  }

  config::document doc_;
  object_set owned_;
  object_set last_touched_;
  simdjson::dom::parser parser_;
};

inline std::string text(simdjson::dom::element e) {
  return std::string(std::string_view(e));
}

inline std::string header(const control_response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name)
      return v;
  }
  return {};
}

}  // namespace ug::gateway::control
