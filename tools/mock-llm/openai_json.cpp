#include "tools/mock-llm/openai_json.hpp"

#include "common/json_string.hpp"
#include "common/sha256.hpp"

#include <array>
#include <cctype>

namespace ug::mock_llm {

using common::append_json_escaped;

namespace {

constexpr std::string_view ws = " \t\r\n";

// Position just after `"key"` used as an object member name followed by ':'
// (so a value that merely equals "key" does not match), or npos.
std::size_t find_member_value(std::string_view body, std::string_view key) {
  const std::string quoted = "\"" + std::string(key) + "\"";
  for (std::size_t pos = body.find(quoted); pos != std::string_view::npos;
       pos = body.find(quoted, pos + 1)) {
    if (pos > 0 && body[pos - 1] == '\\')
      continue;  // inside a string: \"stream\"
    std::size_t i = body.find_first_not_of(ws, pos + quoted.size());
    if (i == std::string_view::npos || body[i] != ':')
      continue;
    i = body.find_first_not_of(ws, i + 1);
    if (i != std::string_view::npos)
      return i;
  }
  return std::string_view::npos;
}

std::string_view object_name(api_kind kind, bool chunk) {
  if (kind == api_kind::chat)
    return chunk ? "chat.completion.chunk" : "chat.completion";
  return "text_completion";
}

void append_head(std::string& out, api_kind kind, const response_ids& ids, bool chunk) {
  out += "{\"id\":\"";
  append_json_escaped(out, ids.id);
  out += "\",\"object\":\"";
  out += object_name(kind, chunk);
  out += "\",\"created\":";
  out += std::to_string(ids.created_s);
  out += ",\"model\":\"";
  append_json_escaped(out, ids.model);
  out += '"';
}

void append_usage(std::string& out, std::uint64_t completion_tokens, std::uint64_t prompt_tokens) {
  out += "\"usage\":{\"prompt_tokens\":" + std::to_string(prompt_tokens) +
         ",\"completion_tokens\":" + std::to_string(completion_tokens) +
         ",\"total_tokens\":" + std::to_string(prompt_tokens + completion_tokens) + "}";
}

}  // namespace

completion_request inspect_request(std::string_view body) {
  completion_request r;
  if (auto i = find_member_value(body, "stream"); i != std::string_view::npos) {
    r.stream = body.substr(i, 4) == "true";
  }
  if (auto i = find_member_value(body, "model"); i != std::string_view::npos && body[i] == '"') {
    const auto end = body.find('"', i + 1);
    if (end != std::string_view::npos) {
      const auto name = body.substr(i + 1, end - i - 1);
      // Escapes or control characters: not worth decoding in a fixture.
      bool plain = !name.empty() && name.size() <= 256;
      for (char c : name)
        plain = plain && c != '\\' && static_cast<unsigned char>(c) >= 0x20;
      if (plain)
        r.model = std::string(name);
    }
  }
  return r;
}

std::uint64_t prompt_tokens_for(std::size_t body_bytes) {
  return body_bytes == 0 ? 1 : (static_cast<std::uint64_t>(body_bytes) + 3) / 4;
}

std::string_view token_text(std::uint64_t index) {
  static constexpr std::array<std::string_view, 8> words{
      "lorem ", "ipsum ", "dolor ", "sit ", "amet ", "consectetur ", "adipiscing ", "elit "};
  return words[index % words.size()];
}

std::string completion_json(api_kind kind, const response_ids& ids, std::uint64_t completion_tokens,
                            std::uint64_t prompt_tokens, std::size_t pad_to_bytes) {
  std::string text;
  for (std::uint64_t i = 0; i < completion_tokens; ++i)
    text += token_text(i);
  std::string out;
  out.reserve(256 + text.size());
  append_head(out, kind, ids, false);
  if (kind == api_kind::chat) {
    out += ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"";
    append_json_escaped(out, text);
    out += "\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],";
  } else {
    out += ",\"choices\":[{\"index\":0,\"text\":\"";
    append_json_escaped(out, text);
    out += "\",\"logprobs\":null,\"finish_reason\":\"stop\"}],";
  }
  append_usage(out, completion_tokens, prompt_tokens);
  constexpr std::string_view pad_member = ",\"mock_padding\":\"\"";
  if (pad_to_bytes >= out.size() + 1 + pad_member.size()) {
    out += ",\"mock_padding\":\"";
    out.append(pad_to_bytes - out.size() - 2, 'x');
    out += '"';
  } else if (pad_to_bytes > out.size() + 1) {
    out.append(pad_to_bytes - out.size() - 1, ' ');  // whitespace is valid JSON
  }
  out += '}';
  return out;
}

std::string chunk_json(api_kind kind, const response_ids& ids, std::uint64_t index, bool last) {
  std::string out;
  out.reserve(200);
  append_head(out, kind, ids, true);
  const std::string_view finish = last ? "\"stop\"" : "null";
  if (kind == api_kind::chat) {
    out += ",\"choices\":[{\"index\":0,\"delta\":{";
    if (index == 0)
      out += "\"role\":\"assistant\",";
    out += "\"content\":\"";
    append_json_escaped(out, token_text(index));
    out += "\"},\"logprobs\":null,\"finish_reason\":";
  } else {
    out += ",\"choices\":[{\"index\":0,\"text\":\"";
    append_json_escaped(out, token_text(index));
    out += "\",\"logprobs\":null,\"finish_reason\":";
  }
  out += finish;
  out += "}]}";
  return out;
}

std::string usage_chunk_json(api_kind kind, const response_ids& ids,
                             std::uint64_t completion_tokens, std::uint64_t prompt_tokens) {
  std::string out;
  append_head(out, kind, ids, true);
  out += ",\"choices\":[],";
  append_usage(out, completion_tokens, prompt_tokens);
  out += '}';
  return out;
}

std::string error_json(std::string_view message, std::string_view type, std::string_view code) {
  std::string out = "{\"error\":{\"message\":\"";
  append_json_escaped(out, message);
  out += "\",\"type\":\"";
  append_json_escaped(out, type);
  out += "\",\"param\":null,\"code\":\"";
  append_json_escaped(out, code);
  out += "\"}}";
  return out;
}

std::string models_json(std::int64_t created_s) {
  return "{\"object\":\"list\",\"data\":[{\"id\":\"mock-model\",\"object\":\"model\",\"created\":" +
         std::to_string(created_s) + ",\"owned_by\":\"usagegate-mock\"}]}";
}

std::string echo_json(std::string_view method, std::string_view target,
                      const std::vector<std::pair<std::string, std::string>>& headers,
                      std::string_view body) {
  // Merge duplicates in first-seen order; a handful of headers, so linear is fine.
  std::vector<std::pair<std::string, std::string>> merged;
  for (const auto& [name, value] : headers) {
    std::string lower = name;
    for (char& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto it = merged.begin();
    while (it != merged.end() && it->first != lower)
      ++it;
    if (it == merged.end()) {
      merged.emplace_back(std::move(lower), value);
    } else {
      it->second += ", ";
      it->second += value;
    }
  }
  std::string out = "{\"method\":\"";
  append_json_escaped(out, method);
  out += "\",\"target\":\"";
  append_json_escaped(out, target);
  out += "\",\"headers\":{";
  bool first = true;
  for (const auto& [name, value] : merged) {
    if (!first)
      out += ',';
    first = false;
    out += '"';
    append_json_escaped(out, name);
    out += "\":\"";
    append_json_escaped(out, value);
    out += '"';
  }
  out += "},\"body_bytes\":" + std::to_string(body.size()) + ",\"body_sha256\":\"" +
         common::to_hex(common::sha256(body)) + "\"}";
  return out;
}

}  // namespace ug::mock_llm
