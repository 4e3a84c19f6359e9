#pragma once
// The OpenAI-compatible JSON the mock reads and writes. Request bodies are only
// inspected (no full parse: this is a fixture); responses are built by
// appending to a string so their bytes are predictable for tests.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ug::mock_llm {

enum class api_kind { chat, completions };  ///< /v1/chat/completions or /v1/completions

/// The two request fields the mock honours.
struct completion_request {
  bool stream = false;  ///< top-level "stream": true (whitespace tolerated)
  std::string model = "mock-model";
};

/// Finds "stream" and "model" in a request body. Never throws on bad input;
/// a body that is not JSON yields the defaults. Thread-safe (pure).
completion_request inspect_request(std::string_view body);

/// The prompt token count the mock reports: ceil(body_bytes / 4), at least 1,
/// so tests can predict usage from what they sent. Thread-safe (pure).
std::uint64_t prompt_tokens_for(std::size_t body_bytes);

/// Text of completion token `index` ("lorem ", "ipsum ", ...). Thread-safe.
std::string_view token_text(std::uint64_t index);

/// Identity shared by every object of one response.
struct response_ids {
  std::string id;          ///< "chatcmpl-mock-N" / "cmpl-mock-N"
  std::int64_t created_s;  ///< Unix seconds
  std::string model;
};

/// Non-streaming body with choices and usage; padded with a "mock_padding"
/// member (or spaces when the gap is too small for one) so that it is exactly
/// `pad_to_bytes` long when that is larger than the natural size.
/// Thread-safe (pure).
std::string completion_json(api_kind kind, const response_ids& ids, std::uint64_t completion_tokens,
                            std::uint64_t prompt_tokens, std::size_t pad_to_bytes);

/// One SSE content event payload (without "data: "): token `index`; `last`
/// sets finish_reason "stop". Thread-safe (pure).
std::string chunk_json(api_kind kind, const response_ids& ids, std::uint64_t index, bool last);

/// The final usage event payload (choices empty, usage set). Thread-safe (pure).
std::string usage_chunk_json(api_kind kind, const response_ids& ids,
                             std::uint64_t completion_tokens, std::uint64_t prompt_tokens);

/// {"error":{"message":...,"type":...,"param":null,"code":...}}. Thread-safe (pure).
std::string error_json(std::string_view message, std::string_view type, std::string_view code);

/// GET /v1/models body. Thread-safe (pure).
std::string models_json(std::int64_t created_s);

/// POST /v1/echo body: header names lower-cased, duplicates joined with ", "
/// in arrival order; body_sha256 is lower-case hex. Thread-safe (pure).
std::string echo_json(std::string_view method, std::string_view target,
                      const std::vector<std::pair<std::string, std::string>>& headers,
                      std::string_view body);

}  // namespace ug::mock_llm
