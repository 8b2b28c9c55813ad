#include "db/value_encoder.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "db/geojson.h"
#include "json_text.h"
#include "text/base64.h"

namespace fleetmcp::db {
namespace {

using nlohmann::json;

// Built-in type OIDs are fixed by PostgreSQL (pg_type.dat).
enum BuiltinOid : unsigned {
  kBool = 16, kBytea = 17, kChar = 18, kName = 19, kInt8 = 20, kInt2 = 21, kInt4 = 23, kText = 25, kOid = 26,
  kJson = 114, kFloat4 = 700, kFloat8 = 701, kBpchar = 1042, kVarchar = 1043, kDate = 1082, kTime = 1083,
  kTimestamp = 1114, kTimestamptz = 1184, kInterval = 1186, kTimetz = 1266, kNumeric = 1700, kUuid = 2950,
  kJsonb = 3802,
};

struct BuiltinType {
  unsigned oid;
  const char* name;
  unsigned array_oid;  // 0 when it has none
  char delimiter;
};

// Enough of pg_type for display names and array elements when the catalog has
// not been loaded; the catalog query covers everything else.
constexpr std::array kBuiltinTypes = {
    BuiltinType{16, "bool", 1000, ','},       BuiltinType{17, "bytea", 1001, ','},
    BuiltinType{18, "char", 1002, ','},       BuiltinType{19, "name", 1003, ','},
    BuiltinType{20, "int8", 1016, ','},       BuiltinType{21, "int2", 1005, ','},
    BuiltinType{22, "int2vector", 1006, ','}, BuiltinType{23, "int4", 1007, ','},
    BuiltinType{24, "regproc", 1008, ','},    BuiltinType{25, "text", 1009, ','},
    BuiltinType{26, "oid", 1028, ','},        BuiltinType{27, "tid", 1010, ','},
    BuiltinType{28, "xid", 1011, ','},        BuiltinType{29, "cid", 1012, ','},
    BuiltinType{30, "oidvector", 1013, ','},  BuiltinType{114, "json", 199, ','},
    BuiltinType{142, "xml", 143, ','},        BuiltinType{600, "point", 1017, ','},
    BuiltinType{601, "lseg", 1018, ','},      BuiltinType{602, "path", 1019, ','},
    BuiltinType{603, "box", 1020, ';'},       BuiltinType{604, "polygon", 1027, ','},
    BuiltinType{628, "line", 629, ','},       BuiltinType{650, "cidr", 651, ','},
    BuiltinType{700, "float4", 1021, ','},    BuiltinType{701, "float8", 1022, ','},
    BuiltinType{705, "unknown", 0, ','},      BuiltinType{718, "circle", 719, ','},
    BuiltinType{774, "macaddr8", 775, ','},   BuiltinType{790, "money", 791, ','},
    BuiltinType{829, "macaddr", 1040, ','},   BuiltinType{869, "inet", 1041, ','},
    BuiltinType{1042, "bpchar", 1014, ','},   BuiltinType{1043, "varchar", 1015, ','},
    BuiltinType{1082, "date", 1182, ','},     BuiltinType{1083, "time", 1183, ','},
    BuiltinType{1114, "timestamp", 1115, ','}, BuiltinType{1184, "timestamptz", 1185, ','},
    BuiltinType{1186, "interval", 1187, ','}, BuiltinType{1266, "timetz", 1270, ','},
    BuiltinType{1560, "bit", 1561, ','},      BuiltinType{1562, "varbit", 1563, ','},
    BuiltinType{1700, "numeric", 1231, ','},  BuiltinType{1790, "refcursor", 2201, ','},
    BuiltinType{2205, "regclass", 2210, ','}, BuiltinType{2206, "regtype", 2211, ','},
    BuiltinType{2249, "record", 2287, ','},   BuiltinType{2275, "cstring", 1263, ','},
    BuiltinType{2278, "void", 0, ','},        BuiltinType{2950, "uuid", 2951, ','},
    BuiltinType{3220, "pg_lsn", 3221, ','},   BuiltinType{3614, "tsvector", 3643, ','},
    BuiltinType{3615, "tsquery", 3645, ','},  BuiltinType{3802, "jsonb", 3807, ','},
    BuiltinType{3904, "int4range", 3905, ','}, BuiltinType{3906, "numrange", 3907, ','},
    BuiltinType{3908, "tsrange", 3909, ','},  BuiltinType{3910, "tstzrange", 3911, ','},
    BuiltinType{3912, "daterange", 3913, ','}, BuiltinType{3926, "int8range", 3927, ','},
    BuiltinType{4072, "jsonpath", 4073, ','}, BuiltinType{4089, "regnamespace", 4090, ','},
    BuiltinType{4096, "regrole", 4097, ','},  BuiltinType{5069, "xid8", 271, ','},
};

const BuiltinType* builtin_by_oid(unsigned oid) {
  for (const BuiltinType& type : kBuiltinTypes)
    if (type.oid == oid) return &type;
  return nullptr;
}

const BuiltinType* builtin_by_array_oid(unsigned oid) {
  for (const BuiltinType& type : kBuiltinTypes)
    if (type.array_oid == oid) return &type;
  return nullptr;
}

struct ArrayType {
  unsigned element_oid;
  char delimiter;
};

// PostGIS declares its types with ':' as the array delimiter.
constexpr char kPostgisDelimiter = ':';

std::optional<ArrayType> array_type(unsigned oid, const TypeCatalog& types) {
  if (const BuiltinType* element = builtin_by_array_oid(oid)) return ArrayType{element->oid, element->delimiter};
  if (types.geometry_array_oid == oid && types.geometry_oid) return ArrayType{*types.geometry_oid, kPostgisDelimiter};
  if (types.geography_array_oid == oid && types.geography_oid)
    return ArrayType{*types.geography_oid, kPostgisDelimiter};
  auto element = types.extra_array_elements.find(oid);
  if (element == types.extra_array_elements.end()) return std::nullopt;
  auto delimiter = types.extra_array_delimiters.find(oid);
  return ArrayType{element->second, delimiter == types.extra_array_delimiters.end() ? ',' : delimiter->second};
}

// ---- UTF-8 ---------------------------------------------------------------

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

// Appends at most `budget` bytes of `text` as valid UTF-8, never splitting a
// character, each invalid byte replaced by U+FFFD. Returns the bytes of `text` used.
std::size_t append_valid_utf8(std::string& out, std::string_view text, std::size_t budget) {
  std::size_t i = 0;
  std::size_t written = 0;
  while (i < text.size()) {
    std::size_t length = utf8_sequence_length(text, i);
    std::string_view piece = length > 0 ? text.substr(i, length) : kReplacementCharacter;
    if (written + piece.size() > budget) break;
    out += piece;
    written += piece.size();
    i += length > 0 ? length : 1;
  }
  return i;
}

json string_value(std::string_view text) {
  if (is_valid_utf8(text)) return json(std::string{text});
  std::string valid;
  valid.reserve(text.size() + 8);
  append_valid_utf8(valid, text, std::string::npos);
  return json(std::move(valid));
}

EncodedCell cut_text(std::string_view text, std::size_t max_bytes) {
  std::string kept;
  kept.reserve(max_bytes + 32);
  std::size_t used = append_valid_utf8(kept, text, max_bytes);
  kept += "…[cut: ";
  kept += std::to_string(text.size() - used);
  kept += " bytes]";
  return {json(std::move(kept)), true};
}

EncodedCell text_cell(std::string_view text, std::size_t max_bytes) {
  if (text.size() > max_bytes) return cut_text(text, max_bytes);
  return {string_value(text), false};
}

// ---- numbers ---------------------------------------------------------------

// Largest integer a JSON reader with IEEE doubles (JavaScript) holds exactly.
constexpr std::int64_t kMaxSafeInteger = (std::int64_t{1} << 53) - 1;

template <typename Number>
std::optional<Number> parse_number(std::string_view text) {
  Number value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The number a cell of these types becomes, or nullopt when it stays a
// string: int8 beyond ±(2^53−1), NaN and ±Infinity (no JSON number for them).
std::optional<std::int64_t> safe_int8(std::string_view text) {
  auto value = parse_number<std::int64_t>(text);
  if (value && *value >= -kMaxSafeInteger && *value <= kMaxSafeInteger) return value;
  return std::nullopt;
}

std::optional<double> finite_float(std::string_view text) {
  auto value = parse_number<double>(text);
  if (value && std::isfinite(*value)) return value;
  return std::nullopt;
}

std::optional<bool> bool_of(std::string_view text) {
  if (text == "t") return true;
  if (text == "f") return false;
  return std::nullopt;
}

json integer_value(std::string_view text) {
  auto value = parse_number<std::int64_t>(text);
  return value ? json(*value) : string_value(text);
}

json int8_value(std::string_view text) {
  auto value = safe_int8(text);
  return value ? json(*value) : string_value(text);
}

json float_value(std::string_view text) {
  auto value = finite_float(text);
  return value ? json(*value) : string_value(text);
}

json bool_value(std::string_view text) {
  auto value = bool_of(text);
  return value ? json(*value) : string_value(text);
}

// ---- json / jsonb -----------------------------------------------------------

// nlohmann::json writes nested values recursively; past this depth a hostile
// document could exhaust the stack, so such a value stays text.
constexpr int kMaxJsonDepth = 256;

bool json_nesting_within_limit(std::string_view text) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

json embedded_json(std::string_view text) {
  if (!json_nesting_within_limit(text)) return string_value(text);
  json parsed = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return string_value(text);
  return parsed;
}

// ---- dates and times --------------------------------------------------------

// DateStyle ISO writes "2024-05-01 10:00:00.5+03"; ISO 8601 wants a 'T' and a
// full offset: "2024-05-01T10:00:00.5+03:00". Offsets with seconds (historic
// local mean time) have no ISO form and stay as written; so do infinities and
// BC dates, which ISO 8601 cannot express without a sign convention readers disagree on.
struct IsoEdit {
  std::size_t t_at;      // the ' ' between date and time that becomes 'T' (npos: none)
  bool complete_offset;  // "+03" needs ":00"
};

std::optional<IsoEdit> iso_8601_edit(std::string_view text) {
  bool is_bc = text.size() > 3 && text.substr(text.size() - 3) == " BC";
  if (text.empty() || !(text.front() >= '0' && text.front() <= '9') || is_bc) return std::nullopt;
  IsoEdit edit{text.find(' '), false};
  std::size_t first_colon = text.find(':');
  if (first_colon != std::string_view::npos) {
    std::size_t sign = text.find_first_of("+-", first_colon);
    edit.complete_offset = sign != std::string_view::npos && text.size() - sign == 3;
  }
  return edit;
}

void apply_iso_edit(std::string& out, std::string_view text, IsoEdit edit) {
  std::size_t start = out.size();
  out.append(text);
  if (edit.t_at != std::string_view::npos) out[start + edit.t_at] = 'T';
  if (edit.complete_offset) out += ":00";
}

json iso_8601(std::string_view text) {
  auto edit = iso_8601_edit(text);
  if (!edit) return string_value(text);
  std::string iso;
  iso.reserve(text.size() + 3);
  apply_iso_edit(iso, text, *edit);
  return json(std::move(iso));
}

// ---- bytea -----------------------------------------------------------------

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// bytea's hex output "\x48656c6c6f" → base64 of at most max_bytes bytes.
EncodedCell bytea_value(std::string_view text, std::size_t max_bytes) {
  // Escape format (bytea_output=escape) or anything unexpected keeps its text.
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0)
    return text_cell(text, max_bytes);
  std::string_view hex = text.substr(2);
  std::size_t total = hex.size() / 2;
  std::size_t kept = std::min(total, max_bytes);
  std::string bytes(kept, '\0');
  for (std::size_t i = 0; i < kept; ++i) {
    int high = hex_value(hex[2 * i]);
    int low = hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return text_cell(text, max_bytes);
    bytes[i] = static_cast<char>(high << 4 | low);
  }
  return {json(text::base64(bytes)), kept < total};
}

// ---- arrays ----------------------------------------------------------------

json encode_scalar(std::string_view text, unsigned oid, const TypeCatalog& types);

struct MalformedArray {};

// Reads PostgreSQL's array output — "{1,NULL}", "{{\"a,b\",\"c\\\"d\"},{x,y}}",
// "[0:1]={1,2}" — into nested JSON arrays of encoded elements.
class ArrayTextParser {
 public:
  ArrayTextParser(std::string_view text, ArrayType type, const TypeCatalog& types)
      : text_(text), type_(type), types_(types) {}

