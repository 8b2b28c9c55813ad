// Hex EWKB → GeoJSON. Fixtures are real PostGIS 3.3 output (psql -At), with
// the SQL that produced each one beside it.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "db/geojson.h"

using fleetmcp::db::geojson::from_hex_ewkb;
using nlohmann::json;

namespace {

json crs(int srid) {
  return {{"type", "name"}, {"properties", {{"name", "EPSG:" + std::to_string(srid)}}}};
}

}  // namespace

TEST_CASE("points: WGS 84 has no crs, other SRIDs keep theirs") {
  // SELECT 'SRID=4326;POINT(36.8219 -1.2921)'::geometry;
  CHECK(from_hex_ewkb("0101000020E61000008C4AEA0434694240EA95B20C71ACF4BF") ==
        json{{"type", "Point"}, {"coordinates", {36.8219, -1.2921}}});
  // SELECT 'SRID=32737;POINT(1 2)'::geometry;
  CHECK(from_hex_ewkb("0101000020E17F0000000000000000F03F0000000000000040") ==
        json{{"type", "Point"}, {"coordinates", {1.0, 2.0}}, {"crs", crs(32737)}});
  // SELECT 'POINT(1 2)'::geometry;   (no SRID at all)
  CHECK(from_hex_ewkb("0101000000000000000000F03F0000000000000040") ==
        json{{"type", "Point"}, {"coordinates", {1.0, 2.0}}});
  // SELECT 'POINT(36.8219 -1.2921)'::geography;   (geography defaults to 4326)
  CHECK(from_hex_ewkb("0101000020E61000008C4AEA0434694240EA95B20C71ACF4BF")["coordinates"] ==
        json{36.8219, -1.2921});
  // lower-case hex, as some clients print it
  CHECK(from_hex_ewkb("0101000000000000000000f03f0000000000000040")["coordinates"] == json{1.0, 2.0});
}

TEST_CASE("big-endian (XDR) EWKB reads the same") {
  // SELECT upper(encode(ST_AsEWKB('SRID=32737;POINT(1 2)'::geometry, 'XDR'), 'hex'));
  CHECK(from_hex_ewkb("002000000100007FE13FF00000000000004000000000000000") ==
        json{{"type", "Point"}, {"coordinates", {1.0, 2.0}}, {"crs", crs(32737)}});
}

TEST_CASE("Z is kept as the third coordinate, M is dropped") {
  // SELECT 'SRID=4326;POINT Z (36.8 -1.29 1650.5)'::geometry;
  CHECK(from_hex_ewkb("01010000A0E61000006666666666664240A4703D0AD7A3F4BF0000000000CA9940") ==
        json{{"type", "Point"}, {"coordinates", {36.8, -1.29, 1650.5}}});
  // SELECT 'POINT M (1 2 3)'::geometry;
  CHECK(from_hex_ewkb("0101000040000000000000F03F00000000000000400000000000000840")["coordinates"] ==
        json{1.0, 2.0});
  // SELECT 'POINT ZM (1 2 3 4)'::geometry;
  CHECK(from_hex_ewkb("01010000C0000000000000F03F000000000000004000000000000008400000000000001040")["coordinates"] ==
        json{1.0, 2.0, 3.0});
}

TEST_CASE("ISO WKB dimension codes are understood too") {
  // POINT Z (1 2 3) in ISO WKB: type 1001, little-endian.
  CHECK(from_hex_ewkb("01E9030000000000000000F03F00000000000000400000000000000840")["coordinates"] ==
        json{1.0, 2.0, 3.0});
}

