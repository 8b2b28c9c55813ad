// The value encoder against a real PostgreSQL + PostGIS: one SELECT yields
// every type the encoder knows, and each cell's JSON is checked.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "db/value_encoder.h"

using fleetmcp::db::EncodedCell;
using fleetmcp::db::EncodeLimits;
using fleetmcp::db::encode_value;
using fleetmcp::db::TypeCatalog;
using nlohmann::json;

namespace {

TypeCatalog load_catalog(pqxx::transaction_base& tx) {
  TypeCatalog types;
  for (const pqxx::row& row : tx.exec(TypeCatalog::load_query()))
    types.add_row(row[0].as<unsigned>(), row[1].view(), row[2].as<unsigned>(), row[3].view().front());
  return types;
}

// The settings fleetmcp's session gives every connection (connection_options.h),
// plus a fixed time zone so timestamptz output is known.
void use_session_settings(pqxx::transaction_base& tx) {
  tx.exec("SET DateStyle = ISO");
  tx.exec("SET IntervalStyle = iso_8601");
  tx.exec("SET TimeZone = 'Africa/Nairobi'");
}

json crs(int srid) { return {{"type", "name"}, {"properties", {{"name", "EPSG:" + std::to_string(srid)}}}}; }

struct Expected {
  const char* sql;           // a select-list expression
  const char* display_type;  // TypeCatalog::display_name of its column
  json value;                // its encoded cell
};

const std::vector<std::pair<std::string, Expected>>& every_type() {
  static const std::vector<std::pair<std::string, Expected>> cases = {
      {"i2", {"32767::int2", "int2", 32767}},
      {"i4", {"(-2147483648)::int4", "int4", -2147483648LL}},
      {"i8_safe", {"9007199254740991::int8", "int8", 9007199254740991LL}},
      {"i8_big", {"9007199254740993::int8", "int8", "9007199254740993"}},
      {"i8_big_negative", {"(-9007199254740992)::int8", "int8", "-9007199254740992"}},
      {"an_oid", {"4294967295::oid", "oid", 4294967295LL}},
      {"num", {"12345678901234567890.123456789::numeric", "numeric", "12345678901234567890.123456789"}},
      {"num_nan", {"'NaN'::numeric", "numeric", "NaN"}},
      {"f4", {"1.1::float4", "float4", 1.1}},
      {"f8", {"0.1::float8", "float8", 0.1}},
      {"f8_nan", {"'NaN'::float8", "float8", "NaN"}},
      {"f8_inf", {"'-Infinity'::float8", "float8", "-Infinity"}},
      {"f8_negative_zero", {"'-0'::float8", "float8", -0.0}},
      {"yes", {"true", "bool", true}},
      {"a_json", {R"('{"a":[1,2]}'::json)", "json", {{"a", {1, 2}}}}},
      {"a_jsonb", {R"('{"b": {"c": null}}'::jsonb)", "jsonb", {{"b", {{"c", nullptr}}}}}},
      {"a_text", {"'Nairobi → Mombasa'::text", "text", "Nairobi → Mombasa"}},
      {"a_varchar", {"'x'::varchar(5)", "varchar", "x"}},
      {"a_bpchar", {"'ab'::char(4)", "bpchar", "ab  "}},
      {"a_name", {"'pg'::name", "name", "pg"}},
      {"a_date", {"'2024-05-01'::date", "date", "2024-05-01"}},
      {"a_time", {"'10:00:00.5'::time", "time", "10:00:00.5"}},
      {"a_timetz", {"'10:00:00+03'::timetz", "timetz", "10:00:00+03:00"}},
      {"a_timestamp", {"'2024-05-01 10:00:00'::timestamp", "timestamp", "2024-05-01T10:00:00"}},
      {"a_timestamptz", {"'2024-05-01 07:00:00.25+00'::timestamptz", "timestamptz", "2024-05-01T10:00:00.25+03:00"}},
      {"ts_infinity", {"'infinity'::timestamptz", "timestamptz", "infinity"}},
      {"date_bc", {"'0044-03-15 BC'::date", "date", "0044-03-15 BC"}},
      {"an_interval", {"'1 day 2 hours'::interval", "interval", "P1DT2H"}},
      {"a_uuid", {"'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", "uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}},
      {"a_bytea", {R"('\x00ff10'::bytea)", "bytea", "AP8Q"}},
      {"int4_2d", {"ARRAY[[1,NULL],[3,4]]::int4[]", "int4[]", {{1, nullptr}, {3, 4}}}},
      {"text_array",
       {R"(ARRAY['a,b', NULL, 'say "hi"', 'back\slash', '{x}', '', 'NULL']::text[])", "text[]",
        json::array({"a,b", nullptr, "say \"hi\"", "back\\slash", "{x}", "", "NULL"})}},
      {"int8_array", {"ARRAY[1, 9007199254740993]::int8[]", "int8[]", {1, "9007199254740993"}}},
      {"float8_array", {"ARRAY[1.5, 'NaN']::float8[]", "float8[]", {1.5, "NaN"}}},
      {"bool_array", {"ARRAY[true, false, NULL]", "bool[]", {true, false, nullptr}}},
      {"numeric_array", {"ARRAY[1.10]::numeric[]", "numeric[]", {"1.10"}}},
      {"timestamptz_array",
       {"ARRAY['2024-05-01 10:00:00+03'::timestamptz, NULL]", "timestamptz[]", {"2024-05-01T10:00:00+03:00", nullptr}}},
      {"jsonb_array", {R"(ARRAY['{"a":1}'::jsonb, '[1,"x"]'])", "jsonb[]", {{{"a", 1}}, {1, "x"}}}},
      {"uuid_array",
       {"ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid]", "uuid[]", {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}}},
      {"varchar_array", {"ARRAY['x', 'y z']::varchar[]", "varchar[]", {"x", "y z"}}},
      {"date_array", {"ARRAY['2024-05-01'::date]", "date[]", {"2024-05-01"}}},
      {"bytea_array", {R"(ARRAY['\x01'::bytea])", "bytea[]", {"AQ=="}}},
      {"lower_bound_0", {"'[0:1]={7,8}'::int4[]", "int4[]", {7, 8}}},
      {"empty_array", {"'{}'::int4[]", "int4[]", json::array()}},
      {"g_wgs84",
       {"'SRID=4326;POINT(36.8219 -1.2921)'::geometry", "geometry",
        {{"type", "Point"}, {"coordinates", {36.8219, -1.2921}}}}},
      {"g_utm",
       {"'SRID=32737;POLYGON((0 0,10 0,10 10,0 10,0 0))'::geometry", "geometry",
        {{"type", "Polygon"},
         {"coordinates", {{{0.0, 0.0}, {10.0, 0.0}, {10.0, 10.0}, {0.0, 10.0}, {0.0, 0.0}}}},
         {"crs", crs(32737)}}}},
      {"g_3d", {"'POINT Z (1 2 3)'::geometry", "geometry", {{"type", "Point"}, {"coordinates", {1.0, 2.0, 3.0}}}}},
      {"g_multipolygon",
       {"'SRID=4326;MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))'::geometry", "geometry",
        {{"type", "MultiPolygon"},
         {"coordinates",
          {{{{0.0, 0.0}, {1.0, 0.0}, {1.0, 1.0}, {0.0, 0.0}}}, {{{5.0, 5.0}, {6.0, 5.0}, {6.0, 6.0}, {5.0, 5.0}}}}}}}},
      {"g_collection",
       {"'GEOMETRYCOLLECTION(POINT(1 2),LINESTRING(0 0,1 1))'::geometry", "geometry",
        {{"type", "GeometryCollection"},
         {"geometries",
          {{{"type", "Point"}, {"coordinates", {1.0, 2.0}}},
           {{"type", "LineString"}, {"coordinates", {{0.0, 0.0}, {1.0, 1.0}}}}}}}}},
      {"g_empty", {"'POINT EMPTY'::geometry", "geometry", {{"type", "Point"}, {"coordinates", json::array()}}}},
      {"a_geography",
       {"'POINT(36.8 -1.29)'::geography", "geography", {{"type", "Point"}, {"coordinates", {36.8, -1.29}}}}},
      {"geometry_array",
       {"ARRAY['SRID=32737;POINT(1 2)'::geometry, NULL]", "geometry[]",
        json::array({{{"type", "Point"}, {"coordinates", {1.0, 2.0}}, {"crs", crs(32737)}}, nullptr})}},
      {"geography_array",
       {"ARRAY['POINT(1 2)'::geography]", "geography[]",
        json::array({{{"type", "Point"}, {"coordinates", {1.0, 2.0}}}})}},
      {"a_point", {"point(1, 2)", "point", "(1,2)"}},
      {"a_box", {"box(point(0, 0), point(1, 1))", "box", "(1,1),(0,0)"}},
  };
  return cases;
}

std::string select_every_type() {
  std::string sql = "SELECT ";
  for (const auto& [column, expected] : every_type()) {
    if (sql.size() > 7) sql += ",\n       ";
    sql += std::string{expected.sql} + " AS " + column;
  }
  return sql;
}

}  // namespace

TEST_CASE("every type of a real result encodes as the design says") {
  const char* url = std::getenv("DATABASE_URL");
  if (url == nullptr) {
    MESSAGE("DATABASE_URL is not set; skipping the PostgreSQL value encoder test");
    return;
  }
  pqxx::connection connection{url};
  pqxx::nontransaction tx{connection};
  use_session_settings(tx);
  TypeCatalog types = load_catalog(tx);
  REQUIRE_MESSAGE(types.geometry_oid.has_value(), "the test database needs PostGIS");
  REQUIRE(types.geography_oid.has_value());
  REQUIRE(types.geometry_array_oid.has_value());

  pqxx::result result = tx.exec(select_every_type());
  REQUIRE(result.size() == 1);
  const pqxx::row row = result[0];
  const EncodeLimits limits;
  for (const auto& [column, expected] : every_type()) {
    INFO("column ", column, " = ", expected.sql);
    const pqxx::field field = row[column];
    CHECK(types.display_name(field.type()) == expected.display_type);
    EncodedCell cell = encode_value(field.view(), field.type(), types, limits);
    CHECK_FALSE(cell.cut);
    CHECK(cell.value == expected.value);
    CHECK_NOTHROW((void)cell.value.dump());
  }
  CHECK(std::signbit(encode_value(row["f8_negative_zero"].view(), row["f8_negative_zero"].type(), types, limits)
                         .value.get<double>()));
}

TEST_CASE("long cells from a real result are cut: text on a character boundary, bytea before base64") {
  const char* url = std::getenv("DATABASE_URL");
  if (url == nullptr) {
    MESSAGE("DATABASE_URL is not set; skipping the PostgreSQL value encoder test");
    return;
  }
  pqxx::connection connection{url};
  pqxx::nontransaction tx{connection};
  TypeCatalog types = load_catalog(tx);
  // 'é' is two bytes: 40000 of them are 80000 bytes, and a 65535-byte cap falls mid-character.
  pqxx::row row = tx.exec("SELECT repeat('é', 40000) AS long_text, "
                          "convert_to(repeat('x', 100000), 'UTF8') AS long_bytea, "
                          "array_fill(7, ARRAY[40000]) AS long_array")
                      .one_row();
  const EncodeLimits limits{65535};

  EncodedCell text = encode_value(row["long_text"].view(), row["long_text"].type(), types, limits);
  CHECK(text.cut);
  std::string expected_text;
  for (int i = 0; i < 32767; ++i) expected_text += "é";
  expected_text += "…[cut: 14466 bytes]";
  CHECK(text.value == expected_text);

  EncodedCell bytea = encode_value(row["long_bytea"].view(), row["long_bytea"].type(), types, limits);
  CHECK(bytea.cut);
  CHECK(bytea.value.get<std::string>().size() == (65535 + 2) / 3 * 4);

  EncodedCell array = encode_value(row["long_array"].view(), row["long_array"].type(), types, limits);
  CHECK(array.cut);
  CHECK(array.value.get<std::string>().starts_with("{7,7,7,"));
}
