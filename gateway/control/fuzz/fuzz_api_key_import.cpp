// libFuzzer entry: arbitrary bodies through ImportApiKeys over a small config,
// checking what must hold for every input, not only that nothing crashes:
//  - the answer is a 201 or a 400, never a 500 (a failure inside);
//  - a 201 lists only keys that are in the document with a value AWS allows,
//    and everything it touched is an object the document has;
//  - with failonwarnings the same body either imports the same keys with no
//    warning or is a 400 (whose changes the caller throws away, like every
//    write's that is no 2xx).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/loader.hpp"
#include "gateway/control/control_plane.hpp"
#include "gateway/control/operations.hpp"
#include "gateway/control/write/mutation.hpp"

namespace {

namespace control = ug::gateway::control;

constexpr std::string_view config_json = R"({
  "gateway": {"stages": {"api0000001/v1": {"upstream": {"url": "http://127.0.0.1:1"}}}},
  "restApis": [{"id": "api0000001", "name": "ai_api",
    "resources": [{"id": "root01", "path": "/"}], "stages": [{"stageName": "v1"}]}],
  "usagePlans": [{"id": "gold01", "name": "gold",
                  "apiStages": [{"apiId": "api0000001", "stage": "v1"}]},
                 {"id": "free01", "name": "free"}],
  "apiKeys": [{"id": "filekey001", "name": "file", "enabled": true,
               "value": "file-key-value-0000000001"}]
})";

const ug::config::document& base_document() {
  static const ug::config::document doc = [] {
    ug::config::load_result loaded = ug::config::load_string(config_json);
    if (!loaded.doc)
      std::abort();
    return *loaded.doc;
  }();
  return doc;
}

struct import_run {
  control::control_response answer;
  ug::config::document doc;
  control::object_set touched;
};

import_run run_import(std::string_view body, std::string_view query) {
  import_run run{{}, base_document(), {}};
  const control::object_set owned;
  control::write_state state{run.doc, owned, run.touched, 1'700'000'000, nullptr};
  control::control_request request;
  request.method = "POST";
  request.path = "/apikeys";
  request.query = query;
  request.body = body;
  run.answer = control::handle_write(request, state);
  return run;
}

bool has_warnings(const control::control_response& r) {
  return r.body.find("\"warnings\":[]") == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const import_run lenient = run_import(body, "mode=import&format=csv");
  if (lenient.answer.status != 201 && lenient.answer.status != 400)
    std::abort();
  if (lenient.answer.status == 400 && !lenient.touched.empty())
    std::abort();
  for (const control::object_ref& ref : lenient.touched) {
    if (ref.kind == control::object_kind::api_key) {
      const ug::config::api_key* key = control::find_api_key(lenient.doc, ref.id);
      if (key == nullptr || !key->value || !control::api_key_value_problem(*key->value).empty())
        std::abort();
    }
  }
  const import_run strict = run_import(body, "mode=import&format=csv&failonwarnings=true");
  if (lenient.answer.status == 201 && !has_warnings(lenient.answer)) {
    if (strict.answer.status != 201 || strict.touched.size() != lenient.touched.size())
      std::abort();
  } else if (strict.answer.status != 400) {
    std::abort();
  }
  return 0;
}
