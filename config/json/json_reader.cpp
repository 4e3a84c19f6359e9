#include "config/json/json_reader.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "config/json/json_syntax.hpp"
#include "config/json/suggest.hpp"

namespace ug::config::detail {
namespace {

namespace dom = simdjson::dom;

// Far above any real configuration (100k keys is ~15 MiB); stops a typo such
// as a log file name from being slurped.
constexpr std::size_t max_file_bytes = 512 * 1024 * 1024;

std::string_view type_name(dom::element_type t) noexcept {
  switch (t) {
    case dom::element_type::ARRAY:
      return "an array";
    case dom::element_type::OBJECT:
      return "an object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
      return "a number";
    case dom::element_type::STRING:
      return "a string";
    case dom::element_type::BOOL:
      return "true/false";
    case dom::element_type::NULL_VALUE:
      return "null";
  }
  return "a value";
}

std::string size_text(std::size_t bytes) {
  if (bytes >= 1024 * 1024)
    return std::to_string(bytes / (1024 * 1024)) + " MiB";
  return std::to_string(bytes / 1024) + " KiB";
}

struct file_bytes {
  std::string bytes;
  std::string problem;  ///< "" on success
};

file_bytes read_file(const std::filesystem::path& path, std::size_t max_bytes = max_file_bytes) {
  file_bytes result;
  // Only regular files: a name such as /dev/stdin or a FIFO would block the
  // load (and the fuzzer would find it).
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec) {
    result.problem = ec.message();
    return result;
  }
  if (!std::filesystem::is_regular_file(status)) {
    result.problem = "not a regular file";
    return result;
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    result.problem = std::strerror(errno);
    return result;
  }
  char buffer[64 * 1024];
  for (;;) {
    const std::size_t n = std::fread(buffer, 1, sizeof buffer, f);
    result.bytes.append(buffer, n);
    if (result.bytes.size() > max_bytes) {
      result.problem = "the file is larger than " + size_text(max_bytes);
      break;
    }
    if (n < sizeof buffer) {
      if (std::ferror(f) != 0)
        result.problem = std::strerror(errno);
      break;
    }
  }
  std::fclose(f);
  return result;
}

}  // namespace

json_reader::scope::scope(json_reader& reader, std::string_view member)
    : reader_(reader), saved_length_(reader.path_.size()) {
  append_member(reader_.path_, member);
}

json_reader::scope::scope(json_reader& reader, std::size_t index)
    : reader_(reader), saved_length_(reader.path_.size()) {
  append_index(reader_.path_, index);
}

json_reader::scope::~scope() {
  reader_.path_.resize(saved_length_);
}

json_reader::json_reader(diagnostics& diag, common::sha256_hasher& hasher,
                         std::filesystem::path base_dir)
    : diag_(diag), hasher_(hasher) {
  file_dirs_.push_back(std::move(base_dir));
}

json_reader::~json_reader() = default;

std::optional<dom::element> json_reader::parse_main(std::string_view text) {
  hasher_.update(text);
  return parse_text(text, 0);
}

std::optional<dom::element> json_reader::parse_overlay(std::string_view name,
                                                       std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return std::nullopt;
  const std::uint32_t file = diag_.add_file(std::string(name));
  file_dirs_.emplace_back();
  overlay_file_ = file;
  const auto root = parse_text(text, file);
  if (!root)
    return std::nullopt;
  file_ = file;
  path_.clear();
  return root;
}

std::optional<dom::element> json_reader::parse_text(std::string_view text, std::uint32_t file) {
  auto parser = std::make_unique<dom::parser>();
  dom::element root;
  const simdjson::error_code code = parser->parse(text.data(), text.size(), true).get(root);
  if (code != simdjson::SUCCESS) {
    std::string message;
    if (const auto problem = find_syntax_error(text)) {
      message = "invalid JSON at line " + std::to_string(problem->line) + ", column " +
                std::to_string(problem->column) + ": " + problem->what;
    } else if (code == simdjson::NUMBER_ERROR) {
      message = "invalid JSON: a number is out of range";
    } else {
      message = std::string("invalid JSON: ") + simdjson::error_message(code);
    }
    diag_.error(file, std::string(), std::move(message));
    return std::nullopt;
  }
  parsers_.push_back(std::move(parser));
  return root;
}

std::optional<std::string> json_reader::read_secret_file(std::string_view name,
                                                         std::size_t max_bytes) {
  std::optional<named_file> read = read_named_file(name, max_bytes);
  if (!read) {
    return std::nullopt;
  }
  const std::filesystem::path& resolved = read->resolved;
  // Listed for reloadOnFileChange, but kept out of the content hash: the
  // hash is published as a metric, and a secret is no part of "which config".
  (void)diag_.add_file(resolved.string());
  file_dirs_.push_back(resolved.parent_path());  // keeps file_dirs_ indexed like diag_'s files
  return std::move(read->bytes);
}

std::optional<json_reader::named_file> json_reader::read_named_file(std::string_view name,
                                                                    std::size_t max_bytes) {
  if (name.empty()) {
    error("a file name must not be empty");
    return std::nullopt;
  }
  if (overlay_file_ && file_ == *overlay_file_) {
    error("names a file, which only the configuration file may do: give the objects inline");
    return std::nullopt;
  }
  named_file out;
  out.resolved = (file_dirs_[file_] / std::filesystem::path(name)).lexically_normal();
  file_bytes content = read_file(out.resolved, max_bytes);
  if (!content.problem.empty()) {
    std::string message = "cannot read file '";
    message += name;
    message += "'";
    if (out.resolved.string() != name)
      message += " (" + out.resolved.string() + ")";
    message += ": " + content.problem;
    error(std::move(message));
    return std::nullopt;
  }
  out.bytes = std::move(content.bytes);
  return out;
}

