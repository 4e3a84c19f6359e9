#pragma once
// One config file from a config file and an overlay (the control plane's
// objects): what `usagegate export` prints, so that a user can move from
// API-managed objects to a file without retyping them (docs/control-plane.md,
// "Export"). The file's members stay in their order and as written; the
// overlay's apiKeys, usagePlans and restApis are appended to the file's
// lists, its usagePlanKeys joined per plan, and its account added (an error
// when the file has one too). Nothing is validated here: the caller loads
// the result like any file.
#include <optional>
#include <string>
#include <string_view>

#include "config/loader.hpp"

namespace ug::config {

struct merge_result {
  std::optional<std::string> json;  ///< set iff error is empty; ends with a line end
  std::string error;                ///< which input is not a JSON object, and why
};

/// Thread-safe (no shared state). Never throws on bad input. `file_json`
/// "" stands for a file with no members.
[[nodiscard]] merge_result merge_overlay(std::string_view file_json, const overlay& extra);

}  // namespace ug::config
