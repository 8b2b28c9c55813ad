#include "export/export_format.h"

#include <limits>

#include "export/csv_text.h"
#include "json_text.h"

namespace fleetmcp::exports {

std::optional<Format> format_named(std::string_view name) {
  if (name == "csv") return Format::csv;
  if (name == "jsonl") return Format::jsonl;
  return std::nullopt;
}

std::string_view format_name(Format format) { return format == Format::csv ? "csv" : "jsonl"; }
std::string_view file_extension(Format format) { return format_name(format); }
std::string_view media_type(Format format) { return format == Format::csv ? "text/csv" : "application/jsonl"; }

RowFormatter::RowFormatter(Format format, const PGresult* described, const db::TypeCatalog& types, std::string& out)
    : format_(format), types_(types), out_(out), json_(out) {
  const int columns = described == nullptr ? 0 : PQnfields(described);
  for (int i = 0; i < columns; ++i) {
    names_.emplace_back(PQfname(described, i));
    type_oids_.push_back(PQftype(described, i));
    std::string key;
    append_json_string(key, names_.back());
    key.push_back(':');
    json_keys_.push_back(std::move(key));
  }
}

void RowFormatter::append_header() {
  if (format_ != Format::csv) return;
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (i > 0) out_.push_back(',');
    append_csv_field(out_, names_[i]);
  }
  out_.push_back('\n');
}

void RowFormatter::append_row(const PGresult* row) {
  const auto text_of = [row](int column) {
    return std::string_view{PQgetvalue(row, 0, column), static_cast<std::size_t>(PQgetlength(row, 0, column))};
  };
  if (format_ == Format::csv) {
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (i > 0) out_.push_back(',');
      const int column = static_cast<int>(i);
      if (!PQgetisnull(row, 0, column)) append_csv_field(out_, text_of(column));
    }
    out_.push_back('\n');
    return;
  }
  // An export has no cell cap: its bounds are the file's rows and bytes.
  static const db::EncodeLimits whole{std::numeric_limits<std::size_t>::max()};
  JsonAppender& json = json_;
  json.raw('{');
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (i > 0) json.raw(',');
    json.raw(json_keys_[i]);
    const int column = static_cast<int>(i);
    if (PQgetisnull(row, 0, column)) json.raw("null");
    else db::append_encoded_value(json, text_of(column), type_oids_[i], types_, whole);
  }
  json.raw("}\n");
}

}  // namespace fleetmcp::exports
