#include "config/document/key_reference.hpp"

#include "common/sha256.hpp"

namespace ug::config::detail {
namespace {

std::string_view digest_bytes(const common::sha256_digest& d) noexcept {
  // The digest is raw bytes; a view lets one hash map serve values and digests.
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

}  // namespace

bool looks_like_key_value(std::string_view id) noexcept {
  return id.size() >= min_key_value_chars;
}

std::string describe_unknown_key_id(std::string_view id) {
  if (!looks_like_key_value(id))
    return "API key '" + std::string(id) + "'";
  return "an API key id of " + std::to_string(id.size()) +
         " characters (not shown: it looks like a key value)";
}

void key_value_owners::build() {
  built_ = true;
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    const api_key& key = keys_[i];
    if (key.value)
      by_value_.emplace(*key.value, i);
    if (key.value_sha256)
      by_digest_.emplace(digest_bytes(*key.value_sha256), i);
  }
}

std::string_view key_value_owners::owner_of(std::string_view text) {
  if (!built_)
    build();
  if (const auto it = by_value_.find(text); it != by_value_.end())
    return keys_[it->second].id;
  if (by_digest_.empty())
    return {};
  const common::sha256_digest digest = common::sha256(text);
  if (const auto it = by_digest_.find(digest_bytes(digest)); it != by_digest_.end())
    return keys_[it->second].id;
  return {};
}

std::string unknown_key_message(std::string_view id, key_value_owners& owners,
                                std::string_view suggestion) {
  if (looks_like_key_value(id)) {
    const std::string_view owner = owners.owner_of(id);
    if (!owner.empty()) {
      const std::string name(owner);
      return "this is the value of API key '" + name +
             "' (not shown), not a key id: usagePlanKeys entries name a key by its id (\"id\": \"" +
             name + "\")";
    }
  }
  return describe_unknown_key_id(id) + " is not in apiKeys" + std::string(suggestion);
}

}  // namespace ug::config::detail
