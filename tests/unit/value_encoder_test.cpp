// PostgreSQL text-format values → JSON. Inputs are what PostgreSQL 15 prints
// with DateStyle ISO and IntervalStyle iso_8601 (checked with psql -At).
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "db/value_encoder.h"

using fleetmcp::db::EncodedCell;
using fleetmcp::db::EncodeLimits;
using fleetmcp::db::encode_value;
using fleetmcp::db::TypeCatalog;
using nlohmann::json;

namespace {

// OIDs from pg_type.dat; the PostGIS ones are those of a scratch database
// (CREATE EXTENSION postgis on PostgreSQL 15 / PostGIS 3.3).
enum : unsigned {
  kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt2Vector = 22, kInt4 = 23, kText = 25, kOid = 26,
  kJson = 114, kPoint = 600, kFloat4 = 700, kFloat8 = 701, kBoolArray = 1000, kByteaArray = 1001,
  kInt4Array = 1007, kTextArray = 1009, kInt8Array = 1016, kBoxArray = 1020, kVarchar = 1043, kDate = 1082,
  kTime = 1083, kTimestamp = 1114, kTimestamptz = 1184, kTimestamptzArray = 1185, kInterval = 1186,
  kIntervalArray = 1187, kNumericArray = 1231, kTimetz = 1266, kNumeric = 1700, kUuid = 2950, kJsonb = 3802,
  kJsonbArray = 3807, kGeometry = 16390, kGeometryArray = 16398, kGeography = 17077, kGeographyArray = 17083,
  kImeiArray = 17448,
};

// Rows of TypeCatalog::load_query() from that scratch database.
TypeCatalog postgis_catalog() {
  TypeCatalog types;
  types.add_row(23, "int4", 0, ',');
  types.add_row(1007, "_int4", 23, ',');
  types.add_row(22, "int2vector", 0, ',');
  types.add_row(16390, "geometry", 0, ',');
  types.add_row(16398, "_geometry", 16390, ':');
  types.add_row(17077, "geography", 0, ',');
  types.add_row(17083, "_geography", 17077, ':');
  types.add_row(17449, "imei", 0, ',');  // CREATE DOMAIN imei AS text
  types.add_row(17448, "_imei", 25, ',');
  return types;
}

const TypeCatalog kNoCatalog;

// Every case also checks that the direct writer (append_encoded_value, what
// result rows use) writes exactly the text of the value encode_value builds.
void check_writer_agrees(std::string_view text, unsigned oid, const TypeCatalog& types, const EncodeLimits& limits,
                         const EncodedCell& cell) {
  std::string written = "[";
  fleetmcp::JsonAppender out{written};
  bool cut = fleetmcp::db::append_encoded_value(out, text, oid, types, limits);
  CHECK(written.substr(1) == cell.value.dump(-1, ' ', false, json::error_handler_t::replace));
  CHECK(cut == cell.cut);
}

json encode(std::string_view text, unsigned oid, const TypeCatalog& types = kNoCatalog) {
  EncodedCell cell = encode_value(text, oid, types, EncodeLimits{});
  CHECK_FALSE(cell.cut);
  check_writer_agrees(text, oid, types, EncodeLimits{}, cell);
  return cell.value;
}

EncodedCell encode_capped(std::string_view text, unsigned oid, std::size_t max_cell_bytes) {
  EncodedCell cell = encode_value(text, oid, kNoCatalog, EncodeLimits{max_cell_bytes});
  check_writer_agrees(text, oid, kNoCatalog, EncodeLimits{max_cell_bytes}, cell);
  return cell;
}

}  // namespace

TEST_CASE("int2, int4 and oid are numbers") {
  CHECK(encode("-32768", kInt2) == -32768);
  CHECK(encode("2147483647", kInt4) == 2147483647);
  CHECK(encode("4294967295", kOid) == 4294967295LL);
  CHECK(encode("4294967295", kOid).is_number_integer());
}

TEST_CASE("int8 is a number only while a double holds it exactly") {
  CHECK(encode("9007199254740991", kInt8) == 9007199254740991LL);
  CHECK(encode("-9007199254740991", kInt8) == -9007199254740991LL);
  CHECK(encode("9007199254740992", kInt8) == "9007199254740992");
  CHECK(encode("-9007199254740992", kInt8) == "-9007199254740992");
  CHECK(encode("9223372036854775807", kInt8) == "9223372036854775807");
  CHECK(encode("-9223372036854775808", kInt8) == "-9223372036854775808");
  CHECK(encode("0", kInt8).dump() == "0");
}

TEST_CASE("numeric stays an exact string") {
  CHECK(encode("123456789012345678901234567890.000000000000000001", kNumeric) ==
        "123456789012345678901234567890.000000000000000001");
  CHECK(encode("NaN", kNumeric) == "NaN");
  CHECK(encode("Infinity", kNumeric) == "Infinity");
  CHECK(encode("-Infinity", kNumeric) == "-Infinity");
}

