#pragma once
// The errors of one load: every problem found, each with the file it is in
// and its JSON path, so that a user can fix a configuration in one pass.
#include <cstdint>
#include <string>
#include <vector>

#include "config/loader.hpp"

namespace ug::config::detail {

/// A place in the configuration: file (0 = the main file) and JSON path.
struct location {
  std::uint32_t file = 0;
  std::string path;  ///< "" is the document itself
};

/// Not thread-safe: one per load.
class diagnostics {
 public:
  diagnostics();

  /// Registers a file read by the load; returns its index. Not thread-safe.
  std::uint32_t add_file(std::string display_name);
  /// Records an error at `where`. Not thread-safe.
  void error(const location& where, std::string message);
  /// Records an error at a path in a file. Not thread-safe.
  void error(std::uint32_t file, std::string path, std::string message);

  /// "usagePlans[0]" or "items[0] in plans.json", to point at the other half
  /// of a conflict. Not thread-safe.
  [[nodiscard]] std::string describe(const location& where) const;

  /// Not thread-safe (reads the list being built).
  [[nodiscard]] bool empty() const noexcept { return errors_.empty(); }
  [[nodiscard]] std::size_t count() const noexcept { return errors_.size(); }
  /// Moves the errors out (paths rendered, "$" for the document). Not thread-safe.
  [[nodiscard]] std::vector<config_error> take();

 private:
  std::vector<std::string> files_;
  std::vector<config_error> errors_;
};

}  // namespace ug::config::detail
