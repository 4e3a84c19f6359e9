#pragma once
// Walks parsed JSON (simdjson DOM) while tracking the file and JSON path, and
// turns every surprise (wrong type, unknown or repeated member, unreadable
// file) into a config_error instead of stopping at the first one. Also owns
// the AWS CLI conventions: {"items": [...]}/{"item": [...]} wrappers and
// file names standing in for arrays.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "common/sha256.hpp"
#include "config/json/diagnostics.hpp"
#include "config/json/json_path.hpp"

namespace ug::config::detail {

/// The members an object may have.
struct object_shape {
  std::span<const std::string_view> fields;   ///< members we read (at most 64)
  std::span<const std::string_view> ignored;  ///< members AWS prints that we accept and ignore
};

/// Not thread-safe (every member): one reader per load. Elements it returns
/// stay valid as long as the reader lives (it keeps one simdjson parser per
/// file).
class json_reader {
 public:
  /// Extends the current path for its lifetime. Not thread-safe.
  class scope {
   public:
    scope(json_reader& reader, std::string_view member);
    scope(json_reader& reader, std::size_t index);
    ~scope();
    scope(const scope&) = delete;
    scope& operator=(const scope&) = delete;

   private:
    json_reader& reader_;
    std::size_t saved_length_;
  };

  /// `base_dir` resolves file names used by the main document.
  json_reader(diagnostics& diag, common::sha256_hasher& hasher, std::filesystem::path base_dir);
  ~json_reader();
  json_reader(const json_reader&) = delete;
  json_reader& operator=(const json_reader&) = delete;

  /// Parses the main document; nullopt after reporting why it is not JSON.
  std::optional<simdjson::dom::element> parse_main(std::string_view text);

  /// Parses a second document whose objects join the main one's (the
  /// control plane's), once the main document has been read: errors in it
  /// name `name` as their file, it may not name files (it is no file, and
  /// nothing would resolve or watch them), and it becomes the current file
  /// for the rest of the reader's life. Not added to the content hash (the
  /// loader adds it when it adds anything). nullopt when `text` is only
  /// whitespace or, after reporting why, not JSON.
  std::optional<simdjson::dom::element> parse_overlay(std::string_view name, std::string_view text);

  /// The bytes of file `name` (resolved like the list files), for a secret:
  /// not added to the content hash, never quoted in an error. Reports at the
  /// current path why it cannot be read (missing, not a regular file, more
  /// than `max_bytes`) and returns nullopt.
  std::optional<std::string> read_secret_file(std::string_view name, std::size_t max_bytes);

  /// Records an error at the current file and path.
  void error(std::string message);
  /// The current file and path (to report cross-reference errors later).
  [[nodiscard]] location here() const;
  [[nodiscard]] std::uint32_t current_file() const noexcept { return file_; }
  [[nodiscard]] const std::string& current_path() const noexcept { return path_; }

  // Typed reads: a wrong type is reported at the current path and yields nullopt.
  std::optional<std::string_view> string(simdjson::dom::element v);
  std::optional<bool> boolean(simdjson::dom::element v);
  /// Whole numbers; 5.0 is accepted, 5.5 and values beyond int64 are not.
  std::optional<std::int64_t> integer(simdjson::dom::element v);
  /// Any finite number.
  std::optional<double> number(simdjson::dom::element v);
  /// True if `v` is an object; reports otherwise.
  bool expect_object(simdjson::dom::element v);

  /// Visits the members of object `v` named in `shape.fields` (each inside its
  /// own path scope): on_member(name, value). Unknown members (with a
  /// did-you-mean) and repeated members are errors.
  template <class OnMember>
  void members(simdjson::dom::element v, const object_shape& shape, OnMember&& on_member);

  /// Visits every member of a map-like object (keys chosen by the user):
  /// on_entry(key, value) in the member's scope. Repeated keys are errors.
  template <class OnEntry>
  void entries(simdjson::dom::element v, OnEntry&& on_entry);

  /// Visits the elements of a list given as an array, an AWS CLI wrapper
  /// ({"items": [...]} or {"item": [...]} with optional "position"), or a
  /// file name whose content is one of those: on_element(value) runs in the
  /// element's scope and, for a file, with that file current.
  template <class OnElement>
  void list(simdjson::dom::element v, OnElement&& on_element);

