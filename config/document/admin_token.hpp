#pragma once
// The admin listener's bearer token (gateway.admin.authToken or the content
// of gateway.admin.authTokenFile): what it may look like. Clients send it as
// "Authorization: Bearer <token>", so it uses RFC 6750's token characters;
// the minimum length keeps it out of reach of guessing.
#include <cstddef>
#include <string>
#include <string_view>

namespace ug::config::detail {

inline constexpr std::size_t min_admin_token_chars = 32;
inline constexpr std::size_t max_admin_token_chars =
    4096;  // far below the 8 KiB admin header limit

/// Why `token` cannot be the admin token ("" if it can). The reason never
/// quotes the token. Thread-safe.
[[nodiscard]] std::string admin_token_problem(std::string_view token);

/// A token file's content without the one line ending an editor or `echo`
/// adds ("\n" or "\r\n"). Thread-safe.
[[nodiscard]] std::string_view strip_final_line_end(std::string_view content) noexcept;

}  // namespace ug::config::detail
