#include "context/table_markdown.h"

#include <algorithm>

namespace fleetmcp::context {
namespace {

using nlohmann::json;

std::string text_of(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// A table cell: a pipe would end the cell and a newline the row.
std::string cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

// Inline code that holds any text: a fence longer than its longest backtick run.
std::string code(const std::string& text) {
  std::size_t longest = 0, run = 0;
  for (char c : text) longest = std::max(longest, run = c == '`' ? run + 1 : 0);
  const std::string fence(longest + 1, '`');
  return fence + (longest > 0 ? " " : "") + text + (longest > 0 ? " " : "") + fence;
}

// A name as a query must write it: plain lower-case names as they are, any other quoted.
std::string sql_name(const std::string& name) {
  const bool plain = !name.empty() && !(name[0] >= '0' && name[0] <= '9') &&
                     std::all_of(name.begin(), name.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                     });
  if (plain) return name;
  std::string quoted = "\"";
  for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

void columns_section(std::string& page, const json& columns) {
  page += "\n## Columns\n\n| Column | Type | Nullable | Notes |\n|---|---|---|---|\n";
  for (const auto& column : columns) {
    std::string notes;
    const auto add = [&notes](const std::string& note) { notes += (notes.empty() ? "" : "; ") + note; };
    if (column.value("primary_key", false)) add("primary key");
    if (column.value("hidden", false)) add("not readable (column privileges)");
    if (column.contains("geometry")) add("geometry " + text_of(column["geometry"], "type") + ", SRID " +
                                         (column["geometry"]["srid"].is_null() ? "unknown" : column["geometry"]["srid"].dump()));
    if (column.contains("default")) add("default " + text_of(column, "default"));
    if (column.contains("comment")) add(text_of(column, "comment"));
    page += "| " + cell(code(text_of(column, "name"))) + " | " + cell(text_of(column, "type")) + " | " +
            (column.value("nullable", true) ? "yes" : "no") + " | " + cell(notes) + " |\n";
  }
}

void list_section(std::string& page, const char* title, const json& items) {
  if (!items.is_array() || items.empty()) return;
  page += std::string("\n## ") + title + "\n\n";
  for (const auto& item : items) {
    if (item.is_string()) page += "- " + code(item.get<std::string>()) + "\n";
    else page += "- " + code(text_of(item, "name")) + ": " + code(text_of(item, "definition")) + "\n";
  }
}

}  // namespace

std::string table_markdown(const json& described) {
  const std::string qualified = text_of(described, "schema") + "." + text_of(described, "table");
  std::string page = "# " + qualified + " (" + text_of(described, "kind") + ")\n\n";
  if (auto comment = text_of(described, "comment"); !comment.empty()) page += comment + "\n\n";

  std::string facts;
  const auto fact = [&facts](const std::string& line) { facts += "- " + line + "\n"; };
  if (auto rows = text_of(described, "estimated_rows"); !rows.empty()) fact("Estimated rows: " + rows);
  if (auto bytes = text_of(described, "size_bytes"); !bytes.empty()) fact("Size: " + bytes + " bytes");
  if (described.contains("time_range") && described["time_range"].is_object()) {
    const json& range = described["time_range"];
    fact("Time range of " + code(text_of(range, "column")) + ": " + text_of(range, "first") + " to " +
         text_of(range, "last"));
  }
  if (described.contains("hypertable")) fact("Hypertable (TimescaleDB): " + code(described["hypertable"].dump()));
  if (described.contains("continuous_aggregate"))
    fact("Continuous aggregate: " + code(described["continuous_aggregate"].dump()));
  if (!facts.empty()) page += facts;

  if (described.contains("columns")) columns_section(page, described["columns"]);
  if (described.contains("primary_key") && !described["primary_key"].empty()) {
    std::string keys;
    for (const auto& key : described["primary_key"]) keys += (keys.empty() ? "" : ", ") + code(key.get<std::string>());
    page += "\nPrimary key: " + keys + "\n";
  }
  list_section(page, "Foreign keys", described.value("foreign_keys", json::array()));
  list_section(page, "Check constraints", described.value("check_constraints", json::array()));
  list_section(page, "Indexes", described.value("indexes", json::array()));
  if (auto definition = text_of(described, "definition"); !definition.empty())
    page += "\n## Definition\n\n````sql\n" + definition + "\n````\n";
  page += "\nQuery it with the `query` tool, e.g. " +
          code("SELECT * FROM " + sql_name(text_of(described, "schema")) + "." + sql_name(text_of(described, "table")) +
               " LIMIT 10") +
          ".\n";
  return page;
}

}  // namespace fleetmcp::context
