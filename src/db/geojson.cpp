#include "db/geojson.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace fleetmcp::db::geojson {
namespace {

using nlohmann::json;

constexpr std::uint32_t kZFlag = 0x80000000;
constexpr std::uint32_t kMFlag = 0x40000000;
constexpr std::uint32_t kSridFlag = 0x20000000;
constexpr std::uint32_t kTypeMask = 0x0FFFFFFF;
constexpr std::uint32_t kWgs84 = 4326;
// Deeper collections only come from hostile input; stop before the stack does.
constexpr int kMaxNesting = 32;
// The smallest geometry that can follow a count: byte order, type, one uint32 count.
constexpr std::size_t kSmallestGeometryBytes = 9;

enum class Kind : std::uint32_t {
  point = 1,
  line_string,
  polygon,
  multi_point,
  multi_line_string,
  multi_polygon,
  geometry_collection,
};

[[noreturn]] void malformed(const std::string& why) { throw std::invalid_argument("malformed EWKB: " + why); }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Reads bytes straight out of the hex text: no decoded copy, and every read
// checks what is left first.
class HexReader {
 public:
  explicit HexReader(std::string_view hex) : hex_(hex) {
    if (hex_.size() % 2 != 0) malformed("odd number of hex digits (" + std::to_string(hex_.size()) + ")");
  }

  std::size_t bytes_left() const { return (hex_.size() - position_) / 2; }

  std::uint8_t byte() {
    require(1);
    int high = hex_value(hex_[position_]);
    int low = hex_value(hex_[position_ + 1]);
    if (high < 0 || low < 0)
      malformed("not a hex digit at offset " + std::to_string(high < 0 ? position_ : position_ + 1));
    position_ += 2;
    return static_cast<std::uint8_t>(high << 4 | low);
  }

  std::uint32_t uint32(bool little_endian) { return static_cast<std::uint32_t>(unsigned_bytes(4, little_endian)); }

  double float64(bool little_endian) { return std::bit_cast<double>(unsigned_bytes(8, little_endian)); }

  // A count of items that each take at least `bytes_each`, checked against
  // what is left so that a forged count can neither over-read nor over-allocate.
  std::uint32_t count(bool little_endian, std::size_t bytes_each, const char* what) {
    std::uint32_t n = uint32(little_endian);
    if (n > bytes_left() / bytes_each)
      malformed(std::to_string(n) + " " + what + " cannot fit in the " + std::to_string(bytes_left()) +
                " bytes left");
    return n;
  }

 private:
  void require(std::size_t bytes) {
    if (bytes_left() < bytes)
      malformed("truncated after " + std::to_string(position_ / 2) + " bytes (" + std::to_string(bytes) +
                " more needed)");
  }

  std::uint64_t unsigned_bytes(int width, bool little_endian) {
    require(static_cast<std::size_t>(width));
    std::uint64_t value = 0;
    for (int i = 0; i < width; ++i) {
      std::uint64_t b = byte();
      value |= little_endian ? b << (8 * i) : b << (8 * (width - 1 - i));
    }
    return value;
  }

  std::string_view hex_;
  std::size_t position_ = 0;
};

struct Header {
  Kind kind;
  bool little_endian;
  bool has_z;
  bool has_m;
  std::optional<std::uint32_t> srid;

