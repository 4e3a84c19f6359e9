#include "gateway/admin/admin_routes.hpp"

#include <algorithm>
#include <exception>

#include "common/json_string.hpp"
#include "common/path_segments.hpp"

namespace ug::gateway {

namespace {

bool is_capture(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

admin_response json_answer(unsigned status, std::string_view field, std::string_view text) {
  admin_response r;
  r.status = status;
  r.body.append("{");
  common::append_json_string(r.body, field);
  r.body.append(":");
  common::append_json_string(r.body, text);
  r.body.append("}");
  return r;
}

std::vector<std::string_view> admin_routes::split(std::string_view path) {
  return common::split_path_segments(path);
}

bool admin_routes::matches(const route& r, const std::vector<std::string_view>& segments) {
  if (r.segments.size() != segments.size())
    return false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (is_capture(r.segments[i])) {
      if (segments[i].empty())
        return false;
    } else if (r.segments[i] != segments[i]) {
      return false;
    }
  }
  return true;
}

void admin_routes::add(std::string_view method, std::string_view path, admin_handler handler) {
  route r;
  r.method.assign(method);
  for (const auto s : split(path)) {
    r.segments.emplace_back(s);
    if (!is_capture(s))
      ++r.literal_count;
  }
  for (auto& existing : routes_) {
    if (existing.method == r.method && existing.segments == r.segments) {
      existing.handler = std::move(handler);
      return;
    }
  }
  r.handler = std::move(handler);
  routes_.push_back(std::move(r));
}

void admin_routes::add_path_owner(std::function<bool(std::string_view path)> owns,
                                  admin_handler handler) {
  owners_.push_back(path_owner{std::move(owns), std::move(handler)});
}

admin_response admin_routes::run(const admin_handler& handler, const admin_request& request) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    return json_answer(500, "message", std::string("handler failed: ") + e.what());
  } catch (...) {
    return json_answer(500, "message", "handler failed");
  }
}

admin_response admin_routes::dispatch(admin_request& request) const {
  const auto segments = split(request.path);
  const route* best = nullptr;
  std::vector<std::string_view> allowed;
  for (const auto& r : routes_) {
    if (!matches(r, segments))
      continue;
    if (std::find(allowed.begin(), allowed.end(), r.method) == allowed.end()) {
      allowed.push_back(r.method);
    }
    if (r.method == request.method && (best == nullptr || r.literal_count > best->literal_count)) {
      best = &r;
    }
  }
  if (best == nullptr) {
    if (allowed.empty()) {
      for (const path_owner& owner : owners_) {
        if (owner.owns(request.path)) {
          request.params.clear();
          return run(owner.handler, request);
        }
      }
      return json_answer(404, "message", "no admin endpoint at this path");
    }
    std::sort(allowed.begin(), allowed.end());
    std::string allow;
    for (const auto m : allowed) {
      if (!allow.empty())
        allow.append(", ");
      allow.append(m);
    }
    auto r = json_answer(405, "message", "method not allowed; allowed: " + allow);
    r.headers.emplace_back("Allow", std::move(allow));
    return r;
  }

  request.params.clear();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string_view pattern = best->segments[i];
    if (is_capture(pattern)) {
      // The name view points into the route, which outlives the call.
      request.params.emplace_back(pattern.substr(1, pattern.size() - 2), segments[i]);
    }
  }
  return run(best->handler, request);
}

}  // namespace ug::gateway