 private:
  enum class member_kind { field, ignored, unknown };
  struct unwrapped_list {
    simdjson::dom::array items;
    std::string_view member;  ///< "items"/"item", "" for a bare array
  };
  struct opened_file {
    simdjson::dom::element root;
    std::uint32_t file = 0;
  };

  static member_kind classify(std::string_view name, const object_shape& shape,
                              std::size_t& field_index) noexcept;
  void unknown_member(std::string_view name, const object_shape& shape);
  void repeated_member(std::string_view name);
  std::optional<unwrapped_list> unwrap_list(simdjson::dom::element v, bool from_file);
  /// A file named in the config, resolved against the naming file's folder.
  struct named_file {
    std::filesystem::path resolved;
    std::string bytes;
  };
  /// Reads file `name`; nullopt after reporting at the current path why it
  /// cannot be read.
  std::optional<named_file> read_named_file(std::string_view name, std::size_t max_bytes);
  std::optional<opened_file> open_file(std::string_view name);
  std::optional<simdjson::dom::element> parse_text(std::string_view text, std::uint32_t file);
  void type_error(simdjson::dom::element v, std::string_view expected);

  template <class OnElement>
  void visit_list(const unwrapped_list& l, OnElement& on_element);

  diagnostics& diag_;
  common::sha256_hasher& hasher_;
  std::vector<std::unique_ptr<simdjson::dom::parser>> parsers_;
  std::vector<std::filesystem::path> file_dirs_;  ///< indexed by file
  std::uint32_t file_ = 0;
  std::optional<std::uint32_t> overlay_file_;  ///< the file that may not name files
  std::string path_;
};

template <class OnMember>
void json_reader::members(simdjson::dom::element v, const object_shape& shape,
                          OnMember&& on_member) {
  if (!expect_object(v))
    return;
  std::uint64_t seen = 0;
  // Keep the object alive: value_unsafe() returns a reference into a temporary.
  const simdjson::dom::object object = v.get_object().value_unsafe();
  for (const auto field : object) {
    std::size_t index = 0;
    switch (classify(field.key, shape, index)) {
      case member_kind::field: {
        const std::uint64_t bit = std::uint64_t{1} << index;
        scope s(*this, field.key);
        if ((seen & bit) != 0) {
          repeated_member(field.key);
          continue;
        }
        seen |= bit;
        on_member(field.key, field.value);
        break;
      }
      case member_kind::ignored:
        break;
      case member_kind::unknown:
        unknown_member(field.key, shape);
        break;
    }
  }
}

template <class OnEntry>
void json_reader::entries(simdjson::dom::element v, OnEntry&& on_entry) {
  if (!expect_object(v))
    return;
  std::unordered_set<std::string_view> seen;
  // Keep the object alive: value_unsafe() returns a reference into a temporary.
  const simdjson::dom::object object = v.get_object().value_unsafe();
  for (const auto field : object) {
    scope s(*this, field.key);
    if (!seen.insert(field.key).second) {
      repeated_member(field.key);
      continue;
    }
    on_entry(field.key, field.value);
  }
}

template <class OnElement>
void json_reader::visit_list(const unwrapped_list& l, OnElement& on_element) {
  std::optional<scope> wrapper;
  if (!l.member.empty())
    wrapper.emplace(*this, l.member);
  std::size_t index = 0;
  for (const simdjson::dom::element e : l.items) {
    scope s(*this, index++);
    on_element(e);
  }
}

template <class OnElement>
void json_reader::list(simdjson::dom::element v, OnElement&& on_element) {
  if (v.type() != simdjson::dom::element_type::STRING) {
    if (const auto l = unwrap_list(v, false))
      visit_list(*l, on_element);
    return;
  }
  const auto opened = open_file(v.get_string().value_unsafe());
  if (!opened)
    return;
  // The file's content is reported with its own paths ("items[3].value").
  const std::uint32_t saved_file = std::exchange(file_, opened->file);
  std::string saved_path = std::exchange(path_, std::string());
  if (const auto l = unwrap_list(opened->root, true))
    visit_list(*l, on_element);
  file_ = saved_file;
  path_ = std::move(saved_path);
}

}  // namespace ug::config::detail