  json parse() {
    if (peek() == '[') skip_dimension_decoration();
    json value = level(0);
    skip_spaces();
    if (position_ != text_.size()) throw MalformedArray{};
    return value;
  }

 private:
  // PostgreSQL's own limit is 6 dimensions; anything deeper is not its output.
  static constexpr int kMaxDimensions = 6;

  char peek() const { return position_ < text_.size() ? text_[position_] : '\0'; }

  void expect(char c) {
    if (peek() != c) throw MalformedArray{};
    ++position_;
  }

  void skip_spaces() {
    while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\t' ||
                                        text_[position_] == '\n' || text_[position_] == '\r'))
      ++position_;
  }

  // Lower bounds other than 1 are written "[0:1]={…}"; JSON arrays start at 0 anyway.
  void skip_dimension_decoration() {
    std::size_t equals = text_.find('=', position_);
    if (equals == std::string_view::npos) throw MalformedArray{};
    position_ = equals + 1;
  }

  json level(int depth) {
    if (depth >= kMaxDimensions) throw MalformedArray{};
    expect('{');
    json::array_t items;
    skip_spaces();
    if (peek() == '}') {
      ++position_;
      return items;
    }
    while (true) {
      skip_spaces();
      if (peek() == '{') items.push_back(level(depth + 1));
      else if (peek() == '"') items.push_back(quoted_element());
      else items.push_back(unquoted_element());
      skip_spaces();
      if (peek() == '}') {
        ++position_;
        return items;
      }
      expect(type_.delimiter);
    }
  }

