#pragma once
// How an error message names a key id that matches no key. A key *value*
// pasted where a key id belongs (usagePlanKeys[].id) must not be echoed:
// messages go to stderr, CI logs and the POST /reload answer. AWS key ids are
// 10 characters and key values 20 to 128, so anything of value length is
// described by its length only, or by the id of the key it is the value of.
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/document/document.hpp"

namespace ug::config::detail {

/// Ids this long are never echoed (the shortest API key value AWS accepts).
inline constexpr std::size_t min_key_value_chars = 20;

/// True when `id` is long enough to be an API key value. Thread-safe.
[[nodiscard]] bool looks_like_key_value(std::string_view id) noexcept;

/// "API key 'k9'" for an id that can be shown, else "an API key id of 27
/// characters (not shown: it looks like a key value)". Thread-safe.
[[nodiscard]] std::string describe_unknown_key_id(std::string_view id);

/// Which API key has a given value (or valueSha256). The maps are built on
/// the first question: only an unknown key reference asks one. Not
/// thread-safe; `keys` must outlive it unchanged.
class key_value_owners {
 public:
  explicit key_value_owners(const std::vector<api_key>& keys) : keys_(keys) {}

  /// The id of the key whose value is `text`, "" if there is none.
  [[nodiscard]] std::string_view owner_of(std::string_view text);

 private:
  void build();

  const std::vector<api_key>& keys_;
  bool built_ = false;
  std::unordered_map<std::string_view, std::size_t> by_value_;
  /// Keys are the 32 digest bytes inside keys_.
  std::unordered_map<std::string_view, std::size_t> by_digest_;
};

/// The message for a usagePlanKeys entry whose id names no key: says which
/// key's value it is when it is one (then `suggestion`, a did-you-mean, is left out), never
/// echoes a value-shaped id. Not thread-safe (asks `owners`).
[[nodiscard]] std::string unknown_key_message(std::string_view id, key_value_owners& owners,
                                              std::string_view suggestion);

}  // namespace ug::config::detail
