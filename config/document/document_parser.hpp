#pragma once
// JSON (already parsed by simdjson) -> document, checking everything that can
// be judged from one value alone: types, unknown members, required members,
// ranges, name grammars, upstream URLs. It also records where each object
// came from, so that the cross-object checks (config/validator) can point at
// the right file and JSON path.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <simdjson.h>

#include "config/document/document.hpp"
#include "config/json/diagnostics.hpp"
#include "config/json/json_reader.hpp"

namespace ug::config::detail {

/// One gateway.stages["<restApiId>/<stageName>"] entry, linked to its AWS
/// stage by the validator.
struct gateway_stage_entry {
  std::string api_id;
  std::string stage_name;
  std::optional<std::string> base_path;
  std::optional<upstream_settings> upstream;  ///< unset if missing or invalid
  location where;
};

/// The usage plan keys read from one usagePlanKeys["<planId>"] entry.
struct plan_key_group {
  std::string plan_id;
  location where;
  std::size_t first = 0;  ///< range in document::usage_plan_keys
  std::size_t count = 0;
};

/// Where each object of the document was read (vectors parallel to the
/// document's), plus what the document itself does not keep.
struct source_map {
  std::vector<location> rest_apis;
  std::vector<std::vector<location>> resources;          ///< [rest api][resource]
  std::vector<std::vector<location>> gateway_responses;  ///< [rest api][gateway response]
  std::vector<location> stages;                          ///< parallel to document::stages
  std::vector<location> usage_plans;
  std::vector<location> api_keys;
  std::vector<location> usage_plan_keys;
  /// The key value get-usage-plan-keys prints next to each entry (compared,
  /// never reported).
  std::vector<std::optional<std::string>> usage_plan_key_values;
  std::vector<plan_key_group> plan_key_groups;
  std::vector<gateway_stage_entry> gateway_stages;
  bool has_gateway = false;
};

struct parsed_document {
  document doc;
  source_map where;
};

/// Reads the root object. Errors go to the reader's diagnostics; the result
/// is complete enough for the validator even when some values were invalid.
/// Not thread-safe (uses `reader`).
[[nodiscard]] parsed_document parse_document(json_reader& reader, simdjson::dom::element root);

/// Reads the root of an overlay (restApis, usagePlans, apiKeys and
/// usagePlanKeys, as in a config file; `gateway` is an error) and appends its
/// objects to `parsed`, so that the validator judges them with the file's.
/// Not thread-safe (uses `reader`).
void parse_overlay(json_reader& reader, simdjson::dom::element root, parsed_document& parsed);

}  // namespace ug::config::detail
