// `fleetmcp config claude-desktop|claude-code`: ready-to-paste client
// configuration for this binary (stdio, optionally through --ssh) or for the
// hosted endpoint with a Bearer token.
#pragma once

#include <string>
#include <vector>

#include "config.h"

namespace CLI {
class App;
}

namespace fleetmcp {

struct ClientSetup {
  std::string binary;                      // absolute path of this executable
  std::string database_url;                // empty → a placeholder to fill in
  std::string ssh;                         // --ssh destination, if any
  std::string ssh_target;                  // only written when not the default
  std::vector<std::string> ssh_options;
  std::string readable_schemas;            // only written when not the default
  std::string time_zone;                   // MCP_TIME_ZONE, when set
  std::string hosted_url;                  // set → the hosted endpoint instead of stdio
  std::string token;                       // Bearer token for the hosted endpoint
};

// What main gathered from the configuration and `config` flags.
ClientSetup client_setup(const Config& config, const std::string& hosted_url, const std::string& token);

// The "mcpServers" JSON for claude_desktop_config.json.
std::string claude_desktop_config(const ClientSetup& setup);

// The `claude mcp add …` command line for Claude Code.
std::string claude_code_command(const ClientSetup& setup);

// Quotes a word for a POSIX shell.
std::string shell_quote(const std::string& word);

// Registers `config claude-desktop|claude-code [--hosted URL --token TOKEN]`;
// run it with run_config_command when it was given.
struct ConfigCommand {
  CLI::App* command = nullptr;
  CLI::App* desktop = nullptr;
  CLI::App* code = nullptr;
  std::string hosted_url;
  std::string token;
};
void add_config_command(CLI::App& app, ConfigCommand& command);
int run_config_command(const Config& config, const ConfigCommand& command);

}  // namespace fleetmcp