TEST_CASE("linestrings and polygons with holes") {
  // SELECT 'SRID=4326;LINESTRING(36.8 -1.29,36.9 -1.3,37 -1.31)'::geometry;
  CHECK(from_hex_ewkb("0102000020E6100000030000006666666666664240A4703D0AD7A3F4BF3333333333734240CDCCCCCCCCCCF4BF0000"
                      "000000804240F6285C8FC2F5F4BF") ==
        json{{"type", "LineString"}, {"coordinates", {{36.8, -1.29}, {36.9, -1.3}, {37.0, -1.31}}}});
  // SELECT 'SRID=32737;POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,2 3,3 3,2 2))'::geometry;
  // (ST_AsGeoJSON gives the same coordinates and crs)
  CHECK(from_hex_ewkb(
            "0103000020E17F00000200000005000000000000000000000000000000000000000000000000002440000000000000000000"
            "0000000000244000000000000024400000000000000000000000000000244000000000000000000000000000000000040000"
            "0000000000000000400000000000000040000000000000004000000000000008400000000000000840000000000000084000"
            "000000000000400000000000000040") ==
        json{{"type", "Polygon"},
             {"coordinates",
              {{{0.0, 0.0}, {10.0, 0.0}, {10.0, 10.0}, {0.0, 10.0}, {0.0, 0.0}},
               {{2.0, 2.0}, {2.0, 3.0}, {3.0, 3.0}, {2.0, 2.0}}}},
             {"crs", crs(32737)}});
}

TEST_CASE("multi geometries") {
  // SELECT 'SRID=4326;MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5),(5.2 5.1,5.8 5.1,5.8 5.7,5.2 5.1)))'::geometry;
  CHECK(from_hex_ewkb(
            "0106000020E610000002000000010300000001000000040000000000000000000000000000000000000000000000000"
            "0F03F0000000000000000000000000000F03F000000000000F03F0000000000000000000000000000000001030000000200"
            "0000040000000000000000001440000000000000144000000000000018400000000000001440000000000000184000000000"
            "000018400000000000001440000000000000144004000000CDCCCCCCCCCC1440666666666666144033333333333317406666"
            "6666666614403333333333331740CDCCCCCCCCCC1640CDCCCCCCCCCC14406666666666661440") ==
        json{{"type", "MultiPolygon"},
             {"coordinates",
              {{{{0.0, 0.0}, {1.0, 0.0}, {1.0, 1.0}, {0.0, 0.0}}},
               {{{5.0, 5.0}, {6.0, 5.0}, {6.0, 6.0}, {5.0, 5.0}},
                {{5.2, 5.1}, {5.8, 5.1}, {5.8, 5.7}, {5.2, 5.1}}}}}});
  // SELECT 'SRID=4326;MULTIPOINT((1 2),(3 4))'::geometry;
  CHECK(from_hex_ewkb("0104000020E6100000020000000101000000000000000000F03F0000000000000040010100000000000000000008"
                      "400000000000001040") ==
        json{{"type", "MultiPoint"}, {"coordinates", {{1.0, 2.0}, {3.0, 4.0}}}});
  // SELECT 'MULTILINESTRING((0 0,1 1),(2 2,3 3,4 4))'::geometry;
  CHECK(from_hex_ewkb("010500000002000000010200000002000000000000000000000000000000000000000000000000"
                      "00F03F000000000000F03F01020000000300000000000000000000400000000000000040000000000000084000000000"
                      "0000084000000000000010400000000000001040") ==
        json{{"type", "MultiLineString"},
             {"coordinates", {{{0.0, 0.0}, {1.0, 1.0}}, {{2.0, 2.0}, {3.0, 3.0}, {4.0, 4.0}}}}});
}

TEST_CASE("geometry collections, nested ones included") {
  // SELECT 'SRID=4326;GEOMETRYCOLLECTION(POINT(1 2),LINESTRING(0 0,1 1),GEOMETRYCOLLECTION(POINT(3 4)))'::geometry;
  // (ST_AsGeoJSON refuses the nested collection; GeoJSON itself allows it)
  CHECK(from_hex_ewkb("0107000020E6100000030000000101000000000000000000F03F000000000000004001020000000200000000000000"
                      "000000000000000000000000000000000000F03F000000000000F03F0107000000010000000101000000000000000000"
                      "08400000000000001040") ==
        json{{"type", "GeometryCollection"},
             {"geometries",
              {{{"type", "Point"}, {"coordinates", {1.0, 2.0}}},
               {{"type", "LineString"}, {"coordinates", {{0.0, 0.0}, {1.0, 1.0}}}},
               {{"type", "GeometryCollection"},
                {"geometries", {{{"type", "Point"}, {"coordinates", {3.0, 4.0}}}}}}}}});
}

