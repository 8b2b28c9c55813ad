// One tools/call response written while the tool still produces it: the
// envelope up to the answer's text, then the text escaped piece by piece as
// the rows arrive, then the envelope's end once the tool has finished. The
// client reads the first rows while the last are still being fetched, and
// fleetmcp holds a piece of the answer, not all of it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "mcp/message_writer.h"

namespace fleetmcp::mcp {

class StreamedAnswer {
 public:
  // `before` gives the response line up to and with the text's opening
  // quote (split_at_text); it is asked for only when a first piece comes,
  // since most answers are written whole. It does not depend on isError,
  // which comes after the text in the sorted keys, so the outcome can still
  // change at the end.
  StreamedAnswer(MessageWriter& writer, std::function<std::string()> before)
      : writer_(writer), before_(std::move(before)) {}

  // Escapes a piece of the answer's text into the line (whole rows: its
  // UTF-8 is whole at both ends). The first piece takes the writer for the
  // whole line and writes the envelope's start. False once the output is gone.
  bool write(std::string_view text);

  bool started() const { return line_.has_value(); }

  // The rest of the text and the envelope's end (`after`, newline included);
  // the writer is free again. False when the output is gone.
  bool finish(std::string_view text, std::string_view after);

  std::size_t bytes_written() const { return bytes_; }

 private:
  MessageWriter& writer_;
  std::function<std::string()> before_;
  std::optional<MessageWriter::Line> line_;
  std::string escaped_;  // reused for every piece
  std::size_t bytes_ = 0;
  bool ok_ = true;
};

}  // namespace fleetmcp::mcp
