#pragma once
// The upstream target of a request whose method has an HTTP or HTTP_PROXY
// integration: the integration URI's path with the request's path
// parameters put in, as API Gateway maps "{proxy}" and "{id}" of the URI from
// the method's path (docs/control-plane.md, "Integrations").
#include <string>
#include <string_view>

#include "config/snapshot/compiled_config.hpp"

namespace ug::gateway {

/// Pure; allocates only when `out` must grow. The target a forwarded verdict
/// `v` of `canonical_target` is sent to: its integration's path with the
/// path parameters put in (build_integration_target) when it has one, else
/// `upstream_base_path` + what follows the stage (build_upstream_target).
void build_forward_target(const config::verdict& v, std::string_view upstream_base_path,
                          std::string_view canonical_target, std::string& out);

/// Pure; allocates only when `out` must grow (its capacity is reused).
/// Writes `path_template` ("/v1/{proxy}", "/pets/{id}") into `out` with each
/// "{name}" replaced by the value `resource_path` ("/pets/{id}",
/// "/{proxy+}") captures for it from `request_path` (the canonical path
/// below the stage, "/pets/7"; a greedy "{proxy+}" captures the rest without
/// its leading slash, "a/b"), then appends `query` ("?a=1" or ""). Values
/// are copied as the request wrote them (still percent-encoded). A name the
/// resource path does not capture is replaced by nothing (validation refuses
/// such a URI before it is ever served).
void build_integration_target(std::string_view path_template, std::string_view resource_path,
                              std::string_view request_path, std::string_view query,
                              std::string& out);

}  // namespace ug::gateway
