// The chart tool's MCP App view: one self-contained HTML file (Vega-Lite and
// the MCP Apps SDK inlined), generated at build time from src/apps/view/ and
// embedded gzip-compressed.
#pragma once

#include <string>
#include <string_view>

namespace fleetmcp::apps {

// The compressed bytes (generated: build/generated/chart_view_html.cpp).
std::string_view chart_view_gzip();

// The HTML, inflated on first use and kept for the life of the process.
const std::string& chart_view_html();

}  // namespace fleetmcp::apps
