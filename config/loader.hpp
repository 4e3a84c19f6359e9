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

/// A second JSON document whose objects are added to the main file's (the
/// control plane's store). Its root has the same members as a config file
/// except `gateway`/`$schema` (restApis, usagePlans, apiKeys, usagePlanKeys,
/// account);
/// `name` is how errors name it (e.g. "control-plane state
/// (/var/lib/usagegate/control.db)"). Its objects come after the file's and
/// are validated with them (ids unique across both, references either way);
/// its errors carry `config_error::file == name` and paths inside it. It
/// names no files. One that adds no object and no error ("", "{}",
/// {"apiKeys": []}) changes nothing, the content hash included; otherwise
/// the hash covers it too.
struct overlay {
  std::string name;
  std::string json;
};

/// Thread-safe (no shared state). Never throws on bad input.
load_result load_file(const std::filesystem::path& path);
/// Same, with the objects of `extra` added. Thread-safe. Never throws on bad
/// input. `source_files` stays the file's (the overlay is no file to watch).
load_result load_file(const std::filesystem::path& path, const overlay& extra);
/// Same, from memory; files named by the document resolve against `base_dir`.
load_result load_string(std::string_view json, const std::filesystem::path& base_dir = {});
/// Same, with the objects of `extra` added. Thread-safe. Never throws on bad input.
load_result load_string(std::string_view json, const overlay& extra,
                        const std::filesystem::path& base_dir = {});

}  // namespace ug::config
