#include "config/loader.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>

#include "common/sha256.hpp"
#include "config/document/document_parser.hpp"
#include "config/json/diagnostics.hpp"
#include "config/json/json_reader.hpp"
#include "config/validate/validator.hpp"

namespace ug::config {
namespace {

/// The files the document named, in the order they were read. diagnostics
/// keeps their display names (the resolved paths) for error messages; file
/// 0 is the main document, which has none.
std::vector<std::string> referenced_files(const detail::diagnostics& diag) {
  constexpr std::string_view marker = " in ";
  std::vector<std::string> files;
  for (std::uint32_t i = 1;; ++i) {
    std::string text = diag.describe(detail::location{i, {}});
    const std::size_t at = text.find(marker);
    if (at == std::string::npos)
      break;
    files.push_back(text.substr(at + marker.size()));
  }
  return files;
}

std::size_t object_count(const document& doc) {
  return doc.rest_apis.size() + doc.usage_plans.size() + doc.api_keys.size() +
         doc.usage_plan_keys.size() + (doc.account ? 1 : 0);
}

/// Errors name an overlay by its name; "" would pass for the main file.
std::string_view overlay_name(const overlay& extra) {
  return extra.name.empty() ? std::string_view("overlay") : std::string_view(extra.name);
}

load_result load_text(std::string_view json, const overlay& extra,
                      const std::filesystem::path& base_dir) {
  load_result result;
  detail::diagnostics diag;
  common::sha256_hasher hasher;
  {
    detail::json_reader reader(diag, hasher, base_dir);
    const auto root = reader.parse_main(json);
    detail::parsed_document parsed;
    if (root)
      parsed = detail::parse_document(reader, *root);
    // Taken before the overlay registers itself as the last file.
    std::vector<std::string> files = referenced_files(diag);
    // An overlay is read even when the main document is not JSON, so that
    // its own errors are reported at once too.
    const std::size_t errors_before = diag.count();
    const std::size_t objects_before = object_count(parsed.doc);
    if (const auto overlay_root = reader.parse_overlay(overlay_name(extra), extra.json))
      detail::parse_overlay(reader, *overlay_root, parsed);
    // One that adds nothing (the store's state with no rows) leaves the
    // load, hash included, as it is without one.
    if (diag.count() != errors_before || object_count(parsed.doc) != objects_before)
      hasher.update(extra.json);
    if (root) {
      detail::validate(parsed, diag);
      if (diag.empty()) {
        result.doc = std::move(parsed.doc);
        result.doc->source_files = std::move(files);
      }
    }
  }
  result.content_sha256_hex = hasher.hex_digest();
  result.errors = diag.take();
  return result;
}

load_result failure(std::string message) {
  load_result result;
  config_error e;
  e.json_path = "$";
  e.message = std::move(message);
  result.errors.push_back(std::move(e));
  return result;
}

}  // namespace

std::string config_error::to_string() const {
  std::string text;
  if (!file.empty()) {
    text += file;
    text += ": ";
  }
  text += json_path;
  text += ": ";
  text += message;
  return text;
}

load_result load_string(std::string_view json, const std::filesystem::path& base_dir) {
  return load_string(json, overlay{}, base_dir);
}

load_result load_string(std::string_view json, const overlay& extra,
                        const std::filesystem::path& base_dir) {
  // The contract is "never throws": a broken configuration (or memory running
  // out while reading a huge one) must come back as errors.
  try {
    return load_text(json, extra, base_dir);
  } catch (const std::bad_alloc&) {
    return failure("out of memory while loading the configuration");
  } catch (const std::exception& e) {
    return failure(std::string("internal error while loading the configuration: ") + e.what());
  }
}

load_result load_file(const std::filesystem::path& path) {
  return load_file(path, overlay{});
}

load_result load_file(const std::filesystem::path& path, const overlay& extra) {
  try {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr)
      return failure("cannot read configuration file '" + path.string() +
                     "': " + std::strerror(errno));
    std::string text;
    char buffer[64 * 1024];
    bool read_error = false;
    for (;;) {
      const std::size_t n = std::fread(buffer, 1, sizeof buffer, f);
      text.append(buffer, n);
      if (n < sizeof buffer) {
        read_error = std::ferror(f) != 0;
        break;
      }
    }
    const int saved_errno = errno;
    std::fclose(f);
    if (read_error)
      return failure("cannot read configuration file '" + path.string() +
                     "': " + std::strerror(saved_errno));
    load_result result = load_text(text, extra, path.parent_path());
    if (result.doc)
      result.doc->source_files.insert(result.doc->source_files.begin(), path.string());
    return result;
  } catch (const std::bad_alloc&) {
    return failure("out of memory while loading the configuration");
  } catch (const std::exception& e) {
    return failure(std::string("internal error while loading the configuration: ") + e.what());
  }
}

}  // namespace ug::config
