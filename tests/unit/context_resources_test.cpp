// The resource registry's paging and routing, and the Markdown page of a
// table description.
#include <doctest/doctest.h>

#include "context/resource_registry.h"
#include "context/table_markdown.h"

using namespace fleetmcp::context;
using nlohmann::json;

namespace {

// A fixed family of numbered resources, as an export directory would be.
class NumberedResources : public ResourceProvider {
 public:
  explicit NumberedResources(int count, bool per_caller = false) : count_(count), per_caller_(per_caller) {}
  std::vector<json> list(const std::string&) override {
    std::vector<json> items;
    for (int i = 0; i < count_; ++i) items.push_back({{"uri", "test://n/" + std::to_string(i)}, {"name", std::to_string(i)}});
    return items;
  }
  std::vector<json> templates() const override { return {{{"uriTemplate", "test://n/{i}"}, {"name", "n"}}}; }
  bool owns(std::string_view uri) const override { return uri.rfind("test://n/", 0) == 0; }
  json read(const std::string& uri, const std::string&) override {
    if (uri == "test://n/missing") throw ResourceNotFound("no such number");
    return json::array({{{"uri", uri}, {"text", "content"}}});
  }
  CacheHint cache_hint() const override { return {std::chrono::milliseconds(per_caller_ ? 1000 : 60000), per_caller_}; }

 private:
  int count_;
  bool per_caller_;
};

}  // namespace

TEST_CASE("a long list comes in pages that the nextCursor chains") {
  ResourceRegistry registry;
  registry.add(std::make_unique<NumberedResources>(250));
  std::size_t seen = 0;
  std::string cursor;
  int pages = 0;
  do {
    ListPage page = registry.list(cursor, "amina");
    seen += page.items.size();
    cursor = page.next_cursor;
    ++pages;
  } while (!cursor.empty());
  CHECK(seen == 250);
  CHECK(pages == 3);
  CHECK_THROWS_AS(registry.list("offset:x", "amina"), std::invalid_argument);
  CHECK_THROWS_AS(registry.list("42", "amina"), std::invalid_argument);
  CHECK(registry.list("offset:999", "amina").items.empty());
}

TEST_CASE("reads go to the provider that owns the URI, and the strictest hint wins for lists") {
  ResourceRegistry registry;
  registry.add(std::make_unique<NumberedResources>(2));
  registry.add(std::make_unique<NumberedResources>(0, true));
  auto [contents, hint] = registry.read("test://n/1", "amina");
  CHECK(contents[0]["text"] == "content");
  CHECK_THROWS_AS(registry.read("other://x", "amina"), ResourceNotFound);
  CHECK_THROWS_AS(registry.read("test://n/missing", "amina"), ResourceNotFound);
  const CacheHint listed = registry.templates().hint;
  CHECK(listed.per_caller);
  CHECK(listed.ttl == std::chrono::milliseconds(1000));
}

TEST_CASE("the Markdown page shows columns, keys and the definition, with pipes escaped") {
  const json described = {{"schema", "reporting"},
                          {"table", "v_x"},
                          {"kind", "view"},
                          {"comment", "One row per thing."},
                          {"estimated_rows", nullptr},
                          {"columns", json::array({{{"name", "a"}, {"type", "int8"}, {"nullable", false}, {"primary_key", true}},
                                                   {{"name", "b"}, {"type", "text"}, {"nullable", true}, {"comment", "x | y"}}})},
                          {"primary_key", json::array({"a"})},
                          {"foreign_keys", json::array()},
                          {"indexes", json::array({"CREATE INDEX i ON t (a)"})},
                          {"definition", "SELECT 1"}};
  const std::string page = table_markdown(described);
  CHECK(page.rfind("# reporting.v_x (view)\n\nOne row per thing.", 0) == 0);
  CHECK(page.find("| `a` | int8 | no | primary key |") != std::string::npos);
  CHECK(page.find("x \\| y") != std::string::npos);
  CHECK(page.find("````sql\nSELECT 1\n````") != std::string::npos);
  CHECK(page.find("Estimated rows") == std::string::npos);
  CHECK(page.find("`SELECT * FROM reporting.v_x LIMIT 10`") != std::string::npos);
  json odd = described;
  odd["schema"] = "Odd Schema";
  odd["table"] = "say \"hi\"";
  CHECK(table_markdown(odd).find("`SELECT * FROM \"Odd Schema\".\"say \"\"hi\"\"\" LIMIT 10`") != std::string::npos);
}
