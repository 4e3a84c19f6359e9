#include "config/document/document_lookup.hpp"

namespace ug::config {

const rest_api* find_rest_api(const document& doc, std::string_view id) noexcept {
  for (const rest_api& api : doc.rest_apis) {
    if (api.id == id)
      return &api;
  }
  return nullptr;
}

const deployment* find_deployment(const rest_api& api, std::string_view id) noexcept {
  for (const deployment& d : api.deployments) {
    if (d.id == id)
      return &d;
  }
  return nullptr;
}

}  // namespace ug::config
