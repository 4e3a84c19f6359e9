#pragma once
// The loader rule table: each row edits the valid configuration of
// loader_sections.hpp and names the JSON path and a phrase of the error it
// must then produce. One file per part of the document contributes rows;
// loader_validation_test.cpp runs them all.
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "tests/config/loader_sections.hpp"

namespace ug::config::loader_fixture {

struct error_case {
  std::string name;
  std::function<void(sections&)> edit;
  std::string path;    ///< expected json_path of (one of) the errors
  std::string phrase;  ///< expected in that error's message
};

inline void PrintTo(const error_case& c, std::ostream* os) {
  *os << c.name;
}

/// A usage plan on api1/v1 with `quota`.
inline std::string plan_with_quota(const std::string& quota) {
  return R"([{"id": "p1", "apiStages": [{"apiId": "api1", "stage": "v1"}], "quota": )" + quota +
         "}]";
}

/// restApis: ids, resources and their methods, stages and method settings.
std::vector<error_case> rest_api_error_cases();
/// usagePlans, apiKeys and usagePlanKeys.
std::vector<error_case> plan_and_key_error_cases();
/// The gateway section: settings, listeners, admin, stages and upstreams.
std::vector<error_case> gateway_error_cases();

}  // namespace ug::config::loader_fixture
