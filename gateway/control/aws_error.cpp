#include "gateway/control/aws_error.hpp"

#include <array>
#include <string>
#include <utility>

#include "common/json_string.hpp"
#include "gateway/aws/request_ids.hpp"

namespace ug::gateway::control {
namespace {

void add_common_headers(control_response& r) {
  std::array<char, 36> id{};
  make_uuid_v4(id);
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("x-amzn-RequestId", std::string(id.data(), id.size()));
}

}  // namespace

unsigned error_status(error_code code) noexcept {
  switch (code) {
    case error_code::bad_request:
    case error_code::serialization:
      return 400;
    case error_code::unauthorized:
      return 401;
    case error_code::not_found:
      return 404;
    case error_code::conflict:
      return 409;
    case error_code::too_many_requests:
      return 429;
    case error_code::service_unavailable:
      return 503;
    case error_code::internal_failure:
      break;
  }
  return 500;
}

std::string_view error_type(error_code code) noexcept {
  switch (code) {
    case error_code::bad_request:
      return "BadRequestException";
    case error_code::serialization:
      return "SerializationException";
    case error_code::unauthorized:
      return "UnauthorizedException";
    case error_code::not_found:
      return "NotFoundException";
    case error_code::conflict:
      return "ConflictException";
    case error_code::too_many_requests:
      return "TooManyRequestsException";
    case error_code::service_unavailable:
      return "ServiceUnavailableException";
    case error_code::internal_failure:
      break;
  }
  return "InternalFailure";
}

control_response error_response(error_code code, std::string_view message) {
  control_response r;
  r.status = error_status(code);
  add_common_headers(r);
  r.headers.emplace_back("x-amzn-ErrorType", std::string(error_type(code)));
  r.body = R"({"message":)";
  common::append_json_string(r.body, message);
  r.body.push_back('}');
  return r;
}

control_response json_response(unsigned status, std::string body) {
  control_response r;
  r.status = status;
  add_common_headers(r);
  r.body = std::move(body);
  return r;
}

}  // namespace ug::gateway::control
