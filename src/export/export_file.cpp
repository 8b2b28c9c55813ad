#include "export/export_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <openssl/evp.h>

namespace fleetmcp::exports {
namespace {

// Writes go to the disk in pieces of about this size.
constexpr std::size_t kWriteAt = 1024 * 1024;

std::string errno_text() { return std::strerror(errno); }

}  // namespace

std::string lower_hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * size);
  for (std::size_t i = 0; i < size; ++i) {
    hex.push_back(kHex[bytes[i] >> 4]);
    hex.push_back(kHex[bytes[i] & 0xf]);
  }
  return hex;
}

struct ExportFile::Digest {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  ~Digest() { EVP_MD_CTX_free(context); }
};

ExportFile::ExportFile(int directory_fd, std::string final_name)
    : directory_fd_(directory_fd),
      final_name_(std::move(final_name)),
      partial_name_("." + final_name_ + ".partial"),
      digest_(std::make_unique<Digest>()) {
  if (digest_->context == nullptr || EVP_DigestInit_ex(digest_->context, EVP_sha256(), nullptr) != 1)
    throw ExportWriteError("cannot start a SHA-256 digest");
  fd_ = openat(directory_fd_, partial_name_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd_ < 0) throw ExportWriteError("cannot create the export file: " + errno_text());
  pending_.reserve(kWriteAt + 64 * 1024);
}

ExportFile::~ExportFile() {
  if (fd_ >= 0) close(fd_);
  if (!committed_) unlinkat(directory_fd_, partial_name_.c_str(), 0);
}

void ExportFile::write(std::string_view data) {
  pending_.append(data);
  if (pending_.size() >= kWriteAt) flush();
}

void ExportFile::restart() {
  pending_.clear();
  bytes_ = 0;
  if (ftruncate(fd_, 0) != 0 || lseek(fd_, 0, SEEK_SET) != 0 ||
      EVP_DigestInit_ex(digest_->context, EVP_sha256(), nullptr) != 1)
    throw ExportWriteError("cannot restart the export file: " + errno_text());
}

void ExportFile::flush() {
  if (EVP_DigestUpdate(digest_->context, pending_.data(), pending_.size()) != 1)
    throw ExportWriteError("SHA-256 digest failed");
  std::size_t done = 0;
  while (done < pending_.size()) {
    const ssize_t wrote = ::write(fd_, pending_.data() + done, pending_.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote < 0) throw ExportWriteError("cannot write the export file: " + errno_text());
    done += static_cast<std::size_t>(wrote);
  }
  bytes_ += pending_.size();
  pending_.clear();
}

std::string ExportFile::commit() {
  flush();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(digest_->context, digest, &length) != 1) throw ExportWriteError("SHA-256 digest failed");
  if (close(fd_) != 0) {
    fd_ = -1;
    throw ExportWriteError("cannot finish the export file: " + errno_text());
  }
  fd_ = -1;
  // renameat2 with RENAME_NOREPLACE would refuse an existing name; the name
  // holds 128 random bits, and the directory is this user's alone.
  if (renameat(directory_fd_, partial_name_.c_str(), directory_fd_, final_name_.c_str()) != 0)
    throw ExportWriteError("cannot move the export file into place: " + errno_text());
  committed_ = true;
  return lower_hex(digest, length);
}

}  // namespace fleetmcp::exports
