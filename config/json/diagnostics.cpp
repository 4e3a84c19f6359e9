#include "config/json/diagnostics.hpp"

#include <utility>

#include "config/json/json_path.hpp"

namespace ug::config::detail {

diagnostics::diagnostics() {
  files_.emplace_back();
}

std::uint32_t diagnostics::add_file(std::string display_name) {
  files_.push_back(std::move(display_name));
  return static_cast<std::uint32_t>(files_.size() - 1);
}

void diagnostics::error(const location& where, std::string message) {
  error(where.file, where.path, std::move(message));
}

void diagnostics::error(std::uint32_t file, std::string path, std::string message) {
  config_error e;
  e.file = file < files_.size() ? files_[file] : std::string();
  e.json_path = display_path(path);
  e.message = std::move(message);
  errors_.push_back(std::move(e));
}

std::string diagnostics::describe(const location& where) const {
  std::string text = display_path(where.path);
  if (where.file != 0 && where.file < files_.size())
    text += " in " + files_[where.file];
  return text;
}

std::vector<config_error> diagnostics::take() {
  return std::move(errors_);
}

}  // namespace ug::config::detail
