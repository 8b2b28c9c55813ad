#include "mcp/streamed_answer.h"

#include "json_text.h"

namespace fleetmcp::mcp {

bool StreamedAnswer::write(std::string_view text) {
  if (!ok_) return false;
  if (!line_) {
    line_.emplace(writer_);
    const std::string before = before_();
    ok_ = line_->write(before);
    bytes_ += before.size();
  }
  escaped_.clear();
  append_json_string_body(escaped_, text);
  ok_ = ok_ && line_->write(escaped_);
  bytes_ += escaped_.size();
  return ok_;
}

bool StreamedAnswer::finish(std::string_view text, std::string_view after) {
  write(text);
  ok_ = ok_ && line_->write(after);
  bytes_ += after.size();
  line_.reset();
  return ok_;
}

}  // namespace fleetmcp::mcp
