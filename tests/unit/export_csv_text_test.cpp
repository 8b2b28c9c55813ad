// Tests CSV fields against psql --csv's rule (src/bin/psql's csv_print_field):
// quoted exactly when a field holds the separator, a quote, CR or LF, or is
// "\." — so an export and psql's CSV of the same rows are the same bytes.
#include <doctest/doctest.h>

#include "export/csv_text.h"

using fleetmcp::exports::append_csv_field;

namespace {

std::string field(std::string_view value) {
  std::string out;
  append_csv_field(out, value);
  return out;
}

}  // namespace

TEST_CASE("plain values are written as they are, the empty string included") {
  CHECK(field("Nairobi") == "Nairobi");
  CHECK(field("2026-11-30 23:59:59+03") == "2026-11-30 23:59:59+03");
  CHECK(field("") == "");
  CHECK(field(" leading and trailing spaces ") == " leading and trailing spaces ");
  CHECK(field("back\\slash") == "back\\slash");
  CHECK(field("tab\there") == "tab\there");
  CHECK(field("ünïcödé ✓") == "ünïcödé ✓");
}

TEST_CASE("separator, quote, CR and LF put the field in quotes, quotes doubled") {
  CHECK(field("Mombasa, Coast") == "\"Mombasa, Coast\"");
  CHECK(field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(field("\"") == "\"\"\"\"");
  CHECK(field("two\nlines") == "\"two\nlines\"");
  CHECK(field("carriage\rreturn") == "\"carriage\rreturn\"");
  CHECK(field("{1,2,3}") == "\"{1,2,3}\"");
}

TEST_CASE("the end-of-data marker alone is quoted, and only alone") {
  CHECK(field("\\.") == "\"\\.\"");
  CHECK(field("\\.x") == "\\.x");
  CHECK(field("a\\.") == "a\\.");
}

TEST_CASE("fields append to what is there") {
  std::string line = "a,";
  append_csv_field(line, "b,c");
  CHECK(line == "a,\"b,c\"");
}
