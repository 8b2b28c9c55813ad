// Runs every statement of tests/hostile/corpus.sql through the toolbox as
// analytics_ro: each gets its specific answer, the database is unchanged (the
// superuser's checksums of every table and sequence), no secret leaks, and the
// server still answers afterwards.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "admin_database.h"
#include "test_database.h"

using fleetmcp::testing::AdminDatabase;
using fleetmcp::testing::Toolbox;
using nlohmann::json;

namespace {

struct HostileEntry {
  int line = 0;
  std::vector<std::string> expected;  // any one of these substrings
  std::string tool = "query";
  json arguments = json::object();
};

// Beside this source file's directory, wherever the build tree is.
std::string corpus_path() {
  return (std::filesystem::path{__FILE__}.parent_path().parent_path() / "hostile" / "corpus.sql").string();
}

std::vector<std::string> split_alternatives(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t bar; (bar = text.find(" || ", start)) != std::string::npos; start = bar + 4)
    parts.push_back(text.substr(start, bar - start));
  parts.push_back(text.substr(start));
  return parts;
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

std::vector<HostileEntry> read_corpus() {
  std::ifstream file{corpus_path()};
  REQUIRE_MESSAGE(file.good(), "cannot read " << corpus_path());
  std::vector<HostileEntry> entries;
  std::vector<std::string> sql_lines;
  auto finish = [&] {
    if (entries.empty()) return;
    std::string sql;
    for (const auto& line : sql_lines) sql += (sql.empty() ? "" : "\n") + line;
    if (!sql.empty()) entries.back().arguments["sql"] = sql;
    sql_lines.clear();
  };
  std::string line;
  for (int number = 1; std::getline(file, line); ++number) {
    if (starts_with(line, "-- expect: ")) {
      finish();
      entries.push_back({number, split_alternatives(line.substr(11))});
    } else if (entries.empty() || line.empty() || (starts_with(line, "-- ") && sql_lines.empty() &&
                                                  !starts_with(line, "-- tool: ") && !starts_with(line, "-- args: "))) {
      continue;  // the header, blank lines and section titles
    } else if (starts_with(line, "-- tool: ")) {
      entries.back().tool = line.substr(9);
    } else if (starts_with(line, "-- args: ")) {
      entries.back().arguments.update(json::parse(line.substr(9)));
    } else {
      sql_lines.push_back(line);
    }
  }
  finish();
  return entries;
}

bool contains_any(const std::string& text, const std::vector<std::string>& alternatives) {
  for (const auto& alternative : alternatives)
    if (text.find(alternative) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("the hostile corpus: specific answers, nothing written, no secret, the server keeps answering") {
  const std::vector<HostileEntry> entries = read_corpus();
  REQUIRE(entries.size() >= 60);
  Toolbox box;
  AdminDatabase admin;
  const auto before = admin.fingerprint();
  REQUIRE(before.count("fuel.records_record_id_seq") == 1);
  REQUIRE(before.count("tracksolid.events_event_id_seq") == 1);
  for (const HostileEntry& entry : entries) {
    CAPTURE(entry.line);
    CAPTURE(entry.arguments.dump());
    fleetmcp::tools::ToolResult result = box.call(entry.tool, entry.arguments);
    INFO("answer: " << result.text.substr(0, 600));
    CHECK(contains_any(result.text, entry.expected));
    CHECK(result.text.find("demo-secret-") == std::string::npos);
    CHECK(admin.fingerprint() == before);
    auto alive = box.call("query", {{"sql", "SELECT 1"}});
    CHECK(alive.text.find("\"rows\":[[1]]") != std::string::npos);
  }
}
