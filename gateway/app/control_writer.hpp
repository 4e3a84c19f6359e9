#pragma once
// The control plane's writes, end to end, on the control thread: run the
// operation over the config in force, check the result as a whole config
// (the file's objects and the store's, compiled like a reload), commit the
// changed objects to control.db, and hand back the snapshot to publish. A
// write that fails any step changes nothing: not the store, not the config
// in force. What was committed is what the next load (restart, reload) reads.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "config/loader.hpp"
#include "config/snapshot/compiled_config.hpp"
#include "gateway/app/config_source.hpp"
#include "gateway/control/control_plane.hpp"
#include "gateway/control/owned_objects.hpp"
#include "store/control_store.hpp"

namespace ug::gateway {

struct control_write_result {
  control::control_response answer;
  /// Set when the write committed: the snapshot to publish in place of the running one.
  std::shared_ptr<const config::compiled_config> next;
};

class control_writer {
 public:
  /// Control thread only (every member). Reads every row of `store`; every
  /// argument outlives the writer. `usage` serves UpdateUsage (null: it is
  /// refused). Throws store::store_error.
  control_writer(store::control_store& store, config_source& source,
                 control::usage_access* usage = nullptr);

  /// The store's objects as a config overlay (what config_source adds to the file's).
  [[nodiscard]] config::overlay overlay() const;

  /// Thread-safe (reads `store` only). The objects `store` holds as a config
  /// overlay, without a running gateway (`usagegate export`). Throws
  /// store::store_error.
  [[nodiscard]] static config::overlay overlay_of_store(store::control_store& store);

  /// One control-plane write against `running` (the snapshot in force).
  /// Never throws.
  control_write_result write(const control::control_request& request,
                             const config::compiled_config& running, std::int64_t now_s);

 private:
  using rows = std::map<control::object_ref, std::string>;  // -> the object's JSON
  static rows load_rows(store::control_store& store);
  [[nodiscard]] static config::overlay overlay_of(const rows& r, const store::control_store& store);

  store::control_store& store_;
  config_source& source_;
  control::usage_access* usage_;
  rows rows_;
  control::object_set owned_;
};

}  // namespace ug::gateway
