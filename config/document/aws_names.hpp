#pragma once
// The small grammars of API Gateway names: HTTP methods, resource paths
// ("/pets/{id}", "/{proxy+}"), usage-plan method throttle keys ("/pets/GET",
// root "//GET"), stage methodSettings keys ("*/*", "~1pets/GET") and stage
// names. Each check returns "" when the name is valid, else the reason.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ug::config::detail {

/// GET POST PUT PATCH DELETE HEAD OPTIONS ANY. Thread-safe.
[[nodiscard]] std::span<const std::string_view> http_methods() noexcept;
[[nodiscard]] bool is_http_method(std::string_view name) noexcept;

/// Why `path` is not a resource path ("" if it is). Thread-safe.
[[nodiscard]] std::string resource_path_problem(std::string_view path);

/// Why `name` is not a stage name (letters, digits, '-', '_'; 1-128). Thread-safe.
[[nodiscard]] std::string stage_name_problem(std::string_view name);

/// A method key split into resource path and method. The document parser
/// (validation) and compiled_config::compile (the snapshot) both read keys
/// through the two parsers below, so they cannot disagree on a key.
struct method_key {
  std::string resource_path;  ///< "/pets", "/" for the root; "*" for methodSettings' "*/*"
  std::string http_method;    ///< "GET"; "*" for methodSettings' "*/*"
};
/// Parses a usage-plan method throttle key: "/pets/GET" (root "//GET"). On
/// failure sets `problem`. Thread-safe.
[[nodiscard]] std::optional<method_key> parse_plan_method_key(std::string_view key,
                                                              std::string& problem);

/// Parses a stage methodSettings key: "*/*" is {"*", "*"} (the stage's
/// default), "~1pets~1{id}/GET" is {"/pets/{id}", "GET"}; "pets/GET" (how AWS
/// prints an entry set through the patch path /pets/GET/...) is {"/pets",
/// "GET"}. On failure sets `problem`. Thread-safe.
[[nodiscard]] std::optional<method_key> parse_method_setting_key(std::string_view key,
                                                                 std::string& problem);

/// Normalises a stage methodSettings key to AWS's escaped form: "*/*" stays,
/// "~1pets/GET" stays, "pets/GET" becomes "~1pets/GET". On failure sets
/// `problem` (parse_method_setting_key's reasons). Thread-safe.
[[nodiscard]] std::optional<std::string> normalize_method_setting_key(std::string_view key,
                                                                      std::string& problem);

}  // namespace ug::config::detail
