#pragma once
// The members AWS keeps on its objects besides their settings: tags and the
// createdDate / lastUpdatedDate timestamps, with AWS's limits. AWS counts
// lengths in characters (code points), not bytes, here and for key values.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "config/json/json_reader.hpp"

namespace ug::config::detail {

inline constexpr std::size_t max_tags = 50;
inline constexpr std::size_t max_tag_key_chars = 128;
inline constexpr std::size_t max_tag_value_chars = 256;

/// The latest timestamp accepted, 9999-12-31T23:59:59Z: four-digit years are
/// all an ISO-8601 date can spell without an extension.
inline constexpr std::int64_t max_timestamp_s = 253'402'300'799;

/// Code points in valid UTF-8 (simdjson validated every string). Thread-safe.
[[nodiscard]] std::size_t utf8_length(std::string_view text) noexcept;

/// Seconds since the epoch of an ISO-8601 date-time with a zone, as the AWS
/// CLI v2 prints it: "2026-12-04T17:06:36Z", "...T17:06:36+00:00",
/// "...T17:06:36.123456-08:00" (fractions dropped: AWS keeps whole seconds).
/// On failure sets `problem`. Thread-safe.
[[nodiscard]] std::optional<std::int64_t> parse_iso8601_seconds(std::string_view text,
                                                                std::string& problem);

/// createdDate / lastUpdatedDate: seconds since the epoch as a number (what
/// the AWS CLI v1 and the wire format print; a fraction is floored) or an
/// ISO-8601 string. Errors go to the reader at its current path. Not
/// thread-safe (uses `reader`).
[[nodiscard]] std::optional<std::int64_t> read_aws_timestamp(json_reader& reader,
                                                             simdjson::dom::element v);

/// tags: an object of string -> string within AWS's limits; errors name the
/// offending tag's path. Returns the valid tags. Not thread-safe (uses `reader`).
[[nodiscard]] std::map<std::string, std::string> read_aws_tags(json_reader& reader,
                                                               simdjson::dom::element v);

}  // namespace ug::config::detail