  json quoted_element() {
    ++position_;
    element_.clear();
    while (true) {
      if (position_ >= text_.size()) throw MalformedArray{};
      char c = text_[position_++];
      if (c == '"') break;
      if (c == '\\') {
        if (position_ >= text_.size()) throw MalformedArray{};
        c = text_[position_++];
      }
      element_ += c;
    }
    return encode_scalar(element_, type_.element_oid, types_);
  }

  json unquoted_element() {
    std::size_t start = position_;
    while (position_ < text_.size() && text_[position_] != type_.delimiter && text_[position_] != '}' &&
           text_[position_] != '{' && text_[position_] != '"' && text_[position_] != '\\')
      ++position_;
    std::string_view element = text_.substr(start, position_ - start);
    while (!element.empty() && (element.back() == ' ' || element.back() == '\t')) element.remove_suffix(1);
    if (element.empty()) throw MalformedArray{};
    if (element.size() == 4 && (element[0] | 0x20) == 'n' && (element[1] | 0x20) == 'u' &&
        (element[2] | 0x20) == 'l' && (element[3] | 0x20) == 'l')
      return nullptr;
    return encode_scalar(element, type_.element_oid, types_);
  }

  std::string_view text_;
  ArrayType type_;
  const TypeCatalog& types_;
  std::size_t position_ = 0;
  std::string element_;
};

