// The CSV reader ImportApiKeys uses: RFC 4180 quoting, both line ends, the
// byte order mark spreadsheets write, and errors that name the line.
#include "gateway/control/write/csv_table.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ug::gateway::control {
namespace {

std::vector<std::vector<std::string>> fields_of(std::string_view text) {
  const csv_parse_result r = parse_csv(text);
  EXPECT_TRUE(r.records) << r.error;
  std::vector<std::vector<std::string>> out;
  for (const csv_record& rec : r.records.value_or(std::vector<csv_record>{}))
    out.push_back(rec.fields);
  return out;
}

TEST(CsvTable, SplitsFieldsAndRecordsAtBothLineEnds) {
  using rows = std::vector<std::vector<std::string>>;
  EXPECT_EQ(fields_of("Key,Name\r\nabc,d\nx,\n"), (rows{{"Key", "Name"}, {"abc", "d"}, {"x", ""}}));
  EXPECT_EQ(fields_of("a,b"), (rows{{"a", "b"}}));
  EXPECT_EQ(fields_of(""), rows{});
}

TEST(CsvTable, QuotedFieldsHoldCommasLineBreaksAndQuotes) {
  const csv_parse_result r =
      parse_csv("Name,UsagePlanIds\n\"a, \"\"b\"\"\",\"p1,p2\"\n\"two\nlines\",x\nlast,y\n");
  ASSERT_TRUE(r.records) << r.error;
  ASSERT_EQ(r.records->size(), 4u);
  EXPECT_EQ((*r.records)[1].fields, (std::vector<std::string>{"a, \"b\"", "p1,p2"}));
  EXPECT_EQ((*r.records)[2].fields, (std::vector<std::string>{"two\nlines", "x"}));
  // Line numbers count the file's lines, not its records.
  EXPECT_EQ((*r.records)[2].line, 3u);
  EXPECT_EQ((*r.records)[3].line, 5u);
}

TEST(CsvTable, SkipsAByteOrderMarkAndBlankLines) {
  using rows = std::vector<std::vector<std::string>>;
  EXPECT_EQ(fields_of("\xEF\xBB\xBFKey,Name\n\n\r\nk,n\n"), (rows{{"Key", "Name"}, {"k", "n"}}));
}

TEST(CsvTable, AQuoteInsideAPlainFieldIsKept) {
  using rows = std::vector<std::vector<std::string>>;
  EXPECT_EQ(fields_of("ab\"c,d\n"), (rows{{"ab\"c", "d"}}));
}

TEST(CsvTable, ErrorsNameTheLine) {
  const csv_parse_result open = parse_csv("Key,Name\nk,\"never closed\n");
  EXPECT_FALSE(open.records);
  EXPECT_EQ(open.error, "Line 2: a quoted field is never closed");
  const csv_parse_result trailing = parse_csv("Key,Name\n\n\"k\"x,n\n");
  EXPECT_FALSE(trailing.records);
  EXPECT_EQ(trailing.error, "Line 3: a quoted field must be followed by a comma or a line break");
}

}  // namespace
}  // namespace ug::gateway::control
