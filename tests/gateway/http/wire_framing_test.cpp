#include "gateway/http/wire_framing.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ug::gateway {
namespace {

std::string bytes(const wire_piece& p) {
  std::string out;
  for (const auto& b : wire_piece_buffers(p)) {
    out.append(static_cast<const char*>(b.data()), b.size());
  }
  EXPECT_EQ(out.size(), p.total_bytes());
  return out;
}

TEST(WirePiece, HeadAndRawBodyGoOutTogether) {
  const std::string body = "hello";
  const wire_piece p(body_framing::content_length, "HEAD\r\n\r\n", body.data(), body.size(), true);
  EXPECT_EQ(p.count(), 2u);
  EXPECT_EQ(bytes(p), "HEAD\r\n\r\nhello");
}

TEST(WirePiece, ChunkedPiecesCarryTheirFraming) {
  const std::string body(300, 'x');
  const wire_piece first(body_framing::chunked, "H\r\n\r\n", body.data(), body.size(), false);
  EXPECT_EQ(bytes(first), "H\r\n\r\n12c\r\n" + body + "\r\n");
  const wire_piece middle(body_framing::chunked, "", body.data(), 1, false);
  EXPECT_EQ(bytes(middle), "1\r\nx\r\n");
  const wire_piece last(body_framing::chunked, "", body.data(), 16, true);
  EXPECT_EQ(bytes(last), "10\r\n" + body.substr(0, 16) + "\r\n0\r\n\r\n");
  const wire_piece end_only(body_framing::chunked, "", nullptr, 0, true);
  EXPECT_EQ(bytes(end_only), "0\r\n\r\n");
}

TEST(WirePiece, NothingToSendIsAnEmptyList) {
  const wire_piece p(body_framing::content_length, "", nullptr, 0, true);
  EXPECT_EQ(p.count(), 0u);
  EXPECT_EQ(p.total_bytes(), 0u);
  const wire_piece head_only(body_framing::none, "H\r\n\r\n", nullptr, 0, true);
  EXPECT_EQ(bytes(head_only), "H\r\n\r\n");
}

TEST(WirePiece, UntilCloseBodiesAreRaw) {
  const std::string body = "data: x\n\n";
  const wire_piece p(body_framing::until_close, "", body.data(), body.size(), false);
  EXPECT_EQ(bytes(p), body);
}

}  // namespace
}  // namespace ug::gateway
