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

load_result load_text(std::string_view json, const std::filesystem::path& base_dir) {
  load_result result;
  detail::diagnostics diag;
  common::sha256_hasher hasher;
  {
    detail::json_reader reader(diag, hasher, base_dir);
    if (const auto root = reader.parse_main(json)) {
      detail::parsed_document parsed = detail::parse_document(reader, *root);
      detail::validate(parsed, diag);
      if (diag.empty()) {
        result.doc = std::move(parsed.doc);
        result.doc->source_files = referenced_files(diag);
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
  // The contract is "never throws": a broken configuration (or memory running
  // out while reading a huge one) must come back as errors.
  try {
    return load_text(json, base_dir);
  } catch (const std::bad_alloc&) {
    return failure("out of memory while loading the configuration");
  } catch (const std::exception& e) {
    return failure(std::string("internal error while loading the configuration: ") + e.what());
  }
}

load_result load_file(const std::filesystem::path& path) {
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
    load_result result = load_text(text, path.parent_path());
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
