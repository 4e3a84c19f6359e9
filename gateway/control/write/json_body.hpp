#pragma once
// A control-plane request body as JSON (simdjson DOM), with typed reads of
// its members that keep the first type error, so an operation reads every
// member and then answers one 400 naming the member that was wrong.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

namespace ug::gateway::control {

/// Not thread-safe: one request, one body. Views returned point into it.
class json_body {
 public:
  /// False (error() says why) when `text` is not one JSON object. An empty
  /// body is an empty object (botocore sends none when no member is set).
  bool parse(std::string_view text);

  /// The members of the root object; absent (or null) gives nullopt; a value
  /// of another type gives nullopt and records an error.
  std::optional<std::string_view> string(std::string_view name);
  std::optional<bool> boolean(std::string_view name);
  std::optional<std::int64_t> integer(std::string_view name);
  std::optional<double> number(std::string_view name);
  std::optional<simdjson::dom::object> object(std::string_view name);
  std::optional<simdjson::dom::array> array(std::string_view name);
  /// AWS tags (an object of strings, as every Create* takes them); absent
  /// gives an empty map, a value that is not a string records an error.
  std::map<std::string, std::string> tags(std::string_view name);

  /// Typed reads of any element (inside an array or object member). `what`
  /// names it in the error ("apiStages[0].apiId").
  std::optional<std::string_view> string_of(simdjson::dom::element e, std::string_view what);
  std::optional<std::int64_t> integer_of(simdjson::dom::element e, std::string_view what);
  std::optional<double> number_of(simdjson::dom::element e, std::string_view what);

  [[nodiscard]] bool ok() const noexcept { return error_.empty(); }
  /// The first error, a sentence for the 400's message.
  [[nodiscard]] const std::string& error() const noexcept { return error_; }

 private:
  std::optional<simdjson::dom::element> member(std::string_view name);
  void fail(std::string_view what, std::string_view expected);

  simdjson::dom::parser parser_;
  simdjson::dom::object root_;
  std::string error_;
};

}  // namespace ug::gateway::control
