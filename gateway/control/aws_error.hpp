#pragma once
// The control plane's error answers as botocore reads them: the status, the
// error code in x-amzn-ErrorType (what the CLI prints in "An error occurred
// (NotFoundException)") and {"message": "..."} with AWS's own texts where AWS
// is known to use them. Every answer, error or not, gets Content-Type
// application/json and a fresh x-amzn-RequestId.
#include <string_view>

#include "gateway/control/control_plane.hpp"

namespace ug::gateway::control {

enum class error_code {
  bad_request,          ///< 400 BadRequestException
  serialization,        ///< 400 SerializationException (a body that is not the JSON expected)
  unauthorized,         ///< 401 UnauthorizedException
  not_found,            ///< 404 NotFoundException
  conflict,             ///< 409 ConflictException
  too_many_requests,    ///< 429 TooManyRequestsException
  service_unavailable,  ///< 503 ServiceUnavailableException
  internal_failure,     ///< 500 InternalFailure (a bug: the CLI then shows the text)
};

/// Pure. The HTTP status and the x-amzn-ErrorType value of `code`.
[[nodiscard]] unsigned error_status(error_code code) noexcept;
[[nodiscard]] std::string_view error_type(error_code code) noexcept;

/// Thread-safe. The error answer: status, x-amzn-ErrorType, {"message": message}.
[[nodiscard]] control_response error_response(error_code code, std::string_view message);

/// Thread-safe. A success answer with `body` (JSON; "" for an empty 202).
[[nodiscard]] control_response json_response(unsigned status, std::string body);

/// AWS's NotFoundException texts for the objects the reads look up.
namespace not_found_text {
inline constexpr std::string_view usage_plan = "Invalid Usage Plan ID specified";
inline constexpr std::string_view api_key = "Invalid API Key identifier specified";
inline constexpr std::string_view usage_plan_key = "Invalid Usage Plan Key identifier specified";
inline constexpr std::string_view resource = "Invalid Resource identifier specified";
inline constexpr std::string_view method = "Invalid Method identifier specified";
inline constexpr std::string_view stage = "Invalid stage identifier specified";
inline constexpr std::string_view integration = "Invalid Integration identifier specified";
inline constexpr std::string_view deployment = "Invalid Deployment identifier specified";
/// Followed by "<account id>:<rest api id>".
inline constexpr std::string_view rest_api_prefix = "Invalid API identifier specified ";
}  // namespace not_found_text

/// The account id usagegate answers with where AWS shows one (LocalStack's too).
inline constexpr std::string_view account_id = "000000000000";

}  // namespace ug::gateway::control
