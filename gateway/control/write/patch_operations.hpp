#pragma once
// AWS PatchOperation lists ({"patchOperations": [{op, path, value, from}]}),
// as every Update* operation of the management API takes them, and the 400
// texts AWS answers for a path an operation does not allow.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ug::gateway::control {

struct patch_operation {
  std::string op;  ///< add, remove, replace, move, copy, test
  std::string path;
  std::optional<std::string> value;  ///< always a string on the wire ("50", "true")
  std::optional<std::string> from;
};

/// Pure. The body's patchOperations (an absent list is empty); nullopt with
/// `error` set when the body is not JSON or a member has the wrong type.
[[nodiscard]] std::optional<std::vector<patch_operation>> parse_patch_operations(
    std::string_view body, std::string& error);

/// Pure. AWS's text for a path `op` does not allow, with the allowed paths:
/// "Invalid patch path  '/id' specified for op 'replace'. Must be one of:
/// [/description, /enabled, /name, /customerId]" (two spaces, as AWS writes it).
[[nodiscard]] std::string invalid_patch_path(const patch_operation& p,
                                             std::span<const std::string_view> allowed);

/// Pure. "/" inside a path segment is written "~1" and "~" as "~0" (JSON pointer).
[[nodiscard]] std::string unescape_pointer_segment(std::string_view segment);

/// Pure. AWS's reading of a boolean patch value: "true" (any case) is true,
/// anything else false (AWS does not refuse other strings).
[[nodiscard]] bool patch_boolean(const patch_operation& p) noexcept;

}  // namespace ug::gateway::control
