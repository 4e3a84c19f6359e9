#pragma once
// Lookups by id in a document, shared by validation, the compiler and the
// control plane so that each asks the same question the same way.
#include <string_view>

#include "config/document/document.hpp"

namespace ug::config {

/// Thread-safe (pure). The REST API `id` of `doc` (the first, should the
/// document not be validated yet); nullptr when it has none.
[[nodiscard]] const rest_api* find_rest_api(const document& doc, std::string_view id) noexcept;

/// Thread-safe (pure). The deployment `id` of `api`; nullptr when it has none.
[[nodiscard]] const deployment* find_deployment(const rest_api& api, std::string_view id) noexcept;

}  // namespace ug::config
