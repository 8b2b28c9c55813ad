#include "logging.h"

#include <chrono>
#include <ctime>
#include <memory>

#include <openssl/sha.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace fleetmcp {
namespace {

std::shared_ptr<spdlog::logger>& audit_logger() {
  static std::shared_ptr<spdlog::logger> logger;
  return logger;
}

std::string utc_timestamp() {
  auto now = std::chrono::system_clock::now();
  std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  return text;
}

// SQL kept whole in an audit line up to this; a longer statement keeps this
// much, its length and a digest, so a 1 MiB call cannot make a 1 MiB line.
constexpr std::size_t kAuditedSqlBytes = 4 * 1024;
constexpr std::size_t kDigestHexDigits = 16;

std::string sha256_prefix(std::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  std::string hex;
  for (std::size_t byte = 0; byte < kDigestHexDigits / 2; ++byte) {
    char pair[3];
    std::snprintf(pair, sizeof pair, "%02x", digest[byte]);
    hex += pair;
  }
  return hex;
}

// At most `limit` bytes, not cutting a UTF-8 character in two.
std::string_view utf8_prefix(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// object["sql"] when too long: its head, plus sql_bytes and sql_sha256 beside it.
void bound_sql(nlohmann::json& object) {
  if (!object.is_object()) return;
  const auto sql = object.find("sql");
  if (sql == object.end() || !sql->is_string() || sql->get_ref<const std::string&>().size() <= kAuditedSqlBytes) return;
  const std::string full = sql->get<std::string>();
  *sql = std::string(utf8_prefix(full, kAuditedSqlBytes));
  object["sql_bytes"] = full.size();
  object["sql_sha256"] = sha256_prefix(full);
}

}  // namespace

void init_logging(const std::string& level) {
  // Two sinks, because a pattern belongs to a sink; the _mt console sinks share
  // one process-wide mutex, so lines from both never interleave.
  auto logger = std::make_shared<spdlog::logger>("fleetmcp", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("[%Y-%m-%dT%H:%M:%S.%e] [%l] %v");
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);

  auto audit = std::make_shared<spdlog::logger>("audit", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  audit->set_pattern("%v");
  audit->set_level(spdlog::level::info);
  audit->flush_on(spdlog::level::info);
  audit_logger() = audit;
}

nlohmann::json audit_record(const nlohmann::json& record) {
  nlohmann::json line = {{"audit", "tools/call"}, {"ts", utc_timestamp()}};
  line.update(record);
  bound_sql(line);
  if (const auto arguments = line.find("arguments"); arguments != line.end()) bound_sql(*arguments);
  return line;
}

void write_audit_line(const nlohmann::json& record) {
  const nlohmann::json line = audit_record(record);
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (auto& logger = audit_logger()) logger->info(text);
  else std::fprintf(stderr, "%s\n", text.c_str());
}

void write_unrun_call_audit_line(const std::string& caller, const nlohmann::json& params, const std::string& outcome,
                                 const std::string& error) {
  const auto member = [&params](const char* key) { return params.is_object() ? params.value(key, nlohmann::json()) : nlohmann::json(); };
  write_audit_line({{"caller", caller}, {"tool", member("name")}, {"arguments", member("arguments")},
                    {"outcome", outcome}, {"error", error}});
}

}  // namespace fleetmcp
