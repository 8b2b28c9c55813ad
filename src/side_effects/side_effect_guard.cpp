#include "side_effects/side_effect_guard.h"

#include <array>
#include <cctype>
#include <vector>

#include "sql/lexer.h"

namespace fleetmcp::side_effects {
namespace {

struct Rule {
  std::string_view name;  // exact name, or a prefix when it ends in '*'
  std::string_view what;
  bool call_only;  // only when followed by '(' (a column may share the name)
};

// PostgreSQL 15, functions-admin and friends: what each does outside the
// transaction, so that the rollback leaves it behind.
constexpr std::array kRules{
    Rule{"pg_logical_emit_message", "writes a WAL message", true},
    Rule{"txid_current", "assigns a transaction id (written to WAL)", true},
    Rule{"pg_current_xact_id", "assigns a transaction id (written to WAL)", true},
    Rule{"pg_advisory_*", "takes an advisory lock (a slot in the shared lock table)", true},
    Rule{"pg_try_advisory_*", "takes an advisory lock (a slot in the shared lock table)", true},
    Rule{"pg_cancel_backend", "signals another session", true},
    Rule{"pg_terminate_backend", "signals another session", true},
    Rule{"pg_signal_backend", "signals another session", true},
    Rule{"pg_reload_conf", "signals the server", true},
    Rule{"pg_rotate_logfile", "signals the server", true},
    Rule{"pg_log_backend_memory_contexts", "signals another session", true},
    Rule{"lo_*", "works on large objects", true},
    Rule{"loread", "works on large objects", true},
    Rule{"lowrite", "works on large objects", true},
    Rule{"pg_notify", "sends a notification", true},
    Rule{"pg_create_*", "controls replication or backup", true},
    Rule{"pg_drop_replication_slot", "controls replication", true},
    Rule{"pg_copy_*_replication_slot", "controls replication", true},
    Rule{"pg_replication_*", "controls replication", true},
    Rule{"pg_logical_slot_*", "consumes a replication slot", true},
    Rule{"pg_backup_*", "controls backup", true},
    Rule{"pg_start_backup", "controls backup", true},
    Rule{"pg_stop_backup", "controls backup", true},
    Rule{"pg_switch_wal", "switches the WAL file", true},
    Rule{"pg_promote", "promotes a standby", true},
    Rule{"pg_wal_replay_*", "controls WAL replay", true},
    Rule{"pg_import_system_collations", "creates collations", true},
    Rule{"dblink*", "runs SQL in another session", true},
    // They run SQL handed over as a string, which no check of the tokens sees.
    Rule{"query_to_xml*", "runs SQL given as text, which this check cannot see into", true},
    Rule{"ts_stat", "runs SQL given as text, which this check cannot see into", true},
    // Other analysts' running SQL, literals included: every call is analytics_ro.
    Rule{"pg_stat_activity", "shows other sessions' query text", false},
    Rule{"pg_stat_get_activity", "shows other sessions' query text", false},
    Rule{"pg_stat_get_backend_activity", "shows other sessions' query text", false},
    Rule{"pg_stat_statements*", "shows other sessions' query text", false},
};

// A pattern is a name, or "prefix*suffix" (either part may be empty).
bool matches(std::string_view pattern, const std::string& name) {
  std::size_t star = pattern.find('*');
  if (star == std::string_view::npos) return name == pattern;
  std::string_view prefix = pattern.substr(0, star);
  std::string_view suffix = pattern.substr(star + 1);
  return name.size() >= prefix.size() + suffix.size() && name.starts_with(prefix) && name.ends_with(suffix);
}

// The name the server sees: unquoted words fold to lower case, quoted
// identifiers keep their text (doubled quotes undone).
std::string server_name(const sql::Token& token) {
  std::string name;
  if (token.kind == sql::TokenKind::QuotedIdentifier && token.text.starts_with('"')) {
    std::string_view inner = token.text.substr(1, token.text.size() - 2);
    for (std::size_t i = 0; i < inner.size(); ++i) {
      name += inner[i];
      if (inner[i] == '"') ++i;
    }
    return name;
  }
  for (char c : token.text) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace

std::optional<Refusal> find_side_effect(std::string_view sql) {
  std::vector<sql::Token> tokens;
  for (const sql::Token& token : sql::lex(sql).tokens)
    if (token.kind != sql::TokenKind::Whitespace && token.kind != sql::TokenKind::Comment) tokens.push_back(token);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const sql::Token& token = tokens[i];
    if (token.kind != sql::TokenKind::Word && token.kind != sql::TokenKind::QuotedIdentifier) continue;
    const bool called = i + 1 < tokens.size() && tokens[i + 1].text == "(";
    // U&"\0070g_notify" spells any name; its escapes are not worth decoding here.
    if (called && token.kind == sql::TokenKind::QuotedIdentifier && !token.text.starts_with('"'))
      return Refusal{"a function name in U&\"…\" form is refused before it runs: spell it plainly", token.offset};
    const std::string name = server_name(token);
    for (const Rule& rule : kRules) {
      if ((rule.call_only && !called) || !matches(rule.name, name)) continue;
      return Refusal{name + (called ? "()" : "") + " is refused before it runs: it " + std::string{rule.what},
                     token.offset};
    }
  }
  return std::nullopt;
}

std::vector<RefusedName> refused_names() {
  std::vector<RefusedName> names;
  for (const Rule& rule : kRules) names.push_back({rule.name, rule.call_only});
  return names;
}

void refuse_side_effects(sql::Verdict& verdict, std::string_view sql) {
  if (!verdict.allowed) return;
  std::optional<Refusal> found = find_side_effect(sql);
  if (!found) return;
  verdict.allowed = false;
  verdict.reason = std::move(found->reason);
  verdict.error_offset = found->offset;
}

}  // namespace fleetmcp::side_effects
