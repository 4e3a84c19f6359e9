#pragma once
// The query string of a control-plane request ("limit=2&position=p2&name=a")
// and the percent-decoding that path parameters share (botocore encodes every
// byte outside A-Z a-z 0-9 - . _ ~, "/" inside a parameter included). '+' is
// a literal plus, as RFC 3986 reads it: AWS SDKs send a space as %20.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ug::gateway::control {

/// Pure. `text` with %XX sequences decoded; nullopt when a '%' is not
/// followed by two hex digits.
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view text);

class query_params {
 public:
  /// Pure. Splits `raw` at '&' and each part at its first '='; a name without
  /// '=' has the value "". nullopt when a name or value is badly encoded.
  [[nodiscard]] static std::optional<query_params> parse(std::string_view raw);

  /// Thread-safe (const). The first value of `name`, nullopt when absent.
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const noexcept;
  /// Thread-safe (const). True when `name` is "true" (any case), as AWS reads
  /// its boolean query members (includeValue, includeValues).
  [[nodiscard]] bool flag(std::string_view name) const noexcept;

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

}  // namespace ug::gateway::control
