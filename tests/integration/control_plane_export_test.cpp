// `usagegate export`: objects created with the AWS CLI leave the control
// plane as one config file. The exported file passes --check-config, and a
// gateway started on it (control.db moved aside) admits the created key and
// continues its quota from usage.db. Started on it with control.db still in
// place, the gateway refuses the duplicate ids instead of guessing.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/admin.hpp"
#include "tests/support/aws_clients.hpp"
#include "tests/support/gateway_config.hpp"
#include "tests/support/gateway_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

namespace ug::test {
namespace {

constexpr const char* file_key_value = "export-file-key-value-0000000001";
constexpr const char* created_key_value = "export-created-key-value-00000001";

usagegate_config export_config(std::uint16_t upstream_port, const std::string& state_directory) {
  const resource_spec root{.id = "expt_root1", .path = "/"};
  usagegate_config c;
  c.gateway.state_directory = state_directory;
  c.gateway.quota_reserve_chunk = 1;
  c.gateway.stages = {{.api_id = "exptapi001",
                       .stage_name = "v1",
                       .base_path = "/v1",
                       .upstream = upstream_at(upstream_port)}};
  c.rest_apis = {
      {.id = "exptapi001",
       .name = "ai_api",
       .resources = {root, child_resource(root, "exptendp01", "endpoint",
                                          {{.http_method = "GET", .api_key_required = true}})},
       .stages = {{.stage_name = "v1"}}}};
  c.usage_plans.push_back({.id = "exptplan01",
                           .name = "file_plan",
                           .api_stages = {{.api_id = "exptapi001", .stage = "v1"}},
                           .throttle = throttle_limits{100, 100},
                           .key_ids = {"exptkey001"}});
  c.api_keys = {{.id = "exptkey001", .value = file_key_value, .name = "file_client"}};
  return c;
}

class ControlPlaneExport : public gateway_test {
 protected:
  int status_with(const char* key) {
    const std::optional<http_response> r =
        http_request(port(), "GET", "/v1/endpoint", with_api_key(key));
    EXPECT_TRUE(r) << "no answer from the gateway";
    return r ? r->status : 0;
  }

  std::string created_id(const std::vector<std::string>& args) {
    const client_run r = clients_->aws(args);
    return std::string(std::string_view(clients_->json_of(r)["id"]));
  }

  std::filesystem::path state() const { return dir_.path() / "state"; }

  std::optional<aws_clients> clients_;
};

TEST_F(ControlPlaneExport, CreatedObjectsBecomeAFileThatRunsWithTheirUsage) {
  start_mock();
  const std::filesystem::path file =
      start_gateway(to_json(export_config(mock_port(), state().string())));
  clients_.emplace(dir_, "http://127.0.0.1:" + std::to_string(admin_port()));

  const std::string key = created_id(
      {"create-api-key", "--name", "created", "--enabled", "--value", created_key_value});
  const std::string plan =
      created_id({"create-usage-plan", "--name", "created_plan", "--api-stages",
                  "apiId=exptapi001,stage=v1", "--quota", "limit=3,period=DAY"});
  clients_->json_of(clients_->aws({"create-usage-plan-key", "--usage-plan-id", plan, "--key-id",
                                   key, "--key-type", "API_KEY"}));
  EXPECT_EQ(status_with(created_key_value), 200);
  EXPECT_EQ(status_with(created_key_value), 200);
  EXPECT_EQ(status_with(file_key_value), 200);
  ASSERT_EQ(stop_usagegate(*gw_), 0) << gw_->proc.output();
  gw_.reset();

  const client_run exported = clients_->run(
      {bin_path("usagegate"), "export", "--state", state().string(), "--config", file.string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(exported.err, "");
  EXPECT_NE(exported.out.find(created_key_value), std::string::npos);
  const std::filesystem::path merged = dir_.write("exported.json", exported.out);

  // control.db still in place: the same ids in the file and in the store.
  // --check-config checks what the gateway would load, and both refuse.
  const client_run conflict = clients_->run({bin_path("usagegate"), "--check-config", merged});
  EXPECT_EQ(conflict.exit_code, 2) << conflict.out << conflict.err;
  EXPECT_NE(conflict.err.find("API key id '" + key + "' is used twice"), std::string::npos)
      << conflict.err;
  EXPECT_NE(conflict.err.find("move control.db aside"), std::string::npos) << conflict.err;
  child_process both({bin_path("usagegate"), "--config", merged.string()});
  EXPECT_EQ(both.wait_exit(std::chrono::seconds(15)), 2) << both.output();
  EXPECT_NE(both.output().find("move control.db aside"), std::string::npos) << both.output();

  std::filesystem::rename(state() / "control.db", dir_.path() / "control.db.moved-aside");
  const client_run checked = clients_->run({bin_path("usagegate"), "--check-config", merged});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_EQ(checked.out, merged.string() + ": OK\n");
  gw_.emplace(start_usagegate(merged));
  // The quota of 3 continues: two were used before the export.
  EXPECT_EQ(status_with(created_key_value), 200);
  EXPECT_EQ(status_with(created_key_value), 429);
  EXPECT_EQ(status_with(file_key_value), 200);
  clients_.emplace(dir_, "http://127.0.0.1:" + std::to_string(admin_port_of(*gw_)));
  const simdjson::dom::element keys =
      clients_->json_of(clients_->aws({"get-usage-plan-keys", "--usage-plan-id", plan}));
  ASSERT_EQ(keys["items"].get_array().size(), 1u);
  EXPECT_EQ(std::string_view(keys["items"].at(0)["id"]), key);
  // The objects now come from the file: the control plane cannot delete them.
  const client_run removed = clients_->aws({"delete-api-key", "--api-key", key});
  EXPECT_NE(removed.exit_code, 0);
  EXPECT_NE(removed.err.find("is defined in the config file " + merged.string() +
                             " and is read-only through the API"),
            std::string::npos)
      << removed.err;
}

TEST_F(ControlPlaneExport, WithoutControlDbTheFileComesBackAndBadFilesAreNamed) {
  const std::filesystem::path file = dir_.write("gw.json", to_json(export_config(1, "")));
  // No gateway runs: the clients only run usagegate's own commands here.
  clients_.emplace(dir_, "http://127.0.0.1:" + std::to_string(closed_port()));
  const client_run same =
      clients_->run({bin_path("usagegate"), "export", "--state", (dir_.path() / "none").string(),
                     "--config", file.string()});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_NE(same.out.find(file_key_value), std::string::npos);

  const std::filesystem::path broken = dir_.write("broken.json", "{\"apiKeys\": {}}");
  const client_run bad = clients_->run(
      {bin_path("usagegate"), "export", "--state", state().string(), "--config", broken.string()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("apiKeys is not a list"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.out, "");
}

}  // namespace
}  // namespace ug::test
