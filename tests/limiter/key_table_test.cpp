#include "limiter/key_table.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "limiter/constant_time.hpp"
#include "limiter/keyed_hash.hpp"

namespace ug::limiter {
namespace {

key_table::entry by_value(std::string value, std::uint32_t index) {
  key_table::entry e;
  e.value = std::move(value);
  e.index = index;
  return e;
}

key_table::entry by_digest(std::string_view value, std::uint32_t index) {
  key_table::entry e;
  e.value_sha256 = common::sha256(value);
  e.index = index;
  return e;
}

/// 40-character key values, distinct for distinct i (AWS keys are 20..128).
std::string key_value(std::uint64_t i) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  // Filled in a local buffer: this runs millions of times in the sanitizer
  // builds, where every std::string::operator[] call is instrumented.
  char s[40];
  std::uint64_t x = i;
  for (std::size_t block = 0; block < 4; ++block) {
    // One splitmix64 step gives eight random-looking characters.
    x += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    for (std::size_t pos = 0; pos < 8; ++pos, z >>= 8) {
      s[block * 8 + pos] = alphabet[(z & 0xff) % 62];
    }
  }
  // The index itself in base 32, so uniqueness does not depend on the mixing.
  for (std::size_t pos = 0; pos < 8; ++pos) {
    s[32 + pos] = alphabet[(i >> (pos * 5)) & 31];
  }
  return std::string(s, sizeof s);
}

TEST(Sha256, KnownVectors) {
  const common::sha256_digest abc = common::sha256("abc");
  const common::sha256_digest want = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
                                      0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
                                      0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
                                      0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
  EXPECT_EQ(abc, want);
  const common::sha256_digest empty = common::sha256("");
  EXPECT_EQ(empty[0], 0xe3);
  EXPECT_EQ(empty[31], 0x55);
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("abcdefghijklmnopqrst", "abcdefghijklmnopqrst"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("Xbcdefghijklmnopqrst", "abcdefghijklmnopqrst"));  // first
  EXPECT_FALSE(constant_time_equal("abcdefghijklmnopqrsX", "abcdefghijklmnopqrst"));  // last
  EXPECT_FALSE(constant_time_equal("abcdefghijklmnopqrs", "abcdefghijklmnopqrst"));   // prefix
  EXPECT_FALSE(constant_time_equal("abcdefghijklmnopqrstu", "abcdefghijklmnopqrst"));
  const std::string with_nul("abc\0def", 7);
  EXPECT_FALSE(constant_time_equal(with_nul, std::string("abc\0deX", 7)));
  EXPECT_TRUE(constant_time_equal(with_nul, std::string("abc\0def", 7)));
}

TEST(ConstantTimeEqual, EveryLengthAndEveryDifferingPosition) {
  // Lengths around the 16-byte pieces the comparison is made of.
  for (std::size_t len : {1U, 2U, 15U, 16U, 17U, 31U, 32U, 33U, 40U, 47U, 48U, 128U}) {
    std::string a(len, 'a');
    for (std::size_t i = 0; i < len; ++i) {
      a[i] = static_cast<char>('A' + i % 26);
    }
    EXPECT_TRUE(constant_time_equal(a, std::string(a))) << len;
    for (std::size_t pos = 0; pos < len; ++pos) {
      std::string b = a;
      b[pos] ^= 0x20;
      EXPECT_FALSE(constant_time_equal(a, b)) << "length " << len << " differs at " << pos;
    }
  }
}

TEST(KeyedHash, DependsOnKeyAndEveryByte) {
  const hash_key k1 = hash_key::random();
  const hash_key k2 = hash_key::random();
  const std::string v = key_value(7);
  EXPECT_EQ(keyed_hash(v, k1), keyed_hash(v, k1));
  EXPECT_NE(keyed_hash(v, k1), keyed_hash(v, k2));
  for (std::size_t len : {0U, 1U, 3U, 4U, 7U, 8U, 15U, 16U, 17U, 33U, 40U}) {
    const std::string base = v.substr(0, len);
    for (std::size_t pos = 0; pos < len; ++pos) {
      std::string changed = base;
      changed[pos] ^= 1;
      EXPECT_NE(keyed_hash(changed, k1), keyed_hash(base, k1)) << len << " " << pos;
    }
    if (len < v.size()) {
      EXPECT_NE(keyed_hash(v.substr(0, len + 1), k1), keyed_hash(base, k1)) << len;
    }
  }
}

TEST(KeyTable, EmptyAndDefault) {
  const key_table none;
  EXPECT_EQ(none.find("anything-at-all-12345"), std::nullopt);
  EXPECT_EQ(none.size(), 0U);
  EXPECT_EQ(none.memory_bytes(), 0U);
  const key_table empty(std::vector<key_table::entry>{});
  EXPECT_EQ(empty.find("anything-at-all-12345"), std::nullopt);
  EXPECT_EQ(empty.find(""), std::nullopt);
  EXPECT_EQ(empty.size(), 0U);
}

TEST(KeyTable, FindsValuesAndMissesEverythingElse) {
  std::vector<key_table::entry> entries;
  for (std::uint32_t i = 0; i < 100; ++i) {
    entries.push_back(by_value(key_value(i), 1000 + i));
  }
  const key_table t(entries);
  EXPECT_EQ(t.size(), 100U);
  for (std::uint32_t i = 0; i < 100; ++i) {
    EXPECT_EQ(t.find(key_value(i)), 1000 + i);
  }
  const std::string k = key_value(42);
  EXPECT_EQ(t.find(key_value(100)), std::nullopt);
  EXPECT_EQ(t.find(""), std::nullopt);
  EXPECT_EQ(t.find(k.substr(0, 39)), std::nullopt);
  EXPECT_EQ(t.find(k + "x"), std::nullopt);
}

TEST(KeyTable, EqualLengthWrongKeysMiss) {
  std::vector<key_table::entry> entries = {by_value(key_value(1), 1), by_value(key_value(2), 2)};
  const key_table t(entries);
  const std::string k = key_value(1);
  for (std::size_t pos = 0; pos < k.size(); ++pos) {
    std::string wrong = k;
    wrong[pos] = wrong[pos] == 'Z' ? 'Y' : 'Z';
    EXPECT_EQ(t.find(wrong), std::nullopt) << "differs at " << pos;
  }
}

TEST(KeyTable, DigestKeysAreFoundByHashingThePresentedValue) {
  std::vector<key_table::entry> entries = {by_value(key_value(1), 1), by_digest(key_value(2), 2),
                                           by_digest(key_value(3), 3)};
  const key_table t(entries);
  EXPECT_EQ(t.size(), 3U);
  EXPECT_EQ(t.find(key_value(1)), 1U);
  EXPECT_EQ(t.find(key_value(2)), 2U);
  EXPECT_EQ(t.find(key_value(3)), 3U);
  EXPECT_EQ(t.find(key_value(4)), std::nullopt);
  // The digest itself (as bytes) is not a key.
  const common::sha256_digest d = common::sha256(key_value(2));
  EXPECT_EQ(t.find(std::string_view(reinterpret_cast<const char*>(d.data()), d.size())),
            std::nullopt);
}

TEST(KeyTable, DigestOnlyTable) {
  std::vector<key_table::entry> entries;
  for (std::uint32_t i = 0; i < 50; ++i) {
    entries.push_back(by_digest(key_value(i), i));
  }
  const key_table t(entries);
  for (std::uint32_t i = 0; i < 50; ++i) {
    EXPECT_EQ(t.find(key_value(i)), i);
  }
  EXPECT_EQ(t.find(key_value(50)), std::nullopt);
}

TEST(KeyTable, DuplicatesKeepTheFirstAndEntriesWithoutKeysAreSkipped) {
  std::vector<key_table::entry> entries = {
      by_value("duplicate-key-value-01", 1), by_value("duplicate-key-value-01", 2),
      by_digest("digest-key-value-000002", 3), by_digest("digest-key-value-000002", 4),
      key_table::entry{}};
  const key_table t(entries);
  EXPECT_EQ(t.size(), 2U);
  EXPECT_EQ(t.find("duplicate-key-value-01"), 1U);
  EXPECT_EQ(t.find("digest-key-value-000002"), 3U);
}

TEST(KeyTable, CopiesShareTheImmutableTable) {
  std::vector<key_table::entry> entries = {by_value(key_value(5), 5)};
  key_table copy;
  {
    const key_table original(entries);
    copy = original;
  }
  EXPECT_EQ(copy.find(key_value(5)), 5U);
}

TEST(KeyTable, OneMillionKeys) {
  constexpr std::uint32_t n = 1'000'000;
  std::size_t value_bytes = 0;
  std::vector<key_table::entry> entries(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    entries[i].value = key_value(i);
    entries[i].index = i;
    value_bytes += entries[i].value->size();
  }
  const key_table t(entries);
  entries = {};
  ASSERT_EQ(t.size(), n);
  // Counted rather than asserted one by one: a million gtest assertions would
  // dominate the run time under the sanitizers.
  std::size_t wrong = 0;
  for (std::uint32_t i = 0; i < n; i += 10) {
    wrong += t.find(key_value(i)) == i ? 0 : 1;
  }
  wrong += t.find(key_value(n - 1)) == n - 1 ? 0 : 1;
  EXPECT_EQ(wrong, 0U);
  std::size_t found_unknown = 0;
  for (std::uint32_t i = n; i < n + 10'000; ++i) {
    found_unknown += t.find(key_value(i)).has_value() ? 1 : 0;
  }
  EXPECT_EQ(found_unknown, 0U);
  // Memory: the values themselves plus 16-byte slots at load <= 1/2.
  const double per_key = static_cast<double>(t.memory_bytes()) / n;
  EXPECT_LE(per_key, 200.0);
  EXPECT_LE(t.memory_bytes(), value_bytes + 2 * 16 * 1'048'576 + 4096);
}

}  // namespace
}  // namespace ug::limiter
