// Turns the text output of PostGIS geometry/geography (hex EWKB) into GeoJSON,
// so analysts and models see coordinates rather than hex.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace fleetmcp::db::geojson {

// Points, LineStrings, Polygons, Multi* and GeometryCollections (nested too),
// little- or big-endian, EWKB or ISO dimension codes. Z is kept as the third
// coordinate, M is dropped; empty geometries have empty coordinates. A SRID
// other than 4326 is kept as "crs": {"type":"name","properties":{"name":"EPSG:<srid>"}}.
// Throws std::invalid_argument naming the problem for malformed input (bad hex,
// truncation, counts larger than the bytes left, trailing bytes) and for types
// GeoJSON cannot express (curves, surfaces, triangles).
nlohmann::json from_hex_ewkb(std::string_view hex);

}  // namespace fleetmcp::db::geojson
