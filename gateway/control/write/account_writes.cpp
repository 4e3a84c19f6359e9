// UpdateAccount with AWS's patch paths: the CloudWatch role (kept and shown;
// usagegate logs locally and sends nothing to CloudWatch) and the features
// list, whose one member, UsagePlans, cannot be removed. The account's
// throttle is not AWS's to set through this call, and not here either: it is
// gateway.accountThrottle in the config file.
#include <array>
#include <string>

#include "gateway/control/json_shapes.hpp"
#include "gateway/control/json_writer.hpp"
#include "gateway/control/write/mutation.hpp"
#include "gateway/control/write/patch_operations.hpp"

namespace ug::gateway::control {
namespace {

constexpr std::array account_paths{std::string_view("/cloudwatchRoleArn"),
                                   std::string_view("/features")};

}  // namespace

control_response update_account(mutation_context& c) {
  std::string error;
  const auto ops = parse_patch_operations(c.body, error);
  if (!ops)
    return malformed_body(error);
  if (c.doc.account && !c.owns(object_kind::account, "account"))
    return file_object_refused(c.doc, "The account (its cloudwatchRoleArn)");
  config::account_settings next = c.doc.account.value_or(config::account_settings{});
  for (const patch_operation& p : *ops) {
    const std::string v = p.value.value_or("");
    if (p.path == "/cloudwatchRoleArn" && p.op == "replace") {
      next.cloudwatch_role_arn = v;
    } else if (p.path == "/features" && (p.op == "add" || p.op == "remove")) {
      if (v != "UsagePlans")
        return error_response(error_code::bad_request, "Invalid feature specified: " + v +
                                                           " (the one feature is UsagePlans)");
      if (p.op == "remove")
        return error_response(error_code::bad_request,
                              "Usage Plans cannot be disabled once enabled");
    } else {
      return error_response(error_code::bad_request, invalid_patch_path(p, account_paths));
    }
  }
  c.doc.account = std::move(next);
  c.touch(object_kind::account, "account");
  json_writer w;
  write_account(w, c.doc);
  return json_response(200, w.take());
}

}  // namespace ug::gateway::control