TEST_CASE("floats are numbers except NaN and the infinities") {
  CHECK(encode("1.1", kFloat4).dump() == "1.1");
  CHECK(encode("3.141592653589793", kFloat8) == 3.141592653589793);
  CHECK(encode("1e+100", kFloat8) == 1e100);
  CHECK(encode("5e-324", kFloat8) == 5e-324);
  json negative_zero = encode("-0", kFloat8);
  REQUIRE(negative_zero.is_number_float());
  CHECK(std::signbit(negative_zero.get<double>()));
  CHECK(negative_zero.dump() == "-0.0");
  CHECK(encode("NaN", kFloat8) == "NaN");
  CHECK(encode("Infinity", kFloat8) == "Infinity");
  CHECK(encode("-Infinity", kFloat4) == "-Infinity");
}

TEST_CASE("bool") {
  CHECK(encode("t", kBool) == true);
  CHECK(encode("f", kBool) == false);
}

TEST_CASE("json and jsonb are embedded, or kept as text when they do not parse") {
  CHECK(encode(R"({"a": [1, 2.5, "x"], "b": null})", kJsonb) == json{{"a", {1, 2.5, "x"}}, {"b", nullptr}});
  CHECK(encode("[]", kJson) == json::array());
  CHECK(encode("\"just a string\"", kJson) == "just a string");
  CHECK(encode("{not json", kJson) == "{not json");
  std::string deep = std::string(300, '[') + std::string(300, ']');
  CHECK(encode(deep, kJson) == deep);  // too deep to write back safely
  std::string fine = std::string(200, '[') + std::string(200, ']');
  CHECK(encode(fine, kJson).is_array());
}

TEST_CASE("dates and times become ISO 8601") {
  // SET DateStyle=ISO; SET timezone='Africa/Nairobi';
  CHECK(encode("2024-05-01 10:00:00+03", kTimestamptz) == "2024-05-01T10:00:00+03:00");
  CHECK(encode("2024-05-01 04:30:00.123456+00", kTimestamptz) == "2024-05-01T04:30:00.123456+00:00");
  CHECK(encode("2024-05-01 10:00:00-09:30", kTimestamptz) == "2024-05-01T10:00:00-09:30");
  CHECK(encode("2024-05-01 10:00:00", kTimestamp) == "2024-05-01T10:00:00");
  CHECK(encode("2024-05-01", kDate) == "2024-05-01");
  CHECK(encode("10:00:00.5+03", kTimetz) == "10:00:00.5+03:00");
  CHECK(encode("10:00:00-05", kTimetz) == "10:00:00-05:00");
  CHECK(encode("24:00:00", kTime) == "24:00:00");
  CHECK(encode("10000-01-01 00:00:00", kTimestamp) == "10000-01-01T00:00:00");
}

TEST_CASE("infinities, BC dates and second-precision offsets stay as PostgreSQL wrote them") {
  CHECK(encode("infinity", kTimestamp) == "infinity");
  CHECK(encode("-infinity", kDate) == "-infinity");
  CHECK(encode("0044-03-15 BC", kDate) == "0044-03-15 BC");
  CHECK(encode("0044-03-15 10:00:00+02:27:16 BC", kTimestamptz) == "0044-03-15 10:00:00+02:27:16 BC");
  // SELECT '1800-01-01 00:00:00'::timestamptz;  (Nairobi's local mean time)
  CHECK(encode("1800-01-01 00:00:00+02:27:16", kTimestamptz) == "1800-01-01T00:00:00+02:27:16");
}

