// UpdateAccount over a document: the CloudWatch role kept, UsagePlans that
// cannot be removed, AWS's patch texts, and an account the file sets staying
// read-only.
#include <gtest/gtest.h>

#include <string>

#include "tests/gateway/control/rest_api_write_fixture.hpp"

namespace ug::gateway::control {
namespace {

class AccountWrites : public RestApiWriteFixture {
 protected:
  control_response patch(std::string_view ops) {
    return call("PATCH", "/account", R"({"patchOperations":[)" + std::string(ops) + "]}");
  }
};

TEST_F(AccountWrites, KeepsTheCloudWatchRoleAndShowsIt) {
  const control_response r = patch(
      R"({"op":"replace","path":"/cloudwatchRoleArn","value":"arn:aws:iam::000000000000:role/gw"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.body, R"({"cloudwatchRoleArn":"arn:aws:iam::000000000000:role/gw",)"
                    R"("features":["UsagePlans"],"apiKeyVersion":"4"})");
  ASSERT_TRUE(doc_.account.has_value());
  EXPECT_EQ(last_touched_, (object_set{object_ref{object_kind::account, "account"}}));
  EXPECT_EQ(patch(R"({"op":"add","path":"/features","value":"UsagePlans"})").status, 200u);
}

TEST_F(AccountWrites, AwsTextsForWhatCannotChange) {
  EXPECT_EQ(patch(R"({"op":"remove","path":"/features","value":"UsagePlans"})").body,
            message("Usage Plans cannot be disabled once enabled"));
  EXPECT_EQ(patch(R"({"op":"replace","path":"/throttle/rateLimit","value":"5"})").body,
            message("Invalid patch path  '/throttle/rateLimit' specified for op 'replace'. Must "
                    "be one of: [/cloudwatchRoleArn, /features]"));
  EXPECT_FALSE(doc_.account.has_value());
}

TEST_F(AccountWrites, AnAccountTheFileSetsIsReadOnly) {
  doc_.account = config::account_settings{"arn:aws:iam::1:role/file"};
  const control_response r = patch(R"({"op":"replace","path":"/cloudwatchRoleArn","value":"x"})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_NE(r.body.find("is defined in the config file /etc/usagegate/gw.json"), std::string::npos)
      << r.body;
  EXPECT_EQ(doc_.account->cloudwatch_role_arn, "arn:aws:iam::1:role/file");
}

}  // namespace
}  // namespace ug::gateway::control
