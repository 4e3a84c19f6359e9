#include "gateway/control/write/patch_operations.hpp"

#include "common/ascii.hpp"
#include "gateway/control/write/json_body.hpp"

namespace ug::gateway::control {

std::optional<std::vector<patch_operation>> parse_patch_operations(std::string_view body,
                                                                   std::string& error) {
  json_body json;
  if (!json.parse(body)) {
    error = json.error();
    return std::nullopt;
  }
  std::vector<patch_operation> ops;
  if (const auto list = json.array("patchOperations")) {
    std::size_t index = 0;
    for (simdjson::dom::element e : *list) {
      const std::string where = "patchOperations[" + std::to_string(index++) + "]";
      simdjson::dom::object o;
      if (e.get_object().get(o) != simdjson::SUCCESS) {
        error = "Invalid value for '" + where + "': expected an object";
        return std::nullopt;
      }
      patch_operation p;
      for (const auto [name, value] : o) {
        if (value.is_null())
          continue;
        const std::optional<std::string_view> s =
            json.string_of(value, where + "." + std::string(name));
        if (!s)
          break;
        if (name == "op")
          p.op = std::string(*s);
        else if (name == "path")
          p.path = std::string(*s);
        else if (name == "value")
          p.value = std::string(*s);
        else if (name == "from")
          p.from = std::string(*s);
      }
      if (!json.ok()) {
        error = json.error();
        return std::nullopt;
      }
      ops.push_back(std::move(p));
    }
  }
  if (!json.ok()) {
    error = json.error();
    return std::nullopt;
  }
  return ops;
}

std::string invalid_patch_path(const patch_operation& p,
                               std::span<const std::string_view> allowed) {
  std::string text =
      "Invalid patch path  '" + p.path + "' specified for op '" + p.op + "'. Must be one of: [";
  for (std::size_t i = 0; i < allowed.size(); ++i) {
    if (i > 0)
      text.append(", ");
    text.append(allowed[i]);
  }
  text.push_back(']');
  return text;
}

std::string unescape_pointer_segment(std::string_view segment) {
  std::string out;
  out.reserve(segment.size());
  for (std::size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] == '~' && i + 1 < segment.size() &&
        (segment[i + 1] == '1' || segment[i + 1] == '0')) {
      out.push_back(segment[i + 1] == '1' ? '/' : '~');
      ++i;
    } else {
      out.push_back(segment[i]);
    }
  }
  return out;
}

bool patch_boolean(const patch_operation& p) noexcept {
  return p.value && common::ascii_iequals(*p.value, "true");
}

}  // namespace ug::gateway::control
