// Turns PostgreSQL result values (text format, as libpq returns them) into JSON
// that keeps their meaning: exact numbers, ISO 8601 times, arrays, GeoJSON.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "json_text.h"

namespace fleetmcp::db {

// Per-connection knowledge of types looked up by name (PostGIS) and of the
// element type of every array type that appears; built once at connect time.
struct TypeCatalog {
  std::optional<unsigned> geometry_oid, geography_oid, geometry_array_oid, geography_array_oid;
  // array type oid -> element type oid for non-builtin arrays (builtins are known statically)
  std::unordered_map<unsigned, unsigned> extra_array_elements;
  // array type oid -> element delimiter, for the non-builtin arrays whose delimiter is not ','
  // (PostGIS geometry[] and geography[] separate elements with ':')
  std::unordered_map<unsigned, char> extra_array_delimiters;
  // type oid -> type name for display in result columns (e.g. "int8", "geometry", "_text" shown as "text[]")
  std::unordered_map<unsigned, std::string> names;

  // One round trip. Each row: oid, typname, array element oid (0 unless a true
  // array; a domain element is replaced by its base type), array delimiter
  // (one character). Row types of tables are left out: a database with
  // thousands of partitions or TimescaleDB chunks would otherwise send
  // thousands of rows, and a query returning a whole-row value is rare.
  static std::string load_query();

  // Fill from one row of load_query(), e.g.
  //   add_row(row[0].as<unsigned>(), row[1].view(), row[2].as<unsigned>(), row[3].view().front());
  void add_row(unsigned oid, std::string_view name, unsigned array_element_oid, char array_delimiter);

  // "int4", "text[]", "geometry", or "oid:12345" if unknown. Builtins are
  // named even before the catalog is loaded.
  std::string display_name(unsigned oid) const;
};

struct EncodeLimits {
  std::size_t max_cell_bytes = 64 * 1024;  // longer text/bytea cells are cut
};

struct EncodedCell {
  nlohmann::json value;
  bool cut = false;
};

// Rules, by type: int2/int4/oid numbers; int8 a number within ±(2^53−1), else
// a string; numeric a string; float4/float8 numbers, NaN/±Infinity strings;
// bool; json/jsonb embedded (their text when unparsable); date, time, timetz,
// timestamp, timestamptz ISO 8601 ("2024-05-01T10:00:00+03:00"; infinity and
// BC dates as PostgreSQL writes them); bytea base64; PostGIS geometry and
// geography GeoJSON (their text when not expressible); arrays nested JSON
// arrays of encoded elements; anything else its text.
//
// A cell longer than max_cell_bytes is cut: bytea keeps its first
// max_cell_bytes bytes (still valid base64); any other type becomes its text
// cut on a UTF-8 boundary with "…[cut: N bytes]" appended, N being the bytes
// left out — a partial array, JSON document or geometry has no faithful form.
// Strings are always valid UTF-8 (invalid bytes become U+FFFD).
// NULL cells are the caller's business (json null).
EncodedCell encode_value(std::string_view text, unsigned type_oid, const TypeCatalog& types,
                         const EncodeLimits& limits);

// Appends the JSON text of encode_value(…).value, as dump() would write it,
// and returns whether the cell was cut. The common scalar types (numbers,
// bool, times, text) are written without building a json value: a result
// row is mostly those, and building then dumping a value per cell was most
// of the time spent on a large result.
bool append_encoded_value(JsonAppender& out, std::string_view text, unsigned type_oid, const TypeCatalog& types,
                          const EncodeLimits& limits);

}  // namespace fleetmcp::db
