#pragma once
// Reads the configuration file (and the files it names), checks it completely,
// and returns either a document or every error found, each with its JSON path.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/document/document.hpp"

namespace ug::config {

struct config_error {
  std::string file;       ///< file the error is in ("" for the main file)
  std::string json_path;  ///< e.g. "usagePlans[1].quota.offset"
  std::string message;    ///< a sentence a person understands; never a key value
  /// "json_path: message" (prefixed by "file: " when file is not empty).
  [[nodiscard]] std::string to_string() const;
};

struct load_result {
  std::optional<document> doc;  ///< set iff errors is empty
  std::vector<config_error> errors;
  std::string content_sha256_hex;  ///< hash of every file read, for the info metric
};

/// Thread-safe (no shared state). Never throws on bad input.
load_result load_file(const std::filesystem::path& path);
/// Same, from memory; files named by the document resolve against `base_dir`.
load_result load_string(std::string_view json, const std::filesystem::path& base_dir = {});

}  // namespace ug::config
