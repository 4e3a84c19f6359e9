// AWS-shaped errors and answers: status, x-amzn-ErrorType, {"message"},
// Content-Type and a request id on every answer.
#include "gateway/control/aws_error.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ug::gateway::control {
namespace {

std::string header(const control_response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name)
      return v;
  }
  return "<absent>";
}

TEST(AwsError, NotFoundCarriesTypeAndMessage) {
  const control_response r = error_response(error_code::not_found, not_found_text::usage_plan);
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(header(r, "x-amzn-ErrorType"), "NotFoundException");
  EXPECT_EQ(header(r, "Content-Type"), "application/json");
  EXPECT_EQ(header(r, "x-amzn-RequestId").size(), 36u);
  EXPECT_EQ(r.body, R"({"message":"Invalid Usage Plan ID specified"})");
}

TEST(AwsError, EveryCodeHasItsStatusAndType) {
  const std::vector<std::tuple<error_code, unsigned, std::string_view>> cases{
      {error_code::bad_request, 400, "BadRequestException"},
      {error_code::unauthorized, 401, "UnauthorizedException"},
      {error_code::not_found, 404, "NotFoundException"},
      {error_code::conflict, 409, "ConflictException"},
      {error_code::too_many_requests, 429, "TooManyRequestsException"},
      {error_code::service_unavailable, 503, "ServiceUnavailableException"},
      {error_code::internal_failure, 500, "InternalFailure"}};
  for (const auto& [code, status, type] : cases) {
    EXPECT_EQ(error_status(code), status);
    EXPECT_EQ(error_type(code), type);
  }
}

TEST(AwsError, MessageIsEscaped) {
  const control_response r = error_response(error_code::bad_request, "a \"quoted\"\n\\ text");
  EXPECT_EQ(r.body, R"({"message":"a \"quoted\"\n\\ text"})");
}

TEST(AwsError, SuccessHasNoErrorTypeAndFreshRequestIds) {
  const control_response a = json_response(200, "{}");
  const control_response b = json_response(200, "{}");
  EXPECT_EQ(header(a, "x-amzn-ErrorType"), "<absent>");
  EXPECT_NE(header(a, "x-amzn-RequestId"), header(b, "x-amzn-RequestId"));
  EXPECT_EQ(a.body, "{}");
}

}  // namespace
}  // namespace ug::gateway::control
