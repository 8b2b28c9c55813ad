// Tests the export directory: created 0700, refused when unusable, files
// 0600 under random ids, a partial file gone unless committed, records
// scoped to their owner, expiry and quota arithmetic, and the sweep.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <doctest/doctest.h>

#include "export/export_store.h"

using namespace fleetmcp::exports;
namespace fs = std::filesystem;

namespace {

// A fresh directory under the test's temp dir, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    char name[] = "/tmp/fleetmcp-export-test-XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    path = name;
  }
  ~TempDir() { fs::remove_all(path); }
};

mode_t mode_of(const fs::path& path) {
  struct stat info{};
  REQUIRE(lstat(path.c_str(), &info) == 0);
  return info.st_mode & 0777;
}

ExportRecord record_of(const std::string& owner, std::int64_t created, std::int64_t expires, std::uint64_t bytes) {
  ExportRecord record;
  record.id = ExportStore::new_id();
  record.owner = owner;
  record.format = Format::csv;
  record.rows = 3;
  record.bytes = bytes;
  record.sha256 = std::string(64, 'a');
  record.created = created;
  record.expires = expires;
  record.columns = {"day", "trips"};
  record.sql = "SELECT 1";
  return record;
}

std::set<std::string> names_in(const fs::path& directory) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory)) names.insert(entry.path().filename());
  return names;
}

}  // namespace

TEST_CASE("the directory and its missing parents are created 0700; an open one is tightened") {
  TempDir temp;
  const fs::path nested = temp.path / "a" / "b" / "exports";
  ExportStore store(nested.string());
  CHECK(mode_of(nested) == 0700);
  CHECK(mode_of(temp.path / "a") == 0700);

  const fs::path open_dir = temp.path / "open";
  fs::create_directory(open_dir);
  chmod(open_dir.c_str(), 0777);
  ExportStore tightened(open_dir.string());
  CHECK(mode_of(open_dir) == 0700);
}

TEST_CASE("a relative path, a symlink and a file are refused with the setting named") {
  TempDir temp;
  CHECK_THROWS_WITH_AS(ExportStore("relative/exports"), doctest::Contains("MCP_EXPORT_DIR must be an absolute path"),
                       ExportStoreError);
  fs::create_directory(temp.path / "real");
  fs::create_directory_symlink(temp.path / "real", temp.path / "link");
  CHECK_THROWS_WITH_AS(ExportStore((temp.path / "link").string()), doctest::Contains("symlink"), ExportStoreError);
  std::ofstream(temp.path / "file") << "x";
  CHECK_THROWS_AS(ExportStore((temp.path / "file").string()), ExportStoreError);
}

TEST_CASE("ids are 128 random bits in hex, and only such names are looked up") {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.insert(ExportStore::new_id());
  CHECK(ids.size() == 100);
  for (const auto& id : ids) CHECK(is_export_id(id));
  CHECK_FALSE(is_export_id("../../etc/passwd"));
  CHECK_FALSE(is_export_id(std::string(32, 'A')));
  CHECK_FALSE(is_export_id(std::string(31, 'a')));

  TempDir temp;
  ExportStore store(temp.path.string());
  CHECK_FALSE(store.find("../" + std::string(29, 'a'), 0).has_value());
  CHECK_FALSE(store.find(std::string(32, 'a'), 0).has_value());
}

TEST_CASE("an uncommitted file leaves nothing; a committed one is 0600 with its SHA-256") {
  TempDir temp;
  ExportStore store(temp.path.string());
  const std::string id = ExportStore::new_id();
  {
    auto file = store.create_file(id, Format::csv);
    file->write("day,trips\n");
    CHECK(names_in(temp.path).size() == 1);  // the hidden partial file
  }
  CHECK(names_in(temp.path).empty());

  auto file = store.create_file(id, Format::csv);
  file->write("abc");
  CHECK(file->commit() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // SHA-256("abc")
  CHECK(file->bytes() == 3);
  const fs::path written = temp.path / (id + ".csv");
  CHECK(mode_of(written) == 0600);
  CHECK(names_in(temp.path) == std::set<std::string>{id + ".csv"});
  // A second writer of the same id while the first still writes is refused (O_EXCL).
  auto first = store.create_file(id + "", Format::jsonl);
  CHECK_THROWS_AS(store.create_file(id, Format::jsonl), ExportWriteError);
}

TEST_CASE("a restarted file holds only what was written after the restart") {
  TempDir temp;
  ExportStore store(temp.path.string());
  const std::string id = ExportStore::new_id();
  auto file = store.create_file(id, Format::csv);
  file->write(std::string(2 * 1024 * 1024, 'x'));  // past the write buffer: on disk already
  file->restart();
  file->write("abc");
  CHECK(file->commit() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(fs::file_size(temp.path / (id + ".csv")) == 3);
}

TEST_CASE("records are their owner's: found by id, listed newest first, expiry and bytes counted") {
  TempDir temp;
  ExportStore store(temp.path.string());
  const ExportRecord older = record_of("amina", 1000, 0, 100);
  const ExportRecord newer = record_of("amina", 2000, 5000, 50);
  const ExportRecord expired = record_of("amina", 500, 1500, 70);
  const ExportRecord other = record_of("brian", 2500, 0, 900);
  for (const auto& record : {older, newer, expired, other}) store.save(record);

  const auto found = store.find(newer.id, 3000);
  REQUIRE(found.has_value());
  CHECK(found->owner == "amina");
  CHECK(found->columns == std::vector<std::string>{"day", "trips"});
  CHECK_FALSE(store.find(expired.id, 3000).has_value());
  CHECK_FALSE(store.find(newer.id, 5000).has_value());  // expires at 5000

  const auto listed = store.owned_by("amina", 3000);
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].id == newer.id);
  CHECK(listed[1].id == older.id);
  CHECK(store.bytes_owned_by("amina", 3000) == 150);
  CHECK(store.bytes_owned_by("brian", 3000) == 900);
  CHECK(store.owned_by("nobody", 3000).empty());
  CHECK(mode_of(temp.path / (older.id + ".json")) == 0600);
}

TEST_CASE("the sweep deletes expired exports and stale partial files, and nothing else") {
  TempDir temp;
  ExportStore store(temp.path.string());
  ExportRecord expired = record_of("amina", 100, 200, 3);
  ExportRecord kept = record_of("amina", 100, 0, 3);
  for (auto* record : {&expired, &kept}) {
    auto file = store.create_file(record->id, Format::csv);
    file->write("abc");
    record->sha256 = file->commit();
    store.save(*record);
  }
  const std::string stale = "." + ExportStore::new_id() + ".csv.partial";
  std::ofstream(temp.path / stale) << "half";
  std::ofstream(temp.path / "notes.txt") << "not ours";

  CHECK(store.sweep(300, 3600) == 1);
  auto names = names_in(temp.path);
  CHECK(names.count(expired.id + ".csv") == 0);
  CHECK(names.count(expired.id + ".json") == 0);
  CHECK(names.count(kept.id + ".csv") == 1);
  CHECK(names.count(stale) == 1);  // younger than an hour
  CHECK(names.count("notes.txt") == 1);

  CHECK(store.sweep(std::time(nullptr) + 7200, 3600) == 0);
  CHECK(names_in(temp.path).count(stale) == 0);
  CHECK(names_in(temp.path).count("notes.txt") == 1);
}