TEST_CASE("interval, uuid and text keep their text") {
  CHECK(encode("P1DT2H", kInterval) == "P1DT2H");
  CHECK(encode("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", kUuid) == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  CHECK(encode("Nairobi → Mombasa", kVarchar) == "Nairobi → Mombasa");
  CHECK(encode("", kText) == "");
}

TEST_CASE("other types come back as their text") {
  CHECK(encode("(1,2)", kPoint) == "(1,2)");
  CHECK(encode("1 2", kInt2Vector) == "1 2");
  CHECK(encode("whatever", 987654) == "whatever");
}

TEST_CASE("invalid UTF-8 is replaced, so the output is always valid") {
  CHECK(encode("ok\xFFok", kText) == "ok\xEF\xBF\xBDok");
  CHECK(encode("\xC3", kText) == "\xEF\xBF\xBD");                      // truncated sequence
  CHECK(encode("\xC0\xAF", kText) == "\xEF\xBF\xBD\xEF\xBF\xBD");      // overlong '/'
  CHECK(encode("\xED\xA0\x80", kText).get<std::string>().find('\xED') == std::string::npos);  // surrogate
  CHECK(encode("\xF0\x9F\x9A\x9A", kText) == "\xF0\x9F\x9A\x9A");     // 🚚 is fine
  CHECK_NOTHROW((void)encode("\xFE\xFF", kJson).dump());
}

TEST_CASE("long text is cut on a character boundary with a visible marker") {
  EncodedCell exact = encode_capped("abcd", kText, 4);
  CHECK_FALSE(exact.cut);
  CHECK(exact.value == "abcd");

  EncodedCell ascii = encode_capped("abcdefgh", kText, 4);
  CHECK(ascii.cut);
  CHECK(ascii.value == "abcd…[cut: 4 bytes]");

  // "a€€": 'a' then two 3-byte characters; 4 bytes would split the first €.
  EncodedCell euro = encode_capped("a\xE2\x82\xAC\xE2\x82\xAC", kText, 4);
  CHECK(euro.cut);
  CHECK(euro.value == "a\xE2\x82\xAC…[cut: 3 bytes]");
  EncodedCell split = encode_capped("a\xE2\x82\xAC\xE2\x82\xAC", kText, 3);
  CHECK(split.value == "a…[cut: 6 bytes]");

  // Arrays, JSON and geometry have no partial form: their text is cut instead.
  EncodedCell array = encode_capped("{1,2,3,4,5}", kInt4Array, 6);
  CHECK(array.cut);
  CHECK(array.value == "{1,2,3…[cut: 5 bytes]");
}

TEST_CASE("bytea becomes base64, capped before encoding") {
  CHECK(encode("\\x00ff10", kBytea) == "AP8Q");
  CHECK(encode("\\x20", kBytea) == "IA==");
  CHECK(encode("\\x4869", kBytea) == "SGk=");
  CHECK(encode("\\x", kBytea) == "");
  CHECK(encode("\\xDEADBEEF", kBytea) == "3q2+7w==");

  EncodedCell capped = encode_capped("\\x00ff10", kBytea, 2);
  CHECK(capped.cut);
  CHECK(capped.value == "AP8=");  // the first two bytes, still valid base64
  EncodedCell at_cap = encode_capped("\\x00ff10", kBytea, 3);
  CHECK_FALSE(at_cap.cut);
  CHECK(at_cap.value == "AP8Q");

  CHECK(encode("plain escape\\000format", kBytea) == "plain escape\\000format");
}

TEST_CASE("arrays: nesting, NULLs, quoting and escapes") {
  // SELECT ARRAY[ARRAY['a,b', NULL], ARRAY['say "hi"', 'back\slash'], ARRAY['NULL', '{x}']]::text[];
  CHECK(encode(R"({{"a,b",NULL},{"say \"hi\"","back\\slash"},{"NULL","{x}"}})", kTextArray) ==
        json::array({json::array({"a,b", nullptr}), json::array({"say \"hi\"", "back\\slash"}),
                     json::array({"NULL", "{x}"})}));
  // SELECT ARRAY[' lead', '', 'a b']::text[];
  CHECK(encode(R"({" lead","","a b"})", kTextArray) == json{" lead", "", "a b"});
  CHECK(encode("{}", kInt4Array) == json::array());
  CHECK(encode("{{1,NULL},{NULL,4}}", kInt4Array) == json{{1, nullptr}, {nullptr, 4}});
  CHECK(encode("{null}", kInt4Array) == json{nullptr});
}

TEST_CASE("arrays with lower bounds other than 1 lose only the decoration") {
  CHECK(encode("[0:1]={1,2}", kInt4Array) == json{1, 2});
  CHECK(encode("[1:2][3:4]={{1,2},{3,4}}", kInt4Array) == json{{1, 2}, {3, 4}});
}

