#include "tools/relation_suggestions.h"

#include <cctype>
#include <optional>

#include "sql/lexer.h"
#include "tools/catalog_tools.h"
#include "tools/suggestions.h"

namespace fleetmcp::tools {
namespace {

// The quoted name in `relation "reporting.devices" does not exist`, or "".
std::string quoted_name_in(const std::string& message, const char* prefix) {
  const std::string start = std::string{prefix} + " \"";
  if (message.rfind(start, 0) != 0) return "";
  const std::size_t end = message.find("\" does not exist", start.size());
  return end == std::string::npos ? "" : message.substr(start.size(), end - start.size());
}

// A name token as PostgreSQL reads it: plain words fold to lower case,
// "Quoted" names keep their case and lose their quotes.
std::optional<std::string> identifier(const sql::Token& token) {
  if (token.kind == sql::TokenKind::Word) {
    std::string folded{token.text};
    for (char& c : folded) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return folded;
  }
  if (token.kind != sql::TokenKind::QuotedIdentifier || token.text.front() != '"') return std::nullopt;
  std::string name;
  for (std::size_t i = 1; i + 1 < token.text.size(); ++i) {
    name += token.text[i];
    if (token.text[i] == '"') ++i;  // "" stands for one quote
  }
  return name;
}

// The relation named after `schema.` in the statement ("inc" in ticket.inc), or "".
std::string relation_after_schema(const std::string& statement, const std::string& schema) {
  std::vector<sql::Token> names;
  for (const sql::Token& token : sql::lex(statement).tokens)
    if (token.kind != sql::TokenKind::Whitespace && token.kind != sql::TokenKind::Comment) names.push_back(token);
  for (std::size_t i = 0; i + 2 < names.size(); ++i)
    if (identifier(names[i]) == schema && names[i + 1].text == "." && identifier(names[i + 2]))
      return *identifier(names[i + 2]);
  return "";
}

std::string did_you_mean(const std::vector<std::string>& relations) {
  return relations.empty() ? "" : "Did you mean " + one_of(relations) + "? (relations the analytics role can read)";
}

}  // namespace

std::vector<std::string> similar_relations(ToolEnvironment& env, const std::string& schema, const std::string& name) {
  const std::vector<std::string> candidates = readable_relation_names(env);
  std::vector<std::string> matches;
  if (!schema.empty()) matches = close_matches(schema + "." + name, candidates);
  return matches.empty() ? close_matches(name, candidates) : matches;
}

std::string missing_relation_advice(ToolEnvironment& env, const std::string& sqlstate, const std::string& message,
                                    const std::string& statement) {
  if (sqlstate == "42P01") {
    const std::string named = quoted_name_in(message, "relation");
    if (named.empty()) return "";
    const std::size_t dot = named.find('.');
    if (dot == std::string::npos) return did_you_mean(similar_relations(env, "", named));
    return did_you_mean(similar_relations(env, named.substr(0, dot), named.substr(dot + 1)));
  }
  if (sqlstate != "3F000") return "";
  const std::string schema = quoted_name_in(message, "schema");
  if (schema.empty()) return "";
  if (std::string relation = relation_after_schema(statement, schema); !relation.empty())
    if (std::string advice = did_you_mean(similar_relations(env, schema, relation)); !advice.empty()) return advice;
  auto schemas = close_matches(schema, env.config.readable_schemas);
  return schemas.empty() ? "" : "Did you mean schema " + one_of(schemas) + "?";
}

}  // namespace fleetmcp::tools
