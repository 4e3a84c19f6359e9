// libFuzzer entry: arbitrary bytes through the whole loader (JSON parse,
// shape checks, validation). File names in the input resolve against the
// seed corpus directory, so references exercise the include path too.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

#include "config/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path base_dir = std::filesystem::current_path();
  const std::string_view json(reinterpret_cast<const char*>(data), size);
  const ug::config::load_result result = ug::config::load_string(json, base_dir);
  // The contract the rest of the gateway relies on: a document iff no errors,
  // and every error says where it is.
  if (result.doc.has_value() != result.errors.empty())
    __builtin_trap();
  for (const ug::config::config_error& e : result.errors)
    if (e.json_path.empty() || e.message.empty())
      __builtin_trap();
  return 0;
}
