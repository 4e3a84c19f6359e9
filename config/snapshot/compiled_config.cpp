// compiled_config's accessors. The snapshot is built in compile_config.cpp,
// decides in decide.cpp and carries its buckets over in
// compiled_config_carry_over.cpp.
#include "config/snapshot/compiled_config.hpp"

#include <optional>
#include <string>
#include <vector>

#include "config/snapshot/compiled_config_impl.hpp"

namespace ug::config {

compiled_config::compiled_config() : impl_(std::make_unique<impl>()) {}
compiled_config::~compiled_config() = default;

const gateway_response_table* compiled_config::gateway_responses(
    std::uint32_t stage_index) const noexcept {
  return stage_index < impl_->stage_responses.size() ? impl_->stage_responses[stage_index]
                                                     : nullptr;
}

const gateway_settings& compiled_config::gateway() const noexcept {
  return impl_->gateway;
}
const document& compiled_config::source_document() const noexcept {
  return *impl_->source;
}
const std::vector<compiled_stage>& compiled_config::stages() const noexcept {
  return impl_->stages;
}
std::size_t compiled_config::key_count() const noexcept {
  return impl_->keys.size();
}
std::size_t compiled_config::plan_count() const noexcept {
  return impl_->plans.size();
}
const std::string& compiled_config::content_sha256_hex() const noexcept {
  return impl_->content_sha256_hex;
}
std::optional<std::int64_t> compiled_config::plan_start_utc_ns(std::string_view plan_id) const {
  auto it = impl_->plan_start_utc_ns.find(plan_id);
  if (it == impl_->plan_start_utc_ns.end()) {
    return std::nullopt;
  }
  return it->second;
}

void compiled_config::for_each_quota(const quota_visitor& fn) const {
  for (const impl::key& k : impl_->keys) {
    for (const impl::key_binding& b : k.bindings) {
      const impl::plan& p = impl_->plans[b.plan_index];
      if (p.has_quota) {
        fn(p.id, k.id, p.quota, b.state);
      }
    }
  }
}

}  // namespace ug::config
