#include "gateway/control/write/csv_table.hpp"

#include <utility>

namespace ug::gateway::control {
namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

class csv_reader {
 public:
  explicit csv_reader(std::string_view text) : text_(text) {}

  csv_parse_result run() {
    std::vector<csv_record> records;
    while (pos_ < text_.size()) {
      csv_record record;
      record.line = line_;
      if (!read_record(record.fields))
        return csv_parse_result{std::nullopt, std::move(error_)};
      const bool blank = record.fields.size() == 1 && record.fields.front().empty();
      if (!blank)
        records.push_back(std::move(record));
    }
    return csv_parse_result{std::move(records), {}};
  }

 private:
  /// One record up to and including its line break; false on a syntax error.
  bool read_record(std::vector<std::string>& fields) {
    for (;;) {
      std::string field;
      const bool quoted = pos_ < text_.size() && text_[pos_] == '"';
      if (quoted ? !read_quoted(field) : !read_plain(field))
        return false;
      fields.push_back(std::move(field));
      if (pos_ >= text_.size())
        return true;
      const char ch = text_[pos_++];
      if (ch == ',')
        continue;
      if (ch == '\r' && pos_ < text_.size() && text_[pos_] == '\n')
        ++pos_;
      ++line_;
      return true;
    }
  }

  bool read_plain(std::string& field) {
    const std::size_t end = text_.find_first_of(",\r\n", pos_);
    const std::size_t stop = end == std::string_view::npos ? text_.size() : end;
    field.assign(text_.substr(pos_, stop - pos_));
    pos_ = stop;
    return true;
  }

  bool read_quoted(std::string& field) {
    const std::size_t opened_on = line_;
    ++pos_;
    for (;;) {
      if (pos_ >= text_.size()) {
        error_ = "Line " + std::to_string(opened_on) + ": a quoted field is never closed";
        return false;
      }
      const char ch = text_[pos_++];
      if (ch == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          field.push_back('"');
          ++pos_;
          continue;
        }
        break;
      }
      if (ch == '\n')
        ++line_;
      field.push_back(ch);
    }
    if (pos_ < text_.size() && text_.find_first_of(",\r\n", pos_) != pos_) {
      error_ = "Line " + std::to_string(line_) +
               ": a quoted field must be followed by a comma or a line break";
      return false;
    }
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::string error_;
};

}  // namespace

csv_parse_result parse_csv(std::string_view text) {
  if (text.starts_with(utf8_bom))
    text.remove_prefix(utf8_bom.size());
  return csv_reader(text).run();
}

}  // namespace ug::gateway::control