  std::size_t dimensions() const { return 2 + has_z + has_m; }
  std::size_t point_bytes() const { return 8 * dimensions(); }
};

const char* type_name(Kind kind) {
  switch (kind) {
    case Kind::point: return "Point";
    case Kind::line_string: return "LineString";
    case Kind::polygon: return "Polygon";
    case Kind::multi_point: return "MultiPoint";
    case Kind::multi_line_string: return "MultiLineString";
    case Kind::multi_polygon: return "MultiPolygon";
    case Kind::geometry_collection: return "GeometryCollection";
  }
  return "";
}

Header read_header(HexReader& in) {
  std::uint8_t order = in.byte();
  if (order > 1) malformed("byte order must be 0 or 1, got " + std::to_string(order));
  Header header{};
  header.little_endian = order == 1;
  std::uint32_t type = in.uint32(header.little_endian);
  header.has_z = type & kZFlag;
  header.has_m = type & kMFlag;
  if (type & kSridFlag) header.srid = in.uint32(header.little_endian);
  // ISO WKB spells dimensions in the thousands: 1001 Point Z, 2001 Point M, 3001 Point ZM.
  std::uint32_t code = type & kTypeMask;
  std::uint32_t iso_dimensions = code / 1000;
  code %= 1000;
  if (iso_dimensions > 3) malformed("unknown geometry type code " + std::to_string(type & kTypeMask));
  header.has_z = header.has_z || iso_dimensions == 1 || iso_dimensions == 3;
  header.has_m = header.has_m || iso_dimensions == 2 || iso_dimensions == 3;
  if (code < 1 || code > 7)
    malformed("geometry type code " + std::to_string(code) +
              " is not one GeoJSON can express (Point … GeometryCollection; not curves, surfaces or triangles)");
  header.kind = static_cast<Kind>(code);
  return header;
}

json position(HexReader& in, const Header& header) {
  double x = in.float64(header.little_endian);
  double y = in.float64(header.little_endian);
  json::array_t coordinates{x, y};
  if (header.has_z) coordinates.push_back(in.float64(header.little_endian));
  if (header.has_m) in.float64(header.little_endian);  // GeoJSON has no place for M
  return coordinates;
}

json positions(HexReader& in, const Header& header) {
  std::uint32_t n = in.count(header.little_endian, header.point_bytes(), "points");
  json::array_t list;
  list.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) list.push_back(position(in, header));
  return list;
}

json rings(HexReader& in, const Header& header) {
  std::uint32_t n = in.count(header.little_endian, 4, "rings");
  json::array_t list;
  list.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) list.push_back(positions(in, header));
  return list;
}

// PostGIS writes POINT EMPTY as a point whose coordinates are NaN.
json point_coordinates(HexReader& in, const Header& header) {
  json coordinates = position(in, header);
  if (std::isnan(coordinates[0].get<double>()) && std::isnan(coordinates[1].get<double>())) return json::array();
  return coordinates;
}

json read_geometry(HexReader& in, int depth);

// The coordinates of each member of a Multi*, whose members must all be `member`.
json member_coordinates(HexReader& in, const Header& header, Kind member, json (*coordinates)(HexReader&, const Header&)) {
  std::uint32_t n = in.count(header.little_endian, kSmallestGeometryBytes, "members");
  json::array_t list;
  list.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    Header member_header = read_header(in);
    if (member_header.kind != member)
      malformed(std::string{"a "} + type_name(header.kind) + " holds a " + type_name(member_header.kind));
    list.push_back(coordinates(in, member_header));
  }
  return list;
}

json body(HexReader& in, const Header& header, int depth) {
  switch (header.kind) {
    case Kind::point: return point_coordinates(in, header);
    case Kind::line_string: return positions(in, header);
    case Kind::polygon: return rings(in, header);
    case Kind::multi_point: return member_coordinates(in, header, Kind::point, point_coordinates);
    case Kind::multi_line_string: return member_coordinates(in, header, Kind::line_string, positions);
    case Kind::multi_polygon: return member_coordinates(in, header, Kind::polygon, rings);
    case Kind::geometry_collection: {
      if (depth >= kMaxNesting) malformed("collections nested deeper than " + std::to_string(kMaxNesting));
      std::uint32_t n = in.count(header.little_endian, kSmallestGeometryBytes, "geometries");
      json::array_t geometries;
      geometries.reserve(n);
      for (std::uint32_t i = 0; i < n; ++i) geometries.push_back(read_geometry(in, depth + 1));
      return geometries;
    }
  }
  return nullptr;
}

json object_for(const Header& header, json body_value) {
  json object = json::object();
  object["type"] = type_name(header.kind);
  object[header.kind == Kind::geometry_collection ? "geometries" : "coordinates"] = std::move(body_value);
  return object;
}

json read_geometry(HexReader& in, int depth) {
  Header header = read_header(in);
  return object_for(header, body(in, header, depth));
}

}  // namespace

json from_hex_ewkb(std::string_view hex) {
  HexReader in{hex};
  Header header = read_header(in);
  json geometry = object_for(header, body(in, header, 0));
  if (in.bytes_left() > 0) malformed(std::to_string(in.bytes_left()) + " bytes after the end of the geometry");
  if (header.srid && *header.srid != 0 && *header.srid != kWgs84)
    geometry["crs"] = {{"type", "name"}, {"properties", {{"name", "EPSG:" + std::to_string(*header.srid)}}}};
  return geometry;
}

}  // namespace fleetmcp::db::geojson