json array_value(std::string_view text, ArrayType type, const TypeCatalog& types) {
  try {
    return ArrayTextParser{text, type, types}.parse();
  } catch (const MalformedArray&) {
    return string_value(text);  // e.g. int2vector-like output; never lose the value
  }
}

// ---- dispatch --------------------------------------------------------------

json geometry_value(std::string_view text) {
  try {
    return geojson::from_hex_ewkb(text);
  } catch (const std::invalid_argument&) {
    return string_value(text);
  }
}

bool is_postgis_scalar(unsigned oid, const TypeCatalog& types) {
  return (types.geometry_oid && oid == *types.geometry_oid) || (types.geography_oid && oid == *types.geography_oid);
}

// Within the cell cap: every type but arrays, which recurse into this for their elements.
json encode_scalar(std::string_view text, unsigned oid, const TypeCatalog& types) {
  switch (oid) {
    case kInt2:
    case kInt4:
    case kOid: return integer_value(text);
    case kInt8: return int8_value(text);
    case kFloat4:
    case kFloat8: return float_value(text);
    case kBool: return bool_value(text);
    case kJson:
    case kJsonb: return embedded_json(text);
    case kDate:
    case kTime:
    case kTimetz:
    case kTimestamp:
    case kTimestamptz: return iso_8601(text);
    case kBytea: return bytea_value(text, std::string::npos).value;
    case kNumeric:
    case kInterval:
    case kUuid:
    case kText:
    case kVarchar:
    case kBpchar:
    case kName:
    case kChar: return string_value(text);
    default: break;
  }
  if (is_postgis_scalar(oid, types)) return geometry_value(text);
  if (auto array = array_type(oid, types)) return array_value(text, *array, types);
  return string_value(text);
}

// ---- JSON text written directly -------------------------------------------

// What string_value(text).dump() writes.
void append_string_value(JsonAppender& out, std::string_view text) {
  if (is_valid_utf8(text)) return out.string(text);
  std::string valid;
  valid.reserve(text.size() + 8);
  append_valid_utf8(valid, text, std::string::npos);
  out.string(valid);
}

