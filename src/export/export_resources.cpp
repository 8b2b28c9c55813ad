#include "export/export_resources.h"

#include <ctime>

#include "mcp/jsonrpc.h"

namespace fleetmcp::exports {
namespace {

using nlohmann::json;

json resource_of(const ExportRecord& record) {
  return {{"uri", ExportService::resource_uri(record.id)},
          {"name", record.file_name()},
          {"title", "Export " + record.file_name()},
          {"description", std::to_string(record.rows) + " rows of: " + record.sql.substr(0, 200)},
          {"mimeType", media_type(record.format)},
          {"size", record.bytes}};
}

// Where to get a file too large to read through MCP.
std::string where_whole(ExportService& service, const ExportRecord& record) {
  if (!service.hosted()) return "open it at " + service.store().path_of(record);
  const std::string url = service.download_url(record.id);
  return "download it with your Bearer token at " +
         (url.empty() ? ExportService::download_path(record.id) + " on the gateway" : url);
}

}  // namespace

std::vector<json> ExportResources::list(const std::string& caller) {
  std::vector<json> entries;
  try {
    for (const auto& record : service_.store().owned_by(caller, std::time(nullptr)))
      entries.push_back(resource_of(record));
  } catch (const ExportStoreError&) {
    // No usable export directory yet: no exports to list (the export tool says why).
  }
  return entries;
}

std::vector<json> ExportResources::templates() const {
  return {{{"uriTemplate", std::string(kExportUriPrefix) + "{id}"},
           {"name", "export"},
           {"title", "A file the export tool wrote"},
           {"description", "Your own exports only; the id is the export tool's export_id"},
           {"mimeType", "text/csv"}}};
}

json ExportResources::read(const std::string& uri, const std::string& caller) {
  const std::string id = uri.substr(kExportUriPrefix.size());
  std::optional<ExportRecord> record;
  try {
    record = service_.store().find(id, std::time(nullptr));
  } catch (const ExportStoreError&) {
  }
  // Another analyst's export is as absent as one that never was.
  if (!record || record->owner != caller)
    throw context::ResourceNotFound("no export of yours has this id (exports expire; see resources/list)");
  const std::size_t limit = service_.config().max_bytes;
  if (record->bytes > limit)
    throw mcp::RpcException(mcp::error_code::invalid_params,
                            "Export " + record->file_name() + " holds " + std::to_string(record->bytes) +
                                " bytes, more than resources/read returns (" + std::to_string(limit) +
                                ", MCP_MAX_BYTES): " + where_whole(service_, *record) +
                                ", or query an aggregate instead",
                            {{"uri", uri}, {"size", record->bytes}});
  auto text = service_.store().contents(*record);
  if (!text) throw context::ResourceNotFound("the export's file is gone (it expired or was removed)");
  return json::array({{{"uri", uri}, {"mimeType", media_type(record->format)}, {"text", std::move(*text)}}});
}

}  // namespace fleetmcp::exports
