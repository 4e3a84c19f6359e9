// ImportApiKeys: API keys from a CSV file, as AWS's API key file format
// writes them (docs/control-plane.md, "ImportApiKeys"). A line with a problem
// is not imported and becomes a warning naming its line; with
// failonwarnings=true any warning refuses the whole file.
#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "common/ascii.hpp"
#include "common/sha256.hpp"
#include "gateway/control/json_writer.hpp"
#include "gateway/control/operations.hpp"
#include "gateway/control/write/csv_table.hpp"
#include "gateway/control/write/mutation.hpp"

namespace ug::gateway::control {
namespace {

/// Where each column of the file is; nullopt when the header lacks it.
struct key_file_columns {
  std::optional<std::size_t> key;
  std::optional<std::size_t> name;
  std::optional<std::size_t> description;
  std::optional<std::size_t> enabled;
  std::optional<std::size_t> usage_plan_ids;
};

key_file_columns columns_of(const std::vector<std::string>& header) {
  key_file_columns c;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string_view h = common::trim_ows(header[i]);
    std::optional<std::size_t>* column = common::ascii_iequals(h, "key")           ? &c.key
                                         : common::ascii_iequals(h, "name")        ? &c.name
                                         : common::ascii_iequals(h, "description") ? &c.description
                                         : common::ascii_iequals(h, "enabled")     ? &c.enabled
                                         : common::ascii_iequals(h, "usageplanids")
                                             ? &c.usage_plan_ids
                                             : nullptr;
    // Unknown columns are ignored, as AWS does; a repeated one counts once.
    if (column != nullptr && !*column)
      *column = i;
  }
  return c;
}

std::string_view field(const csv_record& r, std::optional<std::size_t> column) {
  return column && *column < r.fields.size() ? std::string_view(r.fields[*column])
                                             : std::string_view();
}

std::vector<std::string> plan_ids_of(std::string_view list) {
  std::vector<std::string> ids;
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view id = common::trim_ows(list.substr(0, comma));
    if (!id.empty() && std::find(ids.begin(), ids.end(), id) == ids.end())
      ids.emplace_back(id);
    if (comma == std::string_view::npos)
      break;
    list.remove_prefix(comma + 1);
  }
  return ids;
}

config::api_key* key_with_value(config::document& doc, std::string_view value) {
  const common::sha256_digest digest = common::sha256(value);
  for (config::api_key& k : doc.api_keys) {
    if ((k.value && *k.value == value) || (k.value_sha256 && *k.value_sha256 == digest))
      return &k;
  }
  return nullptr;
}

class key_file_import {
 public:
  explicit key_file_import(mutation_context& c) : c_(c) {}

  /// Imports one line of the file; a problem becomes a warning instead.
  void line(const csv_record& r, const key_file_columns& columns) {
    const std::string prefix = "Line " + std::to_string(r.line) + ": ";
    const std::string_view value = field(r, columns.key);
    if (std::string problem = api_key_value_problem(value); !problem.empty())
      return warn(prefix + problem);
    const std::string_view enabled_text = common::trim_ows(field(r, columns.enabled));
    bool enabled = true;
    if (common::ascii_iequals(enabled_text, "false"))
      enabled = false;
    else if (!enabled_text.empty() && !common::ascii_iequals(enabled_text, "true"))
      return warn(prefix + "Enabled must be true or false, not '" + std::string(enabled_text) +
                  "'");
    std::vector<const config::usage_plan*> plans;
    for (const std::string& id : plan_ids_of(field(r, columns.usage_plan_ids))) {
      const config::usage_plan* plan = find_usage_plan(c_.doc, id);
      if (plan == nullptr)
        return warn(prefix + "Invalid Usage Plan ID specified: " + id);
      plans.push_back(plan);
    }
    config::api_key* key = key_with_value(c_.doc, value);
    if (key != nullptr && !c_.owns(object_kind::api_key, key->id))
      return warn(prefix + "API Key " + key->id +
                  " has this value and is defined in the config file: it is left as it is");
    if (key == nullptr) {
      config::api_key created;
      created.id = fresh_api_key_id(c_.doc);
      created.value = std::string(value);
      created.created_date_s = c_.now_s;
      key = &c_.doc.api_keys.emplace_back(std::move(created));
    }
    // Re-importing a value overwrites its key, as AWS does.
    key->name = std::string(field(r, columns.name));
    key->description = std::string(field(r, columns.description));
    key->enabled = enabled;
    key->last_updated_date_s = c_.now_s;
    c_.touch(object_kind::api_key, key->id);
    const std::string key_id = key->id;
    if (std::find(ids_.begin(), ids_.end(), key_id) == ids_.end())
      ids_.push_back(key_id);
    for (const config::usage_plan* plan : plans) {
      if (plan_has_key(c_.doc, plan->id, key_id))
        continue;
      if (std::optional<plan_join_refusal> refused = join_plan(c_, *plan, key_id))
        warn(prefix + refused->message);
    }
  }

  [[nodiscard]] const std::vector<std::string>& warnings() const noexcept { return warnings_; }

  control_response answer() const {
    json_writer w;
    w.begin_object();
    w.key("ids");
    w.begin_array();
    for (const std::string& id : ids_)
      w.string(id);
    w.end_array();
    w.key("warnings");
    w.begin_array();
    for (const std::string& text : warnings_)
      w.string(text);
    w.end_array();
    w.end_object();
    return json_response(201, w.take());
  }

 private:
  void warn(std::string text) { warnings_.push_back(std::move(text)); }

  mutation_context& c_;
  std::vector<std::string> ids_;
  std::vector<std::string> warnings_;
};

}  // namespace

control_response import_api_keys(mutation_context& c) {
  const std::optional<std::string_view> format = c.query.get("format");
  if (!format || *format != "csv")
    return error_response(error_code::bad_request,
                          "Invalid format specified: ImportApiKeys reads format=csv only");
  const csv_parse_result parsed = parse_csv(c.body);
  if (!parsed.records)
    return error_response(error_code::bad_request, "Invalid API key file: " + parsed.error);
  const std::vector<csv_record>& records = *parsed.records;
  if (records.empty())
    return error_response(error_code::bad_request,
                          "Invalid API key file: it is empty (the first line names the columns, "
                          "Key and Name among them)");
  const key_file_columns columns = columns_of(records.front().fields);
  if (!columns.key || !columns.name)
    return error_response(error_code::bad_request,
                          "Invalid API key file: the first line must name the Key and Name "
                          "columns");
  key_file_import import(c);
  for (std::size_t i = 1; i < records.size(); ++i)
    import.line(records[i], columns);
  if (c.query.flag("failonwarnings") && !import.warnings().empty()) {
    std::string message = "No API key was imported (failonwarnings): ";
    for (std::size_t i = 0; i < import.warnings().size(); ++i)
      message.append(i == 0 ? "" : "; ").append(import.warnings()[i]);
    return error_response(error_code::bad_request, message);
  }
  return import.answer();
}

}  // namespace ug::gateway::control
