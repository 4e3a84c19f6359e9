#pragma once
// Secret comparison whose duration does not depend on where the inputs differ.
#include <string_view>

namespace ug::limiter {

/// True when `a` and `b` are byte-for-byte equal. Different lengths return
/// false at once (lengths are not secret); equal lengths are compared with
/// OpenSSL's CRYPTO_memcmp, whose time depends on the length only.
/// Thread-safe, never throws.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace ug::limiter
