// CreateRestApi, UpdateRestApi, DeleteRestApi, CreateResource,
// DeleteResource, PutMethod, UpdateMethod and DeleteMethod over a document:
// what they make (ids of AWS's shapes, the path the server computes), AWS's
// texts for what they refuse, and the config file's API staying read-only.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

#include "tests/gateway/control/rest_api_write_fixture.hpp"

namespace ug::gateway::control {
namespace {

class RestApiWrites : public RestApiWriteFixture {};

TEST_F(RestApiWrites, CreateRestApiAnswersTheApiWithItsRootResource) {
  const control_response r =
      call("POST", "/restapis",
           R"({"name":"ai_api","description":"LLM","tags":{"team":"ml"},)"
           R"("endpointConfiguration":{"types":["REGIONAL"]},"binaryMediaTypes":["image/png"]})");
  ASSERT_EQ(r.status, 201u) << r.body;
  const simdjson::dom::element e = json(r);
  const std::string id = text(e["id"]);
  EXPECT_EQ(id.size(), 10u);
  EXPECT_EQ(std::string_view(e["name"]), "ai_api");
  EXPECT_EQ(std::string_view(e["description"]), "LLM");
  EXPECT_EQ(int64_t(e["createdDate"]), 1'700'000'000);
  EXPECT_EQ(std::string_view(e["apiKeySource"]), "HEADER");
  EXPECT_EQ(std::string_view(e["tags"]["team"]), "ml");
  const config::rest_api* made = api(id);
  ASSERT_NE(made, nullptr);
  ASSERT_EQ(made->resources.size(), 1u);
  EXPECT_EQ(made->resources[0].path, "/");
  EXPECT_EQ(made->resources[0].id, std::string_view(e["rootResourceId"]));
  EXPECT_EQ(last_touched_, (object_set{object_ref{object_kind::rest_api, id}}));
}

TEST_F(RestApiWrites, CreateRestApiRefusesWhatItCannotHonour) {
  EXPECT_EQ(call("POST", "/restapis", "{}").body, message("The REST API name must be specified"));
  const control_response authorizer =
      call("POST", "/restapis", R"({"name":"a","apiKeySource":"AUTHORIZER"})");
  EXPECT_EQ(authorizer.status, 400u);
  EXPECT_NE(authorizer.body.find("AUTHORIZER is not supported"), std::string::npos);
  const control_response clone = call("POST", "/restapis", R"({"name":"a","cloneFrom":"x"})");
  EXPECT_EQ(clone.status, 400u);
  EXPECT_NE(clone.body.find("cloneFrom is not supported"), std::string::npos);
  const control_response bad = call("POST", "/restapis", R"({"name":7})");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(header(bad, "x-amzn-ErrorType"), "SerializationException");
  EXPECT_EQ(doc_.rest_apis.size(), 1u);
}

TEST_F(RestApiWrites, CreateResourceComputesThePathFromItsParent) {
  const auto [id, root] = create_api();
  const control_response r =
      call("POST", "/restapis/" + id + "/resources/" + root, R"({"pathPart":"endpoint"})");
  ASSERT_EQ(r.status, 201u) << r.body;
  const simdjson::dom::element e = json(r);
  const std::string endpoint = text(e["id"]);
  EXPECT_EQ(endpoint.size(), 6u);
  EXPECT_EQ(std::string_view(e["parentId"]), root);
  EXPECT_EQ(std::string_view(e["pathPart"]), "endpoint");
  EXPECT_EQ(std::string_view(e["path"]), "/endpoint");
  const control_response child =
      call("POST", "/restapis/" + id + "/resources/" + endpoint, R"({"pathPart":"{proxy+}"})");
  ASSERT_EQ(child.status, 201u) << child.body;
  EXPECT_EQ(std::string_view(json(child)["path"]), "/endpoint/{proxy+}");
  EXPECT_EQ(std::string_view(json(child)["parentId"]), endpoint);
  EXPECT_EQ(api(id)->resources.size(), 3u);
}

TEST_F(RestApiWrites, CreateResourceRefusesWithAwsTexts) {
  const auto [id, root] = create_api();
  const std::string pets = create_resource(id, root, "pets");
  const std::string base = "/restapis/" + id + "/resources/";
  const control_response again = call("POST", base + root, R"({"pathPart":"pets"})");
  EXPECT_EQ(again.status, 409u);
  EXPECT_EQ(again.body,
            message("Another resource with the same parent already has this name: pets"));
  create_resource(id, pets, "{id}");
  EXPECT_EQ(call("POST", base + pets, R"({"pathPart":"{name}"})").body,
            message("A sibling ({id}) of this resource already has a variable path part -- only "
                    "one is allowed"));
  const std::string greedy = create_resource(id, root, "{proxy+}");
  EXPECT_EQ(call("POST", base + greedy, R"({"pathPart":"x"})").body,
            message("Cannot create a child of a resource with a greedy path variable: {proxy+}"));
  for (std::string_view part : {"", "a/b", "sp ace", "{x", "..", "{a+}b"}) {
    const control_response r =
        call("POST", base + pets, R"({"pathPart":")" + std::string(part) + "\"}");
    EXPECT_EQ(r.status, 400u) << part;
    EXPECT_EQ(r.body,
              message("Resource's path part only allow a-zA-Z0-9._- and curly braces at the "
                      "beginning and the end and an optional plus sign before the closing brace."))
        << part;
  }
  EXPECT_EQ(call("POST", base + "nope00", R"({"pathPart":"x"})").body,
            message("Invalid Resource identifier specified"));
  EXPECT_EQ(call("POST", "/restapis/nope/resources/" + root, R"({"pathPart":"x"})").body,
            message("Invalid API identifier specified 000000000000:nope"));
}

TEST_F(RestApiWrites, DeleteResourceTakesItsSubtreeAndKeepsTheRoot) {
  const auto [id, root] = create_api();
  const std::string pets = create_resource(id, root, "pets");
  create_resource(id, pets, "{id}");
  create_resource(id, root, "petsx");
  const std::string base = "/restapis/" + id + "/resources/";
  EXPECT_EQ(call("DELETE", base + pets).status, 202u);
  ASSERT_EQ(api(id)->resources.size(), 2u);
  EXPECT_EQ(api(id)->resources[1].path, "/petsx");
  EXPECT_EQ(call("DELETE", base + pets).body, message("Invalid Resource identifier specified"));
  EXPECT_EQ(call("DELETE", base + root).status, 400u);
}

TEST_F(RestApiWrites, PutMethodThenUpdateThenDelete) {
  const auto [id, root] = create_api();
  const std::string endpoint = create_resource(id, root, "endpoint");
  const std::string method = "/restapis/" + id + "/resources/" + endpoint + "/methods/GET";
  const control_response put =
      call("PUT", method, R"({"authorizationType":"NONE","apiKeyRequired":true})");
  ASSERT_EQ(put.status, 201u) << put.body;
  EXPECT_EQ(put.body, R"({"httpMethod":"GET","authorizationType":"NONE","apiKeyRequired":true})");
  const config::resource& r = api(id)->resources[1];
  ASSERT_EQ(r.methods.size(), 1u);
  EXPECT_TRUE(r.methods[0].api_key_required);
  EXPECT_EQ(call("PUT", method, R"({"authorizationType":"NONE"})").body,
            message("Method already exists for this resource"));
  const control_response update =
      call("PATCH", method,
           R"({"patchOperations":[{"op":"replace","path":"/apiKeyRequired","value":"false"}]})");
  ASSERT_EQ(update.status, 200u) << update.body;
  EXPECT_FALSE(api(id)->resources[1].methods[0].api_key_required);
  EXPECT_EQ(call("PATCH", method,
                 R"({"patchOperations":[{"op":"replace","path":"/operationName","value":"x"}]})")
                .body,
            message("Invalid patch path  '/operationName' specified for op 'replace'. Must be one "
                    "of: [/apiKeyRequired, /authorizationType]"));
  EXPECT_EQ(call("DELETE", method).status, 202u);
  EXPECT_TRUE(api(id)->resources[1].methods.empty());
  EXPECT_EQ(call("DELETE", method).body, message("Invalid Method identifier specified"));
}

TEST_F(RestApiWrites, PutMethodRefusesWhatUsagegateCannotEnforce) {
  const auto [id, root] = create_api();
  const std::string base = "/restapis/" + id + "/resources/" + root + "/methods/";
  EXPECT_EQ(call("PUT", base + "FETCH", R"({"authorizationType":"NONE"})").body,
            message("Invalid HttpMethod specified. Valid options are "
                    "GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY"));
  const control_response iam = call("PUT", base + "GET", R"({"authorizationType":"AWS_IAM"})");
  EXPECT_EQ(iam.status, 400u);
  EXPECT_NE(iam.body.find("AWS_IAM is not supported"), std::string::npos) << iam.body;
  EXPECT_EQ(call("PUT", base + "GET", "{}").status, 400u);
  EXPECT_TRUE(api(id)->resources[0].methods.empty());
}

TEST_F(RestApiWrites, UpdateAndDeleteRestApi) {
  const auto [id, root] = create_api();
  const control_response renamed =
      call("PATCH", "/restapis/" + id,
           R"({"patchOperations":[{"op":"replace","path":"/name","value":"renamed"},)"
           R"({"op":"replace","path":"/description","value":"d"}]})");
  ASSERT_EQ(renamed.status, 200u) << renamed.body;
  EXPECT_EQ(api(id)->name, "renamed");
  EXPECT_EQ(api(id)->description, "d");
  EXPECT_EQ(call("PATCH", "/restapis/" + id,
                 R"({"patchOperations":[{"op":"replace","path":"/policy","value":"{}"}]})")
                .body,
            message("Invalid patch path  '/policy' specified for op 'replace'. Must be one of: "
                    "[/name, /description, /apiKeySource]"));
  EXPECT_EQ(call("DELETE", "/restapis/" + id).status, 202u);
  EXPECT_EQ(api(id), nullptr);
  EXPECT_EQ(last_touched_, (object_set{object_ref{object_kind::rest_api, id}}));
  EXPECT_EQ(call("DELETE", "/restapis/" + id).status, 404u);
}

TEST_F(RestApiWrites, TheFilesApiIsReadOnly) {
  for (const auto& [method, path, body] :
       std::vector<std::tuple<std::string_view, std::string_view, std::string_view>>{
           {"POST", "/restapis/api0000001/resources/root01", R"({"pathPart":"x"})"},
           {"PUT", "/restapis/api0000001/resources/root01/methods/GET",
            R"({"authorizationType":"NONE"})"},
           {"PATCH", "/restapis/api0000001", R"({"patchOperations":[]})"},
           {"DELETE", "/restapis/api0000001", ""}}) {
    const control_response r = call(method, path, body);
    EXPECT_EQ(r.status, 400u) << method << " " << path;
    EXPECT_NE(r.body.find("REST API 'api0000001' is defined in the config file "
                          "/etc/usagegate/gw.json"),
              std::string::npos)
        << r.body;
  }
  EXPECT_EQ(doc_.rest_apis[0].resources.size(), 1u);
}

TEST_F(RestApiWrites, OperationsNotServedOnAnApiOfTheControlPlaneSaySo) {
  const auto [id, root] = create_api();
  const control_response r =
      call("PATCH", "/restapis/" + id + "/resources/" + root, R"({"patchOperations":[]})");
  EXPECT_EQ(r.status, 400u);
  EXPECT_NE(r.body.find("UpdateResource is not supported by usagegate yet"), std::string::npos)
      << r.body;
}

}  // namespace
}  // namespace ug::gateway::control
