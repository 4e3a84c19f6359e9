#include "config/snapshot/stage_addresses.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

#include "common/ascii.hpp"

namespace ug::config {
namespace {

constexpr std::string_view restapis_prefix = "/restapis/";
constexpr std::string_view user_request_segment = "_user_request_";
constexpr std::string_view execute_api_label = "execute-api";
// "restapis", the api id, the stage name, "_user_request_".
constexpr std::uint32_t user_request_prefix_segments = 4;

/// `lowered` against `as_sent` lowered, byte by byte as unsigned char (the
/// order std::string sorts in): <0, 0 or >0.
int compare_to_lowered(std::string_view lowered, std::string_view as_sent) noexcept {
  const std::size_t n = std::min(lowered.size(), as_sent.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto a = static_cast<unsigned char>(lowered[i]);
    const auto b = static_cast<unsigned char>(common::ascii_lower(as_sent[i]));
    if (a != b) {
      return a < b ? -1 : 1;
    }
  }
  return lowered.size() == as_sent.size() ? 0 : (lowered.size() < as_sent.size() ? -1 : 1);
}

}  // namespace

std::optional<stage_address> user_request_address(std::string_view path) noexcept {
  if (!path.starts_with(restapis_prefix)) {
    return std::nullopt;
  }
  std::string_view rest = path.substr(restapis_prefix.size());
  const std::size_t id_end = rest.find('/');
  if (id_end == 0 || id_end == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view api_id = rest.substr(0, id_end);
  rest.remove_prefix(id_end + 1);
  const std::size_t stage_end = rest.find('/');
  if (stage_end == 0 || stage_end == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view stage_name = rest.substr(0, stage_end);
  rest.remove_prefix(stage_end + 1);
  if (!rest.starts_with(user_request_segment)) {
    return std::nullopt;
  }
  rest.remove_prefix(user_request_segment.size());
  if (!rest.empty() && rest.front() != '/') {
    return std::nullopt;  // "_user_request_x" is some other segment
  }
  return stage_address{api_id, stage_name, path.size() - rest.size(), user_request_prefix_segments};
}

std::optional<std::string_view> execute_api_host_id(std::string_view host) noexcept {
  const std::size_t dot = host.find('.');
  if (dot == 0 || dot == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view after = host.substr(dot + 1);
  if (after.size() <= execute_api_label.size() || after[execute_api_label.size()] != '.' ||
      !common::ascii_iequals(after.substr(0, execute_api_label.size()), execute_api_label)) {
    return std::nullopt;
  }
  return host.substr(0, dot);
}

std::optional<stage_address> execute_api_address(std::string_view api_id,
                                                 std::string_view path) noexcept {
  if (path.empty() || path.front() != '/') {
    return std::nullopt;
  }
  const std::size_t end = path.find('/', 1);
  const std::string_view stage_name =
      path.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1);
  if (stage_name.empty()) {
    return std::nullopt;
  }
  return stage_address{api_id, stage_name, 1 + stage_name.size(), 1};
}

void stage_address_table::add(std::string_view api_id, std::string_view stage_name,
                              std::uint32_t stage_index) {
  by_id_.push_back({std::string(api_id), std::string(stage_name), stage_index});
}

void stage_address_table::seal() {
  const auto by_key = [](const entry& a, const entry& b) {
    return std::tie(a.api_id, a.stage_name) < std::tie(b.api_id, b.stage_name);
  };
  const auto same_key = [](const entry& a, const entry& b) {
    return a.api_id == b.api_id && a.stage_name == b.stage_name;
  };
  std::sort(by_id_.begin(), by_id_.end(), by_key);

  std::vector<entry> lowered = by_id_;
  for (entry& e : lowered) {
    e.api_id = common::ascii_lower(e.api_id);
  }
  std::sort(lowered.begin(), lowered.end(), by_key);
  by_host_.clear();
  for (std::size_t i = 0; i < lowered.size();) {
    std::size_t j = i + 1;
    while (j < lowered.size() && same_key(lowered[i], lowered[j])) {
      ++j;
    }
    if (j == i + 1) {
      by_host_.push_back(std::move(lowered[i]));
    }
    i = j;
  }
}

std::uint32_t stage_address_table::find(std::string_view api_id,
                                        std::string_view stage_name) const noexcept {
  const auto before = [](const entry& e, std::pair<std::string_view, std::string_view> key) {
    const int c = std::string_view(e.api_id).compare(key.first);
    return c < 0 || (c == 0 && std::string_view(e.stage_name) < key.second);
  };
  const auto it =
      std::lower_bound(by_id_.begin(), by_id_.end(), std::pair(api_id, stage_name), before);
  return it != by_id_.end() && it->api_id == api_id && it->stage_name == stage_name
             ? it->stage_index
             : none;
}

std::uint32_t stage_address_table::find_by_host(std::string_view host_api_id,
                                                std::string_view stage_name) const noexcept {
  const auto before = [](const entry& e, std::pair<std::string_view, std::string_view> key) {
    const int c = compare_to_lowered(e.api_id, key.first);
    return c < 0 || (c == 0 && std::string_view(e.stage_name) < key.second);
  };
  const auto it = std::lower_bound(by_host_.begin(), by_host_.end(),
                                   std::pair(host_api_id, stage_name), before);
  return it != by_host_.end() && compare_to_lowered(it->api_id, host_api_id) == 0 &&
                 it->stage_name == stage_name
             ? it->stage_index
             : none;
}

}  // namespace ug::config
