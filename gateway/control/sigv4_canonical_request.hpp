#pragma once
// The SigV4 canonical request, rebuilt from the request as received so that
// it equals, byte for byte, the one the client signed. The rules are those of
// botocore's SigV4Auth for every service but S3 (what the AWS CLI and boto3
// run for apigateway), which the AWS SDK for JavaScript v3 shares:
//
//   METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n \n SignedHeaders \n PayloadHash
//
// docs/sigv4.md explains each step.
#include <span>
#include <string>
#include <string_view>

#include "gateway/control/sigv4_request.hpp"

namespace ug::gateway::control {

/// Pure, thread-safe. The canonical URI of the path as received (still
/// percent-encoded): empty and "." segments dropped, ".." removing the one
/// before (RFC 3986 §5.2.4, empty segments merged as AWS requires), a leading
/// and a trailing '/' kept, then every byte but A-Z a-z 0-9 - . _ ~ and '/'
/// encoded as %XX once more, so "%2F" becomes "%252F" ("" → "/").
[[nodiscard]] std::string sigv4_canonical_uri(std::string_view raw_path);

/// Pure, thread-safe. The canonical query string of the query as received
/// (without '?'): each '&'-separated pair (empty ones skipped) split at its
/// first '=' (none: empty value), key and value percent-decoded and encoded
/// again with only A-Z a-z 0-9 - . _ ~ left bare, the pairs sorted by key then
/// value, joined as "k=v&k=v". A malformed escape keeps its '%' as "%25"; '+'
/// is a plus, not a space (AWS clients encode a space as %20).
[[nodiscard]] std::string sigv4_canonical_query(std::string_view raw_query);

/// Pure, thread-safe. A header value trimmed of leading and trailing spaces
/// and tabs, each inner run of them folded into one space.
[[nodiscard]] std::string sigv4_trimmed_header_value(std::string_view value);

/// Pure, thread-safe. The canonical request for `request`, signing the
/// headers named in `signed_headers` (the SignedHeaders component,
/// ';'-separated, in its order): one "name:value" line each (the name lower
/// case, the values of every header of that name trimmed and joined with ','
/// in arrival order, "" if none arrived), then the names again as the signed
/// headers line, then `payload_hash` (hex SHA-256 of the body, or the
/// x-amz-content-sha256 the client sent).
[[nodiscard]] std::string sigv4_canonical_request(const sigv4_request& request,
                                                  std::string_view signed_headers,
                                                  std::string_view payload_hash);

}  // namespace ug::gateway::control