std::optional<json_reader::opened_file> json_reader::open_file(std::string_view name) {
  std::optional<named_file> read = read_named_file(name, max_file_bytes);
  if (!read) {
    return std::nullopt;
  }
  const std::filesystem::path& resolved = read->resolved;
  std::string& bytes = read->bytes;
  hasher_.update(bytes);
  const std::uint32_t file = diag_.add_file(resolved.string());
  file_dirs_.push_back(resolved.parent_path());
  const auto root = parse_text(bytes, file);
  if (!root)
    return std::nullopt;
  return opened_file{*root, file};
}

void json_reader::error(std::string message) {
  diag_.error(file_, path_, std::move(message));
}

location json_reader::here() const {
  return location{file_, path_};
}

void json_reader::type_error(dom::element v, std::string_view expected) {
  std::string message = "must be ";
  message += expected;
  message += ", not ";
  message += type_name(v.type());
  error(std::move(message));
}

std::optional<std::string_view> json_reader::string(dom::element v) {
  if (v.type() != dom::element_type::STRING) {
    type_error(v, "a string");
    return std::nullopt;
  }
  return v.get_string().value_unsafe();
}

std::optional<bool> json_reader::boolean(dom::element v) {
  if (v.type() != dom::element_type::BOOL) {
    type_error(v, "true or false");
    return std::nullopt;
  }
  return v.get_bool().value_unsafe();
}

std::optional<std::int64_t> json_reader::integer(dom::element v) {
  switch (v.type()) {
    case dom::element_type::INT64:
      return v.get_int64().value_unsafe();
    case dom::element_type::UINT64:
      error("is too large (at most 9223372036854775807)");
      return std::nullopt;
    case dom::element_type::DOUBLE: {
      const double d = v.get_double().value_unsafe();
      // 2^63 is exactly representable; anything at or above it does not fit.
      constexpr double limit = 9223372036854775808.0;
      if (std::isfinite(d) && d == std::trunc(d) && d >= -limit && d < limit)
        return static_cast<std::int64_t>(d);
      if (std::isfinite(d) && d == std::trunc(d)) {
        error("is too large (at most 9223372036854775807)");
      } else {
        error("must be a whole number (an integer)");
      }
      return std::nullopt;
    }
    default:
      type_error(v, "an integer");
      return std::nullopt;
  }
}

std::optional<double> json_reader::number(dom::element v) {
  double d = 0;
  switch (v.type()) {
    case dom::element_type::INT64:
      d = static_cast<double>(v.get_int64().value_unsafe());
      break;
    case dom::element_type::UINT64:
      d = static_cast<double>(v.get_uint64().value_unsafe());
      break;
    case dom::element_type::DOUBLE:
      d = v.get_double().value_unsafe();
      break;
    default:
      type_error(v, "a number");
      return std::nullopt;
  }
  if (!std::isfinite(d)) {
    error("must be a finite number");
    return std::nullopt;
  }
  return d;
}

bool json_reader::expect_object(dom::element v) {
  if (v.type() == dom::element_type::OBJECT)
    return true;
  type_error(v, "an object");
  return false;
}

json_reader::member_kind json_reader::classify(std::string_view name, const object_shape& shape,
                                               std::size_t& field_index) noexcept {
  for (std::size_t i = 0; i < shape.fields.size(); ++i) {
    if (shape.fields[i] == name) {
      field_index = i;
      return member_kind::field;
    }
  }
  for (const std::string_view ignored : shape.ignored)
    if (ignored == name)
      return member_kind::ignored;
  return member_kind::unknown;
}

void json_reader::unknown_member(std::string_view name, const object_shape& shape) {
  std::vector<std::string_view> candidates(shape.fields.begin(), shape.fields.end());
  candidates.insert(candidates.end(), shape.ignored.begin(), shape.ignored.end());
  scope s(*this, name);
  std::string message = "unknown field '";
  message += name;
  message += "'";
  message += did_you_mean(name, candidates);
  error(std::move(message));
}

void json_reader::repeated_member(std::string_view name) {
  std::string message = "'";
  message += name;
  message += "' appears more than once in the same object";
  error(std::move(message));
}

std::optional<json_reader::unwrapped_list> json_reader::unwrap_list(dom::element v,
                                                                    bool from_file) {
  if (v.type() == dom::element_type::ARRAY)
    return unwrapped_list{v.get_array().value_unsafe(), {}};
  if (v.type() != dom::element_type::OBJECT) {
    if (from_file) {
      error("a referenced file must contain an array or an {\"items\": [...]} object, not " +
            std::string(type_name(v.type())));
    } else {
      type_error(v, "an array, an {\"items\": [...]} object or a file name");
    }
    return std::nullopt;
  }
  static constexpr std::string_view fields[] = {"items", "item", "position", "warnings"};
  std::optional<unwrapped_list> result;
  bool ok = true;
  members(v, object_shape{fields, {}}, [&](std::string_view name, dom::element value) {
    if (name != "items" && name != "item")
      return;  // paging token and warnings: unused
    if (result) {
      error("use either 'items' or 'item', not both");
      ok = false;
      return;
    }
    if (value.type() != dom::element_type::ARRAY) {
      type_error(value, "an array");
      ok = false;
      return;
    }
    result = unwrapped_list{value.get_array().value_unsafe(), name};
  });
  if (!ok)
    return std::nullopt;
  if (!result) {
    error(
        "expected an array, or an object with an 'items' (or 'item') array as printed by the "
        "AWS CLI");
    return std::nullopt;
  }
  // `name` came from the DOM, so the view stays valid with the parser.
  return result;
}

}  // namespace ug::config::detail
