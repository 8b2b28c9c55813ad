#include "apps/chart_view_html.h"

#include <stdexcept>

#include <zlib.h>

namespace fleetmcp::apps {
namespace {

std::string inflated(std::string_view gzip) {
  z_stream stream{};
  // 16 + MAX_WBITS: a gzip header and trailer around the deflate data.
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) throw std::runtime_error("the chart view: inflateInit2 failed");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gzip.data()));
  stream.avail_in = static_cast<uInt>(gzip.size());
  std::string html;
  char buffer[64 * 1024];
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    html.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  // Only a build that embedded broken bytes gets here; every read would fail alike.
  if (status != Z_STREAM_END) throw std::runtime_error("the chart view embedded in this binary is corrupt");
  return html;
}

}  // namespace

const std::string& chart_view_html() {
  static const std::string html = inflated(chart_view_gzip());
  return html;
}

}  // namespace fleetmcp::apps
