#pragma once
// The AWS API Gateway control plane that `aws apigateway --endpoint-url` and
// boto3 talk to (rest-json; docs/control-plane.md): one request and the config
// snapshot in force -> one AWS-shaped answer. Reads of the objects the config
// file holds are answered from the snapshot's document; every mutation is
// refused with a 400 naming the file (the file is the source of truth), and
// a path no operation has is a 404 NotFoundException. Pure: no socket, no
// lock; gateway/admin/ serves it on the admin listener.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/document/document.hpp"
#include "config/snapshot/compiled_config.hpp"
#include "gateway/control/owned_objects.hpp"
#include "gateway/control/usage_access.hpp"

namespace ug::gateway::control {

/// What the control plane reads of an HTTP request. Views into the caller's message.
struct control_request {
  std::string_view method;  ///< "GET", "PATCH", ...
  std::string_view path;    ///< as sent, still percent-encoded, without the query
  std::string_view query;   ///< after '?', "" if none
  std::string_view body;
  /// Header fields as sent (name, value); names compare case-insensitively.
  std::vector<std::pair<std::string_view, std::string_view>> headers;
};

struct control_response {
  unsigned status = 200;
  /// Every header the answer carries besides Content-Length (Content-Type,
  /// x-amzn-RequestId, x-amzn-ErrorType on errors).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

/// Largest request body the control plane reads; a longer one is refused
/// before it is parsed (the admin listener enforces it while reading).
inline constexpr std::size_t max_control_body_bytes = 1024 * 1024;

/// True when `path`'s first segment is a collection of the API Gateway
/// management API ("/apikeys", "/restapis/x/stages", "/account", ...): the
/// paths the admin listener hands to handle(). Pure.
[[nodiscard]] bool is_control_plane_path(std::string_view path) noexcept;

/// True for a request that may change state (every method but GET and
/// HEAD): it goes to handle_write on the owner of the state store. Pure.
[[nodiscard]] bool is_write(const control_request& request) noexcept;
/// Pure. The model's name of the operation `request` calls ("GetUsagePlan"),
/// "" when it names none (a path or method no operation has, a malformed
/// target); static storage, for labels that stay bounded.
[[nodiscard]] std::string_view operation_name(const control_request& request);

/// Thread-safe (reads only its arguments; `snapshot` is immutable). Never
/// throws for any input: a failure inside becomes a 500 AWS-shaped answer.
/// Writes are refused here (a gateway without gateway.stateDirectory has
/// nowhere to keep what it would create). GetUsage reads `usage`, which may
/// be null (no state directory: GetUsage is a 400 saying so); `usage` must
/// be thread-safe for the caller's thread.
[[nodiscard]] control_response handle(const control_request& request,
                                      const config::compiled_config& snapshot,
                                      usage_access* usage = nullptr);

/// What a write reads and changes.
struct write_state {
  config::document& doc;    ///< the config in force (file and store objects); changed in place
  const object_set& owned;  ///< the store's objects
  object_set& touched;      ///< out: the store objects created, changed or deleted
  std::int64_t now_s = 0;   ///< epoch seconds
  /// UpdateUsage's counts; null: no state directory (UpdateUsage is a 400).
  usage_access* usage = nullptr;
};

/// Not thread-safe (changes `state`). A write: on a 2xx answer `state.doc`
/// holds the result and `state.touched` names what to persist; the caller
/// checks the document as a whole before it commits and publishes. Never
/// throws: a failure inside becomes a 500.
[[nodiscard]] control_response handle_write(const control_request& request, write_state& state);

}  // namespace ug::gateway::control
