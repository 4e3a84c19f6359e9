#pragma once
// Ids and generated API key values in AWS's shapes, from OpenSSL's CSPRNG
// (a key value is a secret; ids only need to be unguessable enough not to
// collide, but one source serves both).
#include <cstddef>
#include <string>

namespace ug::gateway::control {

/// Thread-safe. `length` lowercase letters and digits (API key and REST API
/// ids have 10, usage plan, resource and deployment ids 6). Throws
/// std::runtime_error if the CSPRNG fails.
[[nodiscard]] std::string random_id(std::size_t length);

/// Thread-safe. A value as AWS generates one: 40 letters (both cases) and
/// digits. Throws std::runtime_error if the CSPRNG fails.
[[nodiscard]] std::string random_key_value();

}  // namespace ug::gateway::control
