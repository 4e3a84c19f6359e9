#include "config/json/json_syntax.hpp"

#include <vector>

namespace ug::config::detail {
namespace {

// Same limit as simdjson's DOM parser, so both agree on what is too deep.
constexpr std::size_t max_depth = 1024;

std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80)
    return 1;
  std::size_t length = 0;
  unsigned char min_second = 0x80;
  unsigned char max_second = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0)
      min_second = 0xA0;  // overlong
    if (lead == 0xED)
      max_second = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0)
      min_second = 0x90;  // overlong
    if (lead == 0xF4)
      max_second = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (pos + length > text.size())
    return 0;
  if (byte(pos + 1) < min_second || byte(pos + 1) > max_second)
    return 0;
  for (std::size_t i = 2; i < length; ++i)
    if (byte(pos + i) < 0x80 || byte(pos + i) > 0xBF)
      return 0;
  return length;
}

class scanner {
 public:
  explicit scanner(std::string_view text) : text_(text) {}

  std::optional<syntax_problem> run() {
    for (std::size_t i = 0; i < text_.size();) {
      const std::size_t length = utf8_sequence_length(text_, i);
      if (length == 0)
        return problem_at(i, "invalid UTF-8 byte sequence");
      i += length;
    }
    enum class state { value, member_name, after_value };
    state next = state::value;
    bool after_comma = false;
    for (;;) {
      skip_whitespace();
      switch (next) {
        case state::value: {
          if (at_end())
            return problem("unexpected end of input: expected a value");
          const char c = text_[pos_];
          if (c == '{' || c == '[') {
            if (stack_.size() >= max_depth)
              return problem("nesting is deeper than 1024 levels");
            stack_.push_back(c);
            ++pos_;
            skip_whitespace();
            const char closer = c == '{' ? '}' : ']';
            if (!at_end() && text_[pos_] == closer) {
              stack_.pop_back();
              ++pos_;
              next = state::after_value;
            } else {
              next = c == '{' ? state::member_name : state::value;
            }
          } else if (c == '"') {
            if (auto p = scan_string())
              return p;
            next = state::after_value;
          } else if (c == '-' || (c >= '0' && c <= '9')) {
            if (auto p = scan_number())
              return p;
            next = state::after_value;
          } else if (c == 't' || c == 'f' || c == 'n') {
            if (auto p = scan_literal())
              return p;
            next = state::after_value;
          } else if (after_comma && (c == ']' || c == '}')) {
            return problem("trailing comma: a value must follow ','");
          } else {
            return problem("unexpected character: expected a value");
          }
          after_comma = false;
          break;
        }
        case state::member_name: {
          if (at_end())
            return problem("unexpected end of input: expected a member name");
          if (text_[pos_] != '"') {
            if (after_comma && text_[pos_] == '}')
              return problem("trailing comma: a member must follow ','");
            return problem("expected a member name in double quotes");
          }
          if (auto p = scan_string())
            return p;
          skip_whitespace();
          if (at_end() || text_[pos_] != ':')
            return problem("expected ':' after the member name");
          ++pos_;
          after_comma = false;
          next = state::value;
          break;
        }
        case state::after_value: {
          if (stack_.empty()) {
            if (!at_end())
              return problem("unexpected content after the end of the document");
            return std::nullopt;
          }
          const char top = stack_.back();
          if (at_end())
            return problem(top == '{' ? "unexpected end of input: expected ',' or '}'"
                                      : "unexpected end of input: expected ',' or ']'");
          const char c = text_[pos_];
          if (c == ',') {
            ++pos_;
            after_comma = true;
            next = top == '{' ? state::member_name : state::value;
          } else if ((top == '{' && c == '}') || (top == '[' && c == ']')) {
            ++pos_;
            stack_.pop_back();
          } else {
            return problem(top == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
          }
          break;
        }
      }
    }
  }

 private:
  bool at_end() const noexcept { return pos_ >= text_.size(); }

  void skip_whitespace() noexcept {
    while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
                         text_[pos_] == '\r'))
      ++pos_;
  }

  std::optional<syntax_problem> scan_string() {
    ++pos_;  // opening quote
    while (!at_end()) {
      const auto c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return std::nullopt;
      }
      if (c < 0x20)
        return problem("control character inside a string (escape it)");
      if (c == '\\') {
        ++pos_;
        if (at_end())
          break;
        const char e = text_[pos_];
        if (e == 'u') {
          for (int i = 0; i < 4; ++i) {
            ++pos_;
            if (at_end())
              return problem("unexpected end of input inside a \\u escape");
            const char h = text_[pos_];
            const bool hex =
                (h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F');
            if (!hex)
              return problem("invalid \\u escape: four hex digits expected");
          }
        } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' &&
                   e != 'r' && e != 't') {
          return problem("invalid escape sequence in a string");
        }
      }
      ++pos_;
    }
    return problem("unexpected end of input inside a string");
  }

  std::optional<syntax_problem> scan_number() {
    const auto digit = [&] { return !at_end() && text_[pos_] >= '0' && text_[pos_] <= '9'; };
    if (text_[pos_] == '-')
      ++pos_;
    if (!digit())
      return problem("invalid number: a digit must follow '-'");
    if (text_[pos_] == '0') {
      ++pos_;
      if (digit())
        return problem("invalid number: leading zeros are not allowed");
    } else {
      while (digit())
        ++pos_;
    }
    if (!at_end() && text_[pos_] == '.') {
      ++pos_;
      if (!digit())
        return problem("invalid number: a digit must follow '.'");
      while (digit())
        ++pos_;
    }
    if (!at_end() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (!at_end() && (text_[pos_] == '+' || text_[pos_] == '-'))
        ++pos_;
      if (!digit())
        return problem("invalid number: a digit must follow the exponent");
      while (digit())
        ++pos_;
    }
    return std::nullopt;
  }

  std::optional<syntax_problem> scan_literal() {
    for (const std::string_view word : {"true", "false", "null"}) {
      if (text_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        return std::nullopt;
      }
    }
    return problem("unexpected word: expected true, false or null (strings need double quotes)");
  }

  syntax_problem problem(std::string what) const { return problem_at(pos_, std::move(what)); }

  syntax_problem problem_at(std::size_t pos, std::string what) const {
    syntax_problem p;
    p.what = std::move(what);
    for (std::size_t i = 0; i < pos && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++p.line;
        p.column = 1;
      } else {
        ++p.column;
      }
    }
    return p;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::vector<char> stack_;
};

}  // namespace

std::optional<syntax_problem> find_syntax_error(std::string_view text) {
  return scanner(text).run();
}

}  // namespace ug::config::detail
