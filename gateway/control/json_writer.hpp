#pragma once
// A compact JSON writer for the control plane's answers: members and elements
// in call order, commas placed for the caller, strings through the one
// escaper (common/json_string). Not thread-safe: one answer, one writer.
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_string.hpp"

namespace ug::gateway::control {

class json_writer {
 public:
  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  /// The next value is the member `name` of the open object.
  void key(std::string_view name) {
    separate();
    common::append_json_string(out_, name);
    out_.push_back(':');
    after_key_ = true;
  }
  void string(std::string_view s) {
    separate();
    common::append_json_string(out_, s);
  }
  void integer(std::int64_t n) {
    separate();
    out_.append(std::to_string(n));
  }
  /// As AWS echoes a Double member: always with a fraction or exponent
  /// ("10.0", "0.5"), so a client reading the text sees a double.
  void number(double x) {
    separate();
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
    const std::string_view text(buf, ec == std::errc{} ? static_cast<std::size_t>(end - buf) : 0);
    out_.append(text.empty() ? std::string_view("0.0") : text);
    if (!text.empty() && text.find_first_of(".eEn") == std::string_view::npos)
      out_.append(".0");
  }
  void boolean(bool b) {
    separate();
    out_.append(b ? "true" : "false");
  }
  /// The text written; valid JSON once every open() was closed.
  [[nodiscard]] std::string take() { return std::move(out_); }

 private:
  void open(char bracket) {
    separate();
    out_.push_back(bracket);
    first_.push_back(true);
  }
  void close(char bracket) {
    out_.push_back(bracket);
    first_.pop_back();
  }
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_.empty()) {
      if (!first_.back())
        out_.push_back(',');
      first_.back() = false;
    }
  }

  std::string out_;
  std::vector<bool> first_;  // per open bracket: nothing written in it yet
  bool after_key_ = false;
};

}  // namespace ug::gateway::control
