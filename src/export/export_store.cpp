#include "export/export_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <openssl/rand.h>

namespace fleetmcp::exports {
namespace {

using nlohmann::json;

constexpr std::size_t kIdLength = 32;        // 128 bits in hex
constexpr std::size_t kLongestRecord = 1024 * 1024;  // a record holds the SQL; none is near this

std::string errno_text() { return std::strerror(errno); }

// mkdir -p, each directory it makes 0700.
void make_directories(const std::string& path) {
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    if (!prefix.empty() && mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST)
      throw ExportStoreError("MCP_EXPORT_DIR " + path + ": cannot create " + prefix + ": " + errno_text());
    if (slash == std::string::npos) return;
  }
}

// The text of a file in the directory of at most `limit` bytes, or nullopt.
std::optional<std::string> read_small_file(int directory_fd, const std::string& name,
                                           std::size_t limit = kLongestRecord) {
  const int fd = openat(directory_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buffer[16384];
  for (;;) {
    const ssize_t got = read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    text.append(buffer, static_cast<std::size_t>(got));
    if (text.size() > limit) break;
  }
  close(fd);
  if (text.size() > limit) return std::nullopt;
  return text;
}

// Calls `visit` with each name in the directory (its own handle: readdir
// moves the position of the one it reads).
template <typename Visit>
void for_each_name(int directory_fd, Visit visit) {
  const int listing_fd = openat(directory_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (listing_fd < 0) return;
  DIR* listing = fdopendir(listing_fd);
  if (listing == nullptr) {
    close(listing_fd);
    return;
  }
  while (const dirent* entry = readdir(listing)) visit(std::string_view(entry->d_name));
  closedir(listing);
}

bool expired(const ExportRecord& record, std::time_t now) { return record.expires != 0 && record.expires <= now; }

}  // namespace

std::string ExportRecord::file_name() const { return id + "." + std::string(file_extension(format)); }

json ExportRecord::to_json() const {
  return {{"id", id},           {"owner", owner},     {"format", format_name(format)},
          {"rows", rows},       {"bytes", bytes},     {"sha256", sha256},
          {"created", created}, {"expires", expires}, {"truncated", truncated},
          {"truncated_reason", truncated_reason},     {"columns", columns},
          {"sql", sql}};
}

std::optional<ExportRecord> ExportRecord::from_json(const json& value) {
  try {
    ExportRecord record;
    record.id = value.at("id").get<std::string>();
    record.owner = value.at("owner").get<std::string>();
    const auto format = format_named(value.at("format").get<std::string>());
    if (!format || !is_export_id(record.id)) return std::nullopt;
    record.format = *format;
    record.rows = value.at("rows").get<std::uint64_t>();
    record.bytes = value.at("bytes").get<std::uint64_t>();
    record.sha256 = value.at("sha256").get<std::string>();
    record.created = value.at("created").get<std::int64_t>();
    record.expires = value.at("expires").get<std::int64_t>();
    record.truncated = value.value("truncated", false);
    record.truncated_reason = value.value("truncated_reason", "");
    record.columns = value.value("columns", std::vector<std::string>{});
    record.sql = value.value("sql", "");
    return record;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::string default_export_directory() {
  if (const char* data = std::getenv("XDG_DATA_HOME"); data != nullptr && data[0] == '/')
    return std::string(data) + "/fleetmcp/exports";
  const char* home = std::getenv("HOME");
  if (home == nullptr || home[0] != '/') return "/tmp/fleetmcp-exports-" + std::to_string(geteuid());
  return std::string(home) + "/.local/share/fleetmcp/exports";
}

bool is_export_id(std::string_view text) {
  return text.size() == kIdLength &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

ExportStore::ExportStore(std::string directory) : directory_(std::move(directory)) {
  if (directory_.empty() || directory_[0] != '/')
    throw ExportStoreError("MCP_EXPORT_DIR must be an absolute path, got '" + directory_ + "'");
  while (directory_.size() > 1 && directory_.back() == '/') directory_.pop_back();
  make_directories(directory_);
  fd_ = open(directory_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd_ < 0)
    throw ExportStoreError("MCP_EXPORT_DIR " + directory_ + ": cannot open it as a directory (" + errno_text() +
                           "; a symlink is refused)");
  struct stat info{};
  if (fstat(fd_, &info) != 0 || info.st_uid != geteuid()) {
    close(fd_);
    fd_ = -1;
    throw ExportStoreError("MCP_EXPORT_DIR " + directory_ +
                           " belongs to another user; give a directory of this server's own user");
  }
  if ((info.st_mode & 077) != 0) fchmod(fd_, 0700);
}

ExportStore::~ExportStore() {
  if (fd_ >= 0) close(fd_);
}

std::string ExportStore::new_id() {
  unsigned char bytes[kIdLength / 2];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw ExportStoreError("no random bytes for an export id");
  return lower_hex(bytes, sizeof bytes);
}

std::unique_ptr<ExportFile> ExportStore::create_file(const std::string& id, Format format) const {
  ExportRecord naming;
  naming.id = id;
  naming.format = format;
  return std::make_unique<ExportFile>(fd_, naming.file_name());
}

void ExportStore::save(const ExportRecord& record) const {
  const std::string name = record.id + ".json";
  const std::string partial = "." + name + ".partial";
  const int fd = openat(fd_, partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) throw ExportStoreError("cannot write the export's record: " + errno_text());
  const std::string text = record.to_json().dump(-1, ' ', false, json::error_handler_t::replace);
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  if (!written || renameat(fd_, partial.c_str(), fd_, name.c_str()) != 0) {
    unlinkat(fd_, partial.c_str(), 0);
    throw ExportStoreError("cannot write the export's record: " + errno_text());
  }
}

std::vector<ExportRecord> ExportStore::all_records() const {
  std::vector<ExportRecord> records;
  for_each_name(fd_, [&](std::string_view name) {
    if (name.size() != kIdLength + 5 || name.substr(kIdLength) != ".json" || !is_export_id(name.substr(0, kIdLength)))
      return;
    const auto text = read_small_file(fd_, std::string(name));
    if (!text) return;
    const json value = json::parse(*text, nullptr, false);
    if (auto record = ExportRecord::from_json(value); record && record->id == name.substr(0, kIdLength))
      records.push_back(std::move(*record));
  });
  return records;
}

std::optional<ExportRecord> ExportStore::find(const std::string& id, std::time_t now) const {
  if (!is_export_id(id)) return std::nullopt;
  const auto text = read_small_file(fd_, id + ".json");
  if (!text) return std::nullopt;
  auto record = ExportRecord::from_json(json::parse(*text, nullptr, false));
  if (!record || record->id != id || expired(*record, now)) return std::nullopt;
  return record;
}

std::vector<ExportRecord> ExportStore::owned_by(const std::string& owner, std::time_t now) const {
  std::vector<ExportRecord> records = all_records();
  std::erase_if(records, [&](const ExportRecord& record) { return record.owner != owner || expired(record, now); });
  std::sort(records.begin(), records.end(), [](const ExportRecord& a, const ExportRecord& b) {
    return a.created != b.created ? a.created > b.created : a.id < b.id;
  });
  return records;
}

std::uint64_t ExportStore::bytes_owned_by(const std::string& owner, std::time_t now) const {
  std::uint64_t total = 0;
  for (const auto& record : owned_by(owner, now)) total += record.bytes;
  return total;
}

std::optional<std::string> ExportStore::contents(const ExportRecord& record) const {
  return read_small_file(fd_, record.file_name(), record.bytes);
}

void ExportStore::remove(const ExportRecord& record) const {
  unlinkat(fd_, record.file_name().c_str(), 0);
  unlinkat(fd_, (record.id + ".json").c_str(), 0);
}

std::size_t ExportStore::sweep(std::time_t now, std::int64_t stale_partial_s) const {
  std::size_t removed = 0;
  for (const auto& record : all_records()) {
    if (!expired(record, now)) continue;
    remove(record);
    ++removed;
  }
  // Partial files of writers that died (a killed child): ours are named
  // .<id>.<ext>.partial and nothing else in here starts with a dot.
  for_each_name(fd_, [&](std::string_view name) {
    if (name.size() < kIdLength + 10 || name.front() != '.' || name.substr(name.size() - 8) != ".partial" ||
        !is_export_id(name.substr(1, kIdLength)))
      return;
    const std::string entry(name);
    struct stat info{};
    if (fstatat(fd_, entry.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0 && now - info.st_mtime > stale_partial_s)
      unlinkat(fd_, entry.c_str(), 0);
  });
  return removed;
}

}  // namespace fleetmcp::exports
