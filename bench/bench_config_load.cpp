// Cost of load_string (parse + validate) for configurations with many API
// keys, each in a usage plan. The JSON is generated once per size, outside
// the timed loop.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>

#include "config/loader.hpp"

namespace {

std::string generate(int key_count) {
  std::string json =
      R"({"gateway": {"stages": {"api1/v1": {"upstream": {"url": "http://127.0.0.1:9000"}}}},
    "restApis": [{"id": "api1", "resources": [{"path": "/{proxy+}",
        "resourceMethods": {"ANY": {"apiKeyRequired": true}}}], "stages": [{"stageName": "v1"}]}],
    "usagePlans": [{"id": "p1", "apiStages": [{"apiId": "api1", "stage": "v1"}],
        "throttle": {"burstLimit": 10, "rateLimit": 5}, "quota": {"limit": 1000, "period": "DAY"}}],
    "apiKeys": {"items": [)";
  char buffer[256];
  for (int i = 0; i < key_count; ++i) {
    std::snprintf(buffer, sizeof buffer,
                  R"(%s{"id": "k%09d", "name": "client %d", "enabled": true, )"
                  R"("createdDate": 1456184452, "value": "bench-key-value-%014d"})",
                  i == 0 ? "" : ",", i, i, i);
    json += buffer;
  }
  json += R"(]}, "usagePlanKeys": {"p1": {"items": [)";
  for (int i = 0; i < key_count; ++i) {
    std::snprintf(buffer, sizeof buffer, R"(%s{"id": "k%09d", "type": "API_KEY"})",
                  i == 0 ? "" : ",", i);
    json += buffer;
  }
  json += "]}}}";
  return json;
}

const std::string& config_with(int key_count) {
  static std::map<int, std::string> cache;
  auto it = cache.find(key_count);
  if (it == cache.end())
    it = cache.emplace(key_count, generate(key_count)).first;
  return it->second;
}

void BM_LoadString(benchmark::State& state) {
  const std::string& json = config_with(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    ug::config::load_result r = ug::config::load_string(json);
    if (!r.doc)
      state.SkipWithError("configuration did not validate");
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(json.size()));
  state.counters["keys"] = static_cast<double>(state.range(0));
  state.counters["json_bytes"] = static_cast<double>(json.size());
}
BENCHMARK(BM_LoadString)->Arg(1'000)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

}  // namespace
