#include "gateway/http/request_target.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>

namespace ug::gateway {
namespace {

struct canonical_case {
  std::string_view target;
  std::string_view canonical;
};

void PrintTo(const canonical_case& c, std::ostream* os) {
  *os << c.target;
}

class CanonicalTarget : public testing::TestWithParam<canonical_case> {};

TEST_P(CanonicalTarget, IsTheOneFormRoutedAndForwarded) {
  std::string out;
  const canonical_target r = canonicalize_target(GetParam().target, out);
  ASSERT_EQ(r.problem, target_problem::none) << describe(r.problem);
  EXPECT_EQ(out, GetParam().canonical);
  // Canonical means a fixed point: an upstream normalising it again finds
  // nothing to change.
  std::string again;
  ASSERT_EQ(canonicalize_target(out, again).problem, target_problem::none);
  EXPECT_EQ(again, out);
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3986, CanonicalTarget,
    testing::Values(
        canonical_case{"/", "/"}, canonical_case{"/v1/endpoint", "/v1/endpoint"},
        canonical_case{"/v1/endpoint?x=1&y=%2F", "/v1/endpoint?x=1&y=%2F"},
        // The review's bypasses: each lands on the path an upstream would serve.
        canonical_case{"/n/public/../secret/x", "/n/secret/x"},
        canonical_case{"/p/%73ecret/x", "/p/secret/x"},
        canonical_case{"/p/secre%74/x", "/p/secret/x"},
        canonical_case{"/p/./secret/x", "/p/secret/x"},
        canonical_case{"/p/%2e%2E/secret", "/secret"}, canonical_case{"/p/.%2e/x", "/x"},
        // Unreserved escapes decoded, others kept with upper-case hex.
        canonical_case{"/a%7e%41%2d%5f", "/a~A-_"}, canonical_case{"/a%3a%3F%25", "/a%3A%3F%25"},
        canonical_case{"/a:b@c=e,f!$&'()*+", "/a:b@c=e,f!$&'()*+"},
        // Bytes outside the URI grammar are encoded, not passed on raw.
        canonical_case{"/a\"b<c>{d}|e^`", "/a%22b%3Cc%3E%7Bd%7D%7Ce%5E%60"},
        canonical_case{"/caf\xc3\xa9", "/caf%C3%A9"},
        // Dot segments at the end keep their slash (RFC 3986 §5.2.4).
        canonical_case{"/a/b/..", "/a/"}, canonical_case{"/a/.", "/a/"}, canonical_case{"/.", "/"},
        canonical_case{"/a/b/", "/a/b/"},
        // Empty segments are merged (as nginx does) before dot segments go.
        canonical_case{"//secret/x", "/secret/x"}, canonical_case{"/n/secret//x", "/n/secret/x"},
        canonical_case{"/a//../b", "/b"}, canonical_case{"/a//", "/a/"}, canonical_case{"//", "/"},
        canonical_case{"/a/b//.", "/a/b/"}, canonical_case{"/a/..b/.c/c.", "/a/..b/.c/c."},
        canonical_case{"/a?../b", "/a?../b"}));

struct refused_case {
  std::string_view target;
  target_problem problem;
};

void PrintTo(const refused_case& c, std::ostream* os) {
  *os << c.target;
}

class RefusedTarget : public testing::TestWithParam<refused_case> {};

TEST_P(RefusedTarget, GetsA400) {
  std::string out;
  EXPECT_EQ(canonicalize_target(GetParam().target, out).problem, GetParam().problem)
      << GetParam().target;
}

INSTANTIATE_TEST_SUITE_P(
    Unsafe, RefusedTarget,
    testing::Values(refused_case{"", target_problem::not_origin_form},
                    refused_case{"*", target_problem::not_origin_form},
                    refused_case{"http://h/v1/x", target_problem::not_origin_form},
                    refused_case{"/v1/x#frag", target_problem::not_origin_form},
                    refused_case{"/p/secret%2fx", target_problem::encoded_slash},
                    refused_case{"/p/secret%2Fx", target_problem::encoded_slash},
                    refused_case{"/p/a%5cb", target_problem::forbidden_byte},
                    refused_case{"/p/a\\b", target_problem::forbidden_byte},
                    refused_case{"/p/a%00", target_problem::forbidden_byte},
                    refused_case{"/p/a%0d%0a", target_problem::forbidden_byte},
                    refused_case{"/p/a%7F", target_problem::forbidden_byte},
                    refused_case{"/p/%", target_problem::bad_escape},
                    refused_case{"/p/%4", target_problem::bad_escape},
                    refused_case{"/p/%zz", target_problem::bad_escape},
                    refused_case{"/..", target_problem::above_root},
                    refused_case{"/n/public/../../../etc", target_problem::above_root},
                    refused_case{"/p/..;/secret", target_problem::path_parameters},
                    refused_case{"/p/.;x/secret", target_problem::path_parameters},
                    refused_case{"/p/%2e%2e;/secret", target_problem::path_parameters},
                    refused_case{"/p/secret;x/y", target_problem::path_parameters},
                    refused_case{"/p;x/secret", target_problem::path_parameters},
                    refused_case{"/p/secret%3bx", target_problem::path_parameters}));

TEST(CanonicalTarget, ReportsHowLowADotDotClimbed) {
  std::string out;
  EXPECT_EQ(canonicalize_target("/v1/x", out).lowest_depth_segments, UINT32_MAX);
  EXPECT_EQ(canonicalize_target("/v1/a/b/../x", out).lowest_depth_segments, 2U);
  EXPECT_EQ(canonicalize_target("/v1/../v2/x", out).lowest_depth_segments, 0U);
  EXPECT_EQ(out, "/v2/x");
  EXPECT_EQ(canonicalize_target("/n/public/../../etc", out).lowest_depth_segments, 0U);
  EXPECT_EQ(out, "/etc");
}

TEST(CanonicalTarget, ReusesTheOutputCapacity) {
  std::string out;
  out.reserve(256);
  const char* storage = out.data();
  ASSERT_EQ(canonicalize_target("/v1/%61/../b?q=1", out).problem, target_problem::none);
  EXPECT_EQ(out, "/v1/b?q=1");
  EXPECT_EQ(out.data(), storage) << "a warm session allocates nothing";
}

}  // namespace
}  // namespace ug::gateway