TEST_CASE("empty geometries have empty coordinates") {
  // SELECT 'POINT EMPTY'::geometry;   (PostGIS writes NaN coordinates)
  CHECK(from_hex_ewkb("0101000000000000000000F87F000000000000F87F") ==
        json{{"type", "Point"}, {"coordinates", json::array()}});
  // SELECT 'LINESTRING EMPTY'::geometry;  'POLYGON EMPTY'  'GEOMETRYCOLLECTION EMPTY'
  CHECK(from_hex_ewkb("010200000000000000") == json{{"type", "LineString"}, {"coordinates", json::array()}});
  CHECK(from_hex_ewkb("010300000000000000") == json{{"type", "Polygon"}, {"coordinates", json::array()}});
  CHECK(from_hex_ewkb("010700000000000000") == json{{"type", "GeometryCollection"}, {"geometries", json::array()}});
  // SELECT 'SRID=4326;MULTIPOLYGON EMPTY'::geometry;
  CHECK(from_hex_ewkb("0106000020E610000000000000") ==
        json{{"type", "MultiPolygon"}, {"coordinates", json::array()}});
}

TEST_CASE("negative zero survives as a coordinate") {
  // SELECT 'SRID=4326;POINT(-0 0)'::geometry;
  json point = from_hex_ewkb("0101000020E610000000000000000000800000000000000000");
  CHECK(std::signbit(point["coordinates"][0].get<double>()));
}

TEST_CASE("malformed input is refused with a reason, never over-read") {
  const std::string point = "0101000020E17F0000000000000000F03F0000000000000040";
  CHECK_THROWS_WITH_AS(from_hex_ewkb(""), doctest::Contains("truncated"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(from_hex_ewkb(point.substr(0, point.size() - 1)), doctest::Contains("odd number"),
                       std::invalid_argument);
  for (std::size_t cut = 2; cut < point.size(); cut += 2)
    CHECK_THROWS_WITH_AS(from_hex_ewkb(point.substr(0, cut)), doctest::Contains("truncated"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(from_hex_ewkb("0101000020E17F0000000000000000F03F00000000000000ZZ"),
                       doctest::Contains("not a hex digit at offset 48"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(from_hex_ewkb("02" + point.substr(2)), doctest::Contains("byte order"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(from_hex_ewkb(point + "00"), doctest::Contains("1 bytes after the end"),
                       std::invalid_argument);
}

TEST_CASE("types GeoJSON cannot express are refused by name") {
  // SELECT 'CIRCULARSTRING(0 0,1 1,2 0)'::geometry;
  CHECK_THROWS_WITH_AS(from_hex_ewkb("0108000000030000000000000000000000000000000000000000000000000000F03F000000000000F03"
                                     "F00000000000000400000000000000000"),
                       doctest::Contains("type code 8"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(from_hex_ewkb("01A00F0000"), doctest::Contains("unknown geometry type code 4000"),
                       std::invalid_argument);
}

TEST_CASE("absurd counts are checked against the bytes that are left") {
  // LINESTRING claiming 4294967295 points, with one point present.
  CHECK_THROWS_WITH_AS(from_hex_ewkb("0102000000FFFFFFFF000000000000F03F0000000000000040"),
                       doctest::Contains("4294967295 points cannot fit in the 16 bytes left"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(from_hex_ewkb("0103000000FFFFFF7F"), doctest::Contains("rings cannot fit"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(from_hex_ewkb("0107000000FFFFFF7F010200000000000000"), doctest::Contains("geometries cannot fit"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(from_hex_ewkb("0106000000FFFFFF7F"), doctest::Contains("members cannot fit"),
                       std::invalid_argument);
}

TEST_CASE("a Multi* must hold members of its own kind") {
  // MULTIPOINT whose only member is an empty LINESTRING.
  CHECK_THROWS_WITH_AS(from_hex_ewkb("010400000001000000010200000000000000"),
                       doctest::Contains("a MultiPoint holds a LineString"), std::invalid_argument);
}

TEST_CASE("deeply nested collections stop before the stack does") {
  std::string nested;
  for (int i = 0; i < 100; ++i) nested += "010700000001000000";
  nested += "010700000000000000";
  CHECK_THROWS_WITH_AS(from_hex_ewkb(nested), doctest::Contains("nested deeper"), std::invalid_argument);
}