TEST_CASE("array elements follow their element type") {
  CHECK(encode("{9007199254740991,9007199254740992}", kInt8Array) == json{9007199254740991LL, "9007199254740992"});
  CHECK(encode("{1.5,NULL}", kNumericArray) == json{"1.5", nullptr});
  CHECK(encode("{t,f}", kBoolArray) == json{true, false});
  CHECK(encode(R"({"\\x01"})", kByteaArray) == json{"AQ=="});
  CHECK(encode("{P1D}", kIntervalArray) == json{"P1D"});
  // SELECT ARRAY['2024-05-01 10:00:00+03'::timestamptz, NULL];   (timezone UTC)
  CHECK(encode(R"({"2024-05-01 07:00:00+00",NULL})", kTimestamptzArray) ==
        json{"2024-05-01T07:00:00+00:00", nullptr});
  // SELECT ARRAY['{"a":1}'::jsonb, '[1,"x"]'];
  CHECK(encode(R"({"{\"a\": 1}","[1, \"x\"]"})", kJsonbArray) == json{{{"a", 1}}, {1, "x"}});
  // SELECT ARRAY['(0,0),(1,1)'::box, '(2,2),(3,3)'];   (box separates elements with ';')
  CHECK(encode("{(1,1),(0,0);(3,3),(2,2)}", kBoxArray) == json{"(1,1),(0,0)", "(3,3),(2,2)"});
}

TEST_CASE("malformed array text is kept as text") {
  CHECK(encode("{1,2", kInt4Array) == "{1,2");
  CHECK(encode("{1,,2}", kInt4Array) == "{1,,2}");
  CHECK(encode(R"({"open})", kTextArray) == R"({"open})");
  CHECK(encode("{{{{{{{1}}}}}}}", kInt4Array) == "{{{{{{{1}}}}}}}");  // deeper than PostgreSQL allows
}

TEST_CASE("PostGIS geometry and geography become GeoJSON") {
  TypeCatalog types = postgis_catalog();
  // SELECT 'SRID=32737;POINT(1 2)'::geometry;
  CHECK(encode("0101000020E17F0000000000000000F03F0000000000000040", kGeometry, types) ==
        json{{"type", "Point"},
             {"coordinates", {1.0, 2.0}},
             {"crs", {{"type", "name"}, {"properties", {{"name", "EPSG:32737"}}}}}});
  // SELECT 'POINT(36.8219 -1.2921)'::geography;
  CHECK(encode("0101000020E61000008C4AEA0434694240EA95B20C71ACF4BF", kGeography, types) ==
        json{{"type", "Point"}, {"coordinates", {36.8219, -1.2921}}});
  // Without the catalog the OID means nothing and the hex stays text.
  CHECK(encode("0101000000000000000000F03F0000000000000040", kGeometry) ==
        "0101000000000000000000F03F0000000000000040");
  // SELECT 'CIRCULARSTRING(0 0,1 1,2 0)'::geometry;   (no GeoJSON form)
  std::string curve = "0108000000030000000000000000000000000000000000000000000000000000F03F000000000000F03F00000000"
                      "000000400000000000000000";
  CHECK(encode(curve, kGeometry, types) == curve);
}

TEST_CASE("geometry[] and geography[] split on ':' and hold GeoJSON or null") {
  TypeCatalog types = postgis_catalog();
  // SELECT ARRAY['SRID=4326;POINT(1 2)'::geometry, NULL, 'POINT(3 4)'::geometry];
  CHECK(encode("{0101000020E6100000000000000000F03F0000000000000040:NULL:010100000000000000000008400000000000001040}",
               kGeometryArray, types) ==
        json{{{"type", "Point"}, {"coordinates", {1.0, 2.0}}}, nullptr,
             {{"type", "Point"}, {"coordinates", {3.0, 4.0}}}});
  // SELECT ARRAY['POINT(1 2)'::geography, 'POINT(3 4)'::geography];
  json geographies = encode(
      "{0101000020E6100000000000000000F03F0000000000000040:0101000020E610000000000000000008400000000000001040}",
      kGeographyArray, types);
  REQUIRE(geographies.size() == 2);
  CHECK(geographies[1]["coordinates"] == json{3.0, 4.0});
}

TEST_CASE("the catalog finds PostGIS by name and arrays by their element") {
  TypeCatalog types = postgis_catalog();
  CHECK(types.geometry_oid == kGeometry);
  CHECK(types.geography_oid == kGeography);
  CHECK(types.geometry_array_oid == kGeometryArray);
  CHECK(types.geography_array_oid == kGeographyArray);
  CHECK(types.extra_array_elements.at(kGeometryArray) == kGeometry);
  CHECK(types.extra_array_delimiters.at(kGeometryArray) == ':');
  CHECK(types.extra_array_elements.count(kInt4Array) == 0);  // built in, known statically
  // An array of a domain is encoded by the domain's base type (load_query resolves it).
  CHECK(encode("{358899051234567,NULL}", kImeiArray, types) == json{"358899051234567", nullptr});
}

TEST_CASE("display names") {
  TypeCatalog types = postgis_catalog();
  CHECK(types.display_name(kInt4) == "int4");
  CHECK(types.display_name(kInt4Array) == "int4[]");
  CHECK(types.display_name(kGeometry) == "geometry");
  CHECK(types.display_name(kGeometryArray) == "geometry[]");
  CHECK(types.display_name(kImeiArray) == "imei[]");
  CHECK(types.display_name(424242) == "oid:424242");
  // Built-ins are named before any catalog is loaded.
  CHECK(kNoCatalog.display_name(kTimestamptz) == "timestamptz");
  CHECK(kNoCatalog.display_name(kTextArray) == "text[]");
  CHECK(kNoCatalog.display_name(kJsonbArray) == "jsonb[]");
  CHECK(kNoCatalog.display_name(kGeometry) == "oid:16390");
}