// PostgreSQL writes times with digits, '-', ':', '.', '+' and ' ' only; any
// other byte would need escaping, so such text takes the general path.
bool needs_no_escaping(std::string_view text) {
  for (char c : text)
    if (c < 0x20 || c == '"' || c == '\\' || static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// encode_scalar(text, oid, types).dump(), without building the json value for
// the types a result row is mostly made of. The rest go through encode_scalar.
void append_scalar(JsonAppender& out, std::string_view text, unsigned oid, const TypeCatalog& types) {
  switch (oid) {
    case kInt2:
    case kInt4:
    case kOid:
      if (auto value = parse_number<std::int64_t>(text)) return out.integer(*value);
      return append_string_value(out, text);
    case kInt8:
      if (auto value = safe_int8(text)) return out.integer(*value);
      return append_string_value(out, text);
    case kFloat4:
    case kFloat8:
      if (auto value = finite_float(text)) return out.number(*value);
      return append_string_value(out, text);
    case kBool:
      if (auto value = bool_of(text)) return out.raw(*value ? "true" : "false");
      return append_string_value(out, text);
    case kDate:
    case kTime:
    case kTimetz:
    case kTimestamp:
    case kTimestamptz: {
      auto edit = iso_8601_edit(text);
      if (!edit || !needs_no_escaping(text)) return append_string_value(out, text);
      out.raw('"');
      apply_iso_edit(out.out(), text, *edit);
      return out.raw('"');
    }
    case kNumeric:
    case kInterval:
    case kUuid:
    case kText:
    case kVarchar:
    case kBpchar:
    case kName:
    case kChar: return append_string_value(out, text);
    default: return out.value(encode_scalar(text, oid, types));
  }
}

}  // namespace

std::string TypeCatalog::load_query() {
  // A true array has a varlena element list (typlen -1) and is not one of the
  // fixed-layout vectors (int2vector, oidvector: typstorage 'p') that only
  // look like arrays. Composite (row) types and their arrays are left out by
  // typtype, which needs no per-type look-up in pg_class: this runs on the
  // first query of every session, so it must stay a couple of milliseconds.
  return R"sql(SELECT t.oid, t.typname,
       CASE WHEN e.oid IS NULL THEN 0
            WHEN e.typtype = 'd' THEN e.typbasetype
            ELSE e.oid END AS array_element,
       coalesce(e.typdelim, ',') AS array_delimiter
FROM pg_catalog.pg_type t
LEFT JOIN pg_catalog.pg_type e
       ON e.oid = t.typelem AND t.typlen = -1 AND t.typstorage <> 'p'
WHERE t.typtype <> 'c'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type c WHERE c.oid = t.typelem AND c.typtype = 'c'))sql";
}

void TypeCatalog::add_row(unsigned oid, std::string_view name, unsigned array_element_oid, char array_delimiter) {
  names.insert_or_assign(oid, std::string{name});
  if (name == "geometry") geometry_oid = oid;
  else if (name == "geography") geography_oid = oid;
  else if (name == "_geometry") geometry_array_oid = oid;
  else if (name == "_geography") geography_array_oid = oid;
  if (array_element_oid == 0 || builtin_by_array_oid(oid)) return;
  extra_array_elements.insert_or_assign(oid, array_element_oid);
  if (array_delimiter != ',') extra_array_delimiters.insert_or_assign(oid, array_delimiter);
}

std::string TypeCatalog::display_name(unsigned oid) const {
  auto named = names.find(oid);
  if (auto array = array_type(oid, *this)) {
    if (named != names.end() && named->second.starts_with('_')) return named->second.substr(1) + "[]";
    return display_name(array->element_oid) + "[]";
  }
  if (named != names.end()) return named->second;
  if (const BuiltinType* builtin = builtin_by_oid(oid)) return builtin->name;
  return "oid:" + std::to_string(oid);
}

EncodedCell encode_value(std::string_view text, unsigned type_oid, const TypeCatalog& types,
                         const EncodeLimits& limits) {
  if (type_oid == kBytea) return bytea_value(text, limits.max_cell_bytes);
  if (text.size() > limits.max_cell_bytes) return cut_text(text, limits.max_cell_bytes);
  return {encode_scalar(text, type_oid, types), false};
}

bool append_encoded_value(JsonAppender& out, std::string_view text, unsigned type_oid, const TypeCatalog& types,
                          const EncodeLimits& limits) {
  if (type_oid == kBytea || text.size() > limits.max_cell_bytes) {
    EncodedCell cell = encode_value(text, type_oid, types, limits);
    out.value(cell.value);
    return cell.cut;
  }
  append_scalar(out, text, type_oid, types);
  return false;
}

}  // namespace fleetmcp::db
