#pragma once
// Internal to config/: the class that reads the document, shared by
// document_parser.cpp (the root and the helpers every part uses) and the
// document_parse_*.cpp files (one part of the document each).
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <simdjson.h>

#include "config/document/document.hpp"
#include "config/document/document_parser.hpp"
#include "config/json/json_reader.hpp"

namespace ug::config::detail {

/// The upper bound of `document_parser::bounded` that means "no upper bound".
inline constexpr std::int64_t no_max = std::numeric_limits<std::int64_t>::max();

/// Reads one document into a parsed_document; every problem goes to the
/// reader's diagnostics at the path where it was found. Not thread-safe
/// (one parser per load, using the load's reader).
class document_parser {
 public:
  explicit document_parser(json_reader& reader) : r_(reader) {}
  /// Appends what it reads to `so_far` (an overlay's objects after the file's).
  document_parser(json_reader& reader, parsed_document so_far)
      : r_(reader), out_(std::move(so_far)) {}

  /// Reads the root object; call once.
  parsed_document run(simdjson::dom::element root);
  /// Reads an overlay's root object (no gateway, no $schema); call once.
  parsed_document run_overlay(simdjson::dom::element root);

 private:
  /// restApis, usagePlans, apiKeys or usagePlanKeys (document_parser.cpp).
  void read_objects(std::string_view name, simdjson::dom::element v);

  // Shared helpers, reporting at the current path (document_parser.cpp).
  std::optional<std::int64_t> bounded(simdjson::dom::element v, std::int64_t min, std::int64_t max);
  std::optional<double> non_negative_number(simdjson::dom::element v);
  void read_string(simdjson::dom::element v, std::string& into);
  void missing(std::string_view field);
  /// A string that must be one of `names` (with a did-you-mean).
  std::optional<std::string_view> one_of(simdjson::dom::element v,
                                         std::span<const std::string_view> names);
  /// ThrottleSettings: both members are required (a bucket needs both).
  std::optional<throttle_settings> read_throttle(simdjson::dom::element v);
  static bool has_control_char(std::string_view text) noexcept;

  // gateway, its listeners and admin settings (document_parse_gateway.cpp).
  void read_gateway(simdjson::dom::element v);
  void check_admin_listener(bool admin_given);
  void check_admin_exposure();
  bool read_bind_member(std::string_view name, simdjson::dom::element e, std::string& address,
                        std::uint16_t& port);
  std::optional<listener_settings> read_listener(simdjson::dom::element v, listener_settings value);
  std::optional<admin_settings> read_admin(simdjson::dom::element v, admin_settings value);
  bool admin_token(std::string_view token, admin_settings& into);

  // gateway.stages and their upstreams (document_parse_gateway_stages.cpp).
  void read_gateway_stage(std::string_view key, simdjson::dom::element v);
  std::optional<upstream_settings> read_upstream(simdjson::dom::element v);

  // restApis, their resources, methods and stages (document_parse_rest_apis.cpp).
  void read_rest_api(simdjson::dom::element v);
  void read_account(simdjson::dom::element v);
  void read_resource(simdjson::dom::element v, std::size_t api_index);
  /// One resource with its methods (where it is recorded is the caller's).
  resource read_resource_value(simdjson::dom::element v);
  std::optional<integration> read_integration(simdjson::dom::element v);
  void read_deployment(simdjson::dom::element v, rest_api& api);
  void read_stage(simdjson::dom::element v);
  void read_method_setting(std::string_view key, simdjson::dom::element v, stage& st);

  // usagePlans (document_parse_usage_plans.cpp).
  void read_usage_plan(simdjson::dom::element v);
  api_stage read_api_stage(simdjson::dom::element v);
  std::optional<quota_settings> read_quota(simdjson::dom::element v);

  // apiKeys and usagePlanKeys (document_parse_api_keys.cpp).
  void read_api_key(simdjson::dom::element v);
  void read_plan_keys(std::string_view plan_id, simdjson::dom::element v);

  json_reader& r_;
  parsed_document out_;
};

}  // namespace ug::config::detail
