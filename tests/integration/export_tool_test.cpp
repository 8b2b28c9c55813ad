// The export tool against the demo database: files past the answer's caps,
// in CSV and JSON Lines, with every guard of the query tool, their bounds,
// cancel and failure leaving no file, and exports as their owner's resources.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <openssl/sha.h>
#include <pqxx/pqxx>

#include "admin_database.h"
#include "export/export_file.h"
#include "export/export_resources.h"
#include "test_database.h"

using fleetmcp::testing::AdminDatabase;
using fleetmcp::testing::Toolbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct ExportDir {
  fs::path path;
  ExportDir() {
    char name[] = "/tmp/fleetmcp-export-it-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    path = fs::path(name) / "exports";
  }
  ~ExportDir() { fs::remove_all(path.parent_path()); }
  // Every file in the directory, hidden partial files included.
  std::size_t files() const {
    if (!fs::exists(path)) return 0;
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(path), fs::directory_iterator{}));
  }
};

fleetmcp::Config export_config(const ExportDir& dir) {
  fleetmcp::Config config;
  config.export_dir = dir.path.string();
  return config;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string sha256_hex(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return fleetmcp::exports::lower_hex(digest, sizeof digest);
}

std::size_t lines_in(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

const char* kPositions =
    "SELECT device_id, ts, speed, ignition, odometer_m, geom FROM tracksolid.positions ORDER BY device_id, ts LIMIT 12000";

}  // namespace

TEST_CASE("export writes all rows past query's caps to a 0600 CSV with its SHA-256, a preview and a resource_link") {
  ExportDir dir;
  Toolbox box{export_config(dir)};
  const auto result = box.call("export", {{"sql", kPositions}});
  INFO(result.text);
  REQUIRE_FALSE(result.is_error);
  const json answer = json::parse(result.text);
  CHECK(answer["rows"] == 12000);  // query stops at 10,000 rows and 1 MiB
  CHECK(answer["truncated"] == false);
  CHECK(answer["format"] == "csv");
  CHECK(answer["columns"] == json::array({"device_id", "ts", "speed", "ignition", "odometer_m", "geom"}));
  const std::string path = answer["path"];
  CHECK(fs::path(path).parent_path() == dir.path);
  struct stat info{};
  REQUIRE(stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  struct stat dir_info{};
  REQUIRE(stat(dir.path.c_str(), &dir_info) == 0);
  CHECK((dir_info.st_mode & 0777) == 0700);

  const std::string text = file_text(path);
  CHECK(answer["bytes"] == text.size());
  CHECK(answer["sha256"] == sha256_hex(text));
  CHECK(lines_in(text) == 12001);
  CHECK(text.starts_with("device_id,ts,speed,ignition,odometer_m,geom\n"));
  // Values as PostgreSQL writes them (booleans t/f, timestamps with the session's offset).
  const std::string first_row = text.substr(text.find('\n') + 1, text.find('\n', text.find('\n') + 1) - text.find('\n') - 1);
  CHECK(first_row.find(",t,") + first_row.find(",f,") != 2 * std::string::npos);
  CHECK(answer["preview"].get<std::string>().starts_with("device_id,ts,speed,ignition,odometer_m,geom\n"));
  CHECK(lines_in(answer["preview"]) == 6);

  REQUIRE(result.more_content.size() == 1);
  const json& link = result.more_content[0];
  CHECK(link["type"] == "resource_link");
  CHECK(link["uri"] == "fleetmcp://exports/" + answer["export_id"].get<std::string>());
  CHECK(link["mimeType"] == "text/csv");
  CHECK(link["size"] == text.size());
  CHECK(result.audit_facts["rows"] == 12000);
  CHECK(result.audit_facts["sha256"] == answer["sha256"]);
  REQUIRE(result.more_text.size() == 1);
  CHECK(result.more_text[0].find("The file is at " + path) != std::string::npos);
}

TEST_CASE("export as JSON Lines types each value as query does, never cut") {
  ExportDir dir;
  Toolbox box{export_config(dir)};
  const auto result = box.call(
      "export", {{"sql", "SELECT 1::int8 AS n, 12345678901234567890::numeric AS big, true AS yes, NULL::text AS nothing, "
                         "repeat('x', 100000) AS long_text, ST_SetSRID(ST_MakePoint(36.8, -1.3), 4326) AS place, "
                         "ARRAY[1,2] AS pair, '{\"k\": 1}'::jsonb AS doc"},
                 {"format", "jsonl"}});
  INFO(result.text);
  REQUIRE_FALSE(result.is_error);
  const json answer = json::parse(result.text);
  const std::string text = file_text(answer["path"]);
  CHECK(lines_in(text) == 1);
  const json row = json::parse(text);
  CHECK(row["n"] == 1);
  CHECK(row["big"] == "12345678901234567890");
  CHECK(row["yes"] == true);
  CHECK(row["nothing"].is_null());
  CHECK(row["long_text"].get<std::string>().size() == 100000);  // past MCP_MAX_CELL, whole
  CHECK(row["place"]["type"] == "Point");
  CHECK(row["pair"] == json::array({1, 2}));
  CHECK(row["doc"]["k"] == 1);
  CHECK(result.more_content[0]["mimeType"] == "application/jsonl");
}

TEST_CASE("an empty result is a header-only CSV") {
  ExportDir dir;
  Toolbox box{export_config(dir)};
  const json answer = box.data("export", {{"sql", "SELECT device_id, ts FROM tracksolid.positions WHERE false"}});
  CHECK(answer["rows"] == 0);
  CHECK(file_text(answer["path"]) == "device_id,ts\n");
}

TEST_CASE("the row and byte bounds stop the file at a whole row and say so") {
  ExportDir dir;
  fleetmcp::Config config = export_config(dir);
  config.export_max_bytes = 10000;
  Toolbox box{config};
  json answer = box.data("export", {{"sql", kPositions}, {"max_rows", 100}});
  CHECK(answer["rows"] == 100);
  CHECK(answer["truncated"] == true);
  CHECK(answer["truncated_reason"] == "rows");
  CHECK(lines_in(file_text(answer["path"])) == 101);

  answer = box.data("export", {{"sql", kPositions}});
  CHECK(answer["truncated_reason"] == "bytes");
  const std::string text = file_text(answer["path"]);
  CHECK(text.size() <= 10000);
  CHECK(text.back() == '\n');
  CHECK(lines_in(text) == answer["rows"].get<std::size_t>() + 1);

  const auto too_many = box.call("export", {{"sql", kPositions}, {"max_rows", 20'000'000}});
  CHECK(too_many.is_error);
  CHECK(too_many.text.find("max_rows") != std::string::npos);
}

TEST_CASE("export keeps the query tool's guard: writes, EXPLAIN and hidden calls are refused, no file is made") {
  ExportDir dir;
  Toolbox box{export_config(dir)};
  auto refused = box.call("export", {{"sql", "DELETE FROM tracksolid.positions"}});
  CHECK(refused.is_error);
  CHECK(refused.text.starts_with("Query refused:"));
  refused = box.call("export", {{"sql", "SELECT pg_advisory_lock(1)"}});
  CHECK(refused.is_error);
  CHECK(refused.text.find("advisory lock") != std::string::npos);
  refused = box.call("export", {{"sql", "EXPLAIN SELECT 1"}});
  CHECK(refused.is_error);
  CHECK(refused.text.find("explain tool") != std::string::npos);
  refused = box.call("export", {{"sql", "SELECT * FROM infrastructure.service_credentials"}});
  CHECK(refused.is_error);
  refused = box.call("export", {{"sql", "SELECT 1"}, {"format", "xlsx"}});
  CHECK(refused.is_error);
  CHECK(refused.text.find("format: expected \"csv\" or \"jsonl\"") != std::string::npos);

  AdminDatabase admin;
  {
    pqxx::nontransaction tx{admin.connection()};
    tx.exec("CREATE VIEW reporting.fm_export_locked AS SELECT pg_try_advisory_lock(4646) AS locked");
    tx.exec("GRANT SELECT ON reporting.fm_export_locked TO analytics_ro");
  }
  refused = box.call("export", {{"sql", "SELECT * FROM reporting.fm_export_locked"}});
  {
    pqxx::nontransaction tx{admin.connection()};
    tx.exec("DROP VIEW reporting.fm_export_locked");
  }
  CHECK(refused.is_error);
  CHECK(refused.text.starts_with("Query refused: pg_try_advisory_lock()"));
  CHECK(dir.files() == 0);
}

TEST_CASE("a statement failing midway, or a cancel, leaves no file behind") {
  ExportDir dir;
  Toolbox box{export_config(dir)};
  // Fails on its 50,001st row, after several chunks went to the disk.
  auto failed = box.call("export", {{"sql", "SELECT g, 1 / (50001 - g) AS x, repeat('y', 100) AS pad FROM "
                                            "generate_series(1, 60000) g"}});
  INFO(failed.text);
  CHECK(failed.is_error);
  CHECK(failed.text.find("22012") != std::string::npos);
  CHECK(failed.text.find("No file was kept") != std::string::npos);
  CHECK(dir.files() == 0);

  const fleetmcp::tools::Tool* tool = box.registry.find("export");
  fleetmcp::tools::CallContext context;
  context.caller = "integration";
  std::size_t reports = 0;
  context.progress = [&reports](double, std::optional<double>, const std::string& message) {
    ++reports;
    CHECK(message.starts_with("exported "));
  };
  context.is_cancelled = [&reports] { return reports >= 2; };
  auto cancelled = tool->handler({{"sql", "SELECT g, repeat('z', 50) FROM generate_series(1, 200000) g"}}, context);
  CHECK(cancelled.is_error);
  CHECK(cancelled.text.starts_with("Cancelled:"));
  CHECK(cancelled.text.find("partial file was removed") != std::string::npos);
  CHECK(reports == 2);
  CHECK(dir.files() == 0);
}

TEST_CASE("exports are resources of their owner only; a small one reads back whole") {
  ExportDir dir;
  Toolbox box{export_config(dir)};
  const json answer = box.data("export", {{"sql", "SELECT plate FROM tracksolid.devices ORDER BY plate LIMIT 5"}});
  fleetmcp::exports::ExportResources resources{*box.exports, std::chrono::minutes(5)};
  const auto listed = resources.list("integration");
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["uri"] == answer["resource_uri"]);
  CHECK(resources.list("someone_else").empty());
  const json contents = resources.read(answer["resource_uri"], "integration");
  CHECK(contents[0]["text"] == file_text(answer["path"]));
  CHECK_THROWS_AS(resources.read(answer["resource_uri"], "someone_else"), fleetmcp::context::ResourceNotFound);
  CHECK_THROWS_AS(resources.read("fleetmcp://exports/../../etc/passwd", "integration"),
                  fleetmcp::context::ResourceNotFound);
}

TEST_CASE("behind a gateway an export expires and counts against its analyst's quota") {
  // 'x' rows: a 9-byte header ("?column?\n") and 2 bytes a row, so 500 rows are 1,009 bytes.
  const auto rows_of_x = [](int rows) { return json{{"sql", "SELECT 'x' FROM generate_series(1, " + std::to_string(rows) + ")"}}; };
  const auto hosted = [](const ExportDir& dir) {
    fleetmcp::Config config = export_config(dir);
    config.serving_gateway = true;
    config.public_url = "https://fleetmcp.example.com";
    config.export_quota_bytes = 1009;
    config.export_ttl_s = 3600;
    return config;
  };
  ExportDir dir;
  Toolbox box{hosted(dir)};
  const json first = box.data("export", rows_of_x(300));
  CHECK(first["bytes"] == 609);
  CHECK_FALSE(first.contains("path"));
  CHECK(first["download_url"] == "https://fleetmcp.example.com/exports/" + first["export_id"].get<std::string>());
  CHECK(first["download_path"] == "/exports/" + first["export_id"].get<std::string>());
  CHECK(first.contains("expires_at"));
  const json second = box.data("export", rows_of_x(500));
  CHECK(second["truncated_reason"] == "bytes");  // only what was left of the quota
  CHECK(second["rows"] == 195);

  ExportDir full_dir;
  Toolbox full{hosted(full_dir)};
  CHECK(full.data("export", rows_of_x(500))["bytes"] == 1009);
  const auto over = full.call("export", rows_of_x(1));
  CHECK(over.is_error);
  CHECK(over.text.find("MCP_EXPORT_QUOTA") != std::string::npos);
  // Another analyst's quota is their own.
  const fleetmcp::tools::Tool* tool = full.registry.find("export");
  fleetmcp::tools::CallContext other;
  other.caller = "brian";
  CHECK_FALSE(tool->handler(rows_of_x(1), other).is_error);
}

TEST_CASE("on stdio the quota holds too, and the refusal names the directory to clean up") {
  ExportDir dir;
  fleetmcp::Config config = export_config(dir);
  config.export_quota_bytes = 1009;
  Toolbox box{config};
  CHECK(box.data("export", {{"sql", "SELECT 'x' FROM generate_series(1, 500)"}})["bytes"] == 1009);
  const auto over = box.call("export", {{"sql", "SELECT 1"}});
  CHECK(over.is_error);
  CHECK(over.text.find("Delete the files you no longer need from " + dir.path.string()) != std::string::npos);
}
