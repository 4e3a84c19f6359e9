// The oracle: requests botocore's SigV4Auth signed for apigateway (the signer
// of the AWS CLI and boto3), read from tests/data/sigv4/botocore_vectors.txt
// (tests/data/sigv4/generate.py writes it). Each must verify, its canonical
// request must be botocore's byte for byte, and one changed byte anywhere the
// signature covers must make it fail.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "common/hex_digit.hpp"
#include "gateway/control/sigv4_amz_date.hpp"
#include "gateway/control/sigv4_canonical_request.hpp"
#include "gateway/control/sigv4_verifier.hpp"
#include "tests/gateway/control/sigv4_test_support.hpp"

namespace ug::gateway::control {
namespace {

using testing::ns_per_s;
using testing::owned_request;

struct oracle_case {
  std::string name;
  owned_request request;
  std::string canonical_request;
};

struct oracle_file {
  std::map<std::string, std::string> settings;  // access_key_id, secret, region, service, now
  std::vector<oracle_case> cases;
};

// "\XX" is the byte 0xXX (generate.py's escaping); everything else is itself.
std::string unescape(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 2 < text.size()) {
      out += static_cast<char>(common::hex_digit_value(text[i + 1]) * 16 +
                               common::hex_digit_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

oracle_file read_oracle() {
  std::ifstream in(std::string(UG_SOURCE_DIR) + "/tests/data/sigv4/botocore_vectors.txt");
  EXPECT_TRUE(in.good());
  oracle_file file;
  std::string line;
  oracle_case current;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    std::istringstream fields(line);
    std::string key;
    std::string value;
    fields >> key >> value;
    if (key == "case") {
      current = oracle_case{value, owned_request{}, ""};
      current.request.headers.clear();
    } else if (key == "method") {
      current.request.method = unescape(value);
    } else if (key == "target") {
      current.request.target = unescape(value);
    } else if (key == "header") {
      std::string header_value;
      fields >> header_value;
      current.request.headers.emplace_back(value, unescape(header_value));
    } else if (key == "body") {
      current.request.body = unescape(value);
    } else if (key == "canonical_request") {
      current.canonical_request = unescape(value);
    } else if (key == "end") {
      file.cases.push_back(current);
    } else {
      file.settings[key] = unescape(value);
    }
  }
  return file;
}

class Sigv4BotocoreOracle : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { oracle_ = new oracle_file(read_oracle()); }
  static void TearDownTestSuite() {
    delete oracle_;
    oracle_ = nullptr;
  }

  static std::string setting(const std::string& key) { return oracle_->settings.at(key); }
  static std::int64_t now_ns() { return *parse_amz_date(setting("now")) * ns_per_s; }
  static sigv4_verifier verifier_with_secret(std::string secret) {
    return sigv4_verifier({setting("access_key_id"), std::move(secret)}, setting("service"));
  }

  static sigv4_verdict verify(owned_request request) {
    return verifier_with_secret(setting("secret")).verify(request.view(), now_ns());
  }

  static void expect_invalid_signature(const owned_request& request, const std::string& what) {
    const sigv4_verdict verdict = verify(request);
    ASSERT_FALSE(verdict.valid()) << what;
    EXPECT_EQ(verdict.refusal->error, sigv4_error::invalid_signature) << what;
  }

  static oracle_file* oracle_;
};

oracle_file* Sigv4BotocoreOracle::oracle_ = nullptr;

char flipped(char c) {
  return static_cast<char>(c ^ 0x01);
}

TEST_F(Sigv4BotocoreOracle, TheFileHoldsEveryCase) {
  EXPECT_EQ(oracle_->cases.size(), 16U);
  EXPECT_EQ(setting("service"), "apigateway");
}

TEST_F(Sigv4BotocoreOracle, CanonicalRequestIsBotocores) {
  for (oracle_case& c : oracle_->cases) {
    const std::string authorization = c.request.header("authorization");
    const std::size_t at = authorization.find("SignedHeaders=") + 14;
    const std::string signed_headers = authorization.substr(at, authorization.find(',', at) - at);
    EXPECT_EQ(sigv4_canonical_request(c.request.view(), signed_headers,
                                      common::to_hex(common::sha256(c.request.body))),
              c.canonical_request)
        << c.name;
  }
}

TEST_F(Sigv4BotocoreOracle, EverySignedRequestVerifies) {
  for (const oracle_case& c : oracle_->cases) {
    const sigv4_verdict verdict = verify(c.request);
    EXPECT_TRUE(verdict.valid()) << c.name << ": " << verdict.refusal->message;
  }
}

TEST_F(Sigv4BotocoreOracle, OneByteOfTheMethodChangedIsRefused) {
  for (const oracle_case& c : oracle_->cases) {
    owned_request request = c.request;
    request.method.back() = flipped(request.method.back());
    expect_invalid_signature(request, c.name);
  }
}

TEST_F(Sigv4BotocoreOracle, OneByteOfThePathChangedIsRefused) {
  for (const oracle_case& c : oracle_->cases) {
    owned_request request = c.request;
    const std::size_t path_end = request.target.find('?');
    const std::size_t last = (path_end == std::string::npos ? request.target.size() : path_end) - 1;
    request.target[last] = flipped(request.target[last]);
    expect_invalid_signature(request, c.name + " " + request.target);
  }
}

TEST_F(Sigv4BotocoreOracle, OneByteOfTheQueryChangedIsRefused) {
  int with_query = 0;
  for (const oracle_case& c : oracle_->cases) {
    if (c.request.target.find('?') == std::string::npos) {
      continue;
    }
    ++with_query;
    owned_request request = c.request;
    request.target.back() = flipped(request.target.back());
    expect_invalid_signature(request, c.name + " " + request.target);
  }
  EXPECT_GE(with_query, 6);
}

TEST_F(Sigv4BotocoreOracle, OneByteOfASignedHeaderChangedIsRefused) {
  for (const oracle_case& c : oracle_->cases) {
    for (const std::string name : {"Host", "Accept"}) {
      owned_request request = c.request;
      std::string value = request.header(name);
      ASSERT_FALSE(value.empty()) << c.name << " " << name;
      value.back() = flipped(value.back());
      request.set_header(name, value);
      expect_invalid_signature(request, c.name + " " + name);
    }
  }
}

TEST_F(Sigv4BotocoreOracle, FoldedSpacesMayBeRefoldedButNotRemoved) {
  for (const oracle_case& c : oracle_->cases) {
    if (c.request.header("X-Custom-Folded").empty()) {
      continue;
    }
    owned_request refolded = c.request;
    refolded.set_header("X-Custom-Folded", "a\tb c\t \td");
    EXPECT_TRUE(verify(refolded).valid());
    owned_request joined = c.request;
    joined.set_header("X-Custom-Folded", "ab c d");
    expect_invalid_signature(joined, c.name);
  }
}

TEST_F(Sigv4BotocoreOracle, HeadersBotocoreDoesNotSignMayChange) {
  for (const oracle_case& c : oracle_->cases) {
    owned_request request = c.request;
    request.set_header("User-Agent", "something-else/1.0");
    request.headers.emplace_back("X-Not-Signed", "anything");
    EXPECT_TRUE(verify(request).valid()) << c.name;
  }
}

TEST_F(Sigv4BotocoreOracle, OneByteOfTheBodyChangedIsRefused) {
  for (const oracle_case& c : oracle_->cases) {
    owned_request request = c.request;
    if (request.body.empty()) {
      request.body = "{";
    } else {
      request.body[request.body.size() / 2] = flipped(request.body[request.body.size() / 2]);
    }
    expect_invalid_signature(request, c.name);
  }
}

TEST_F(Sigv4BotocoreOracle, OneByteOfTheSecretChangedIsRefused) {
  std::string secret = setting("secret");
  for (std::size_t i : {std::size_t{0}, secret.size() / 2, secret.size() - 1}) {
    std::string wrong = secret;
    wrong[i] = flipped(wrong[i]);
    const sigv4_verifier verifier = verifier_with_secret(wrong);
    for (oracle_case& c : oracle_->cases) {
      const sigv4_verdict verdict = verifier.verify(c.request.view(), now_ns());
      ASSERT_FALSE(verdict.valid()) << c.name;
      EXPECT_EQ(verdict.refusal->error, sigv4_error::invalid_signature) << c.name;
      EXPECT_EQ(verdict.refusal->message.find(wrong), std::string::npos);
    }
  }
}

TEST_F(Sigv4BotocoreOracle, OneByteOfTheSignatureChangedIsRefused) {
  for (const oracle_case& c : oracle_->cases) {
    owned_request request = c.request;
    std::string authorization = request.header("authorization");
    authorization.back() = authorization.back() == '0' ? '1' : '0';
    request.set_header("Authorization", authorization);
    expect_invalid_signature(request, c.name);
  }
}

TEST_F(Sigv4BotocoreOracle, AnotherAccessKeyIdIsUnrecognized) {
  for (oracle_case& c : oracle_->cases) {
    const sigv4_verifier verifier({"AKIDEXAMPLF", setting("secret")}, setting("service"));
    const sigv4_verdict verdict = verifier.verify(c.request.view(), now_ns());
    ASSERT_FALSE(verdict.valid()) << c.name;
    EXPECT_EQ(verdict.refusal->error, sigv4_error::unrecognized_client) << c.name;
  }
}

TEST_F(Sigv4BotocoreOracle, SixteenMinutesOfClockSkewIsRefusedEitherWay) {
  const sigv4_verifier verifier = verifier_with_secret(setting("secret"));
  for (oracle_case& c : oracle_->cases) {
    for (const std::int64_t skew_min : {-16, 16}) {
      const sigv4_verdict verdict =
          verifier.verify(c.request.view(), now_ns() + skew_min * 60 * ns_per_s);
      ASSERT_FALSE(verdict.valid()) << c.name << " " << skew_min;
      EXPECT_EQ(verdict.refusal->error, sigv4_error::invalid_signature);
      EXPECT_EQ(verdict.refusal->message.rfind(
                    skew_min > 0 ? "Signature expired: " : "Signature not yet current: ", 0),
                0U);
    }
    for (const std::int64_t skew_min : {-14, 14}) {
      EXPECT_TRUE(verifier.verify(c.request.view(), now_ns() + skew_min * 60 * ns_per_s).valid())
          << c.name << " " << skew_min;
    }
  }
}

}  // namespace
}  // namespace ug::gateway::control
