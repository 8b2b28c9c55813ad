#include "claude_config.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace fleetmcp {
namespace {

const char* const kPlaceholderDsn = "postgresql://analytics_ro:PASSWORD@localhost:15432/tracksolid_db";

std::string this_executable() {
  std::error_code error;
  auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::string{"/usr/bin/fleetmcp"} : path.string();
}

std::vector<std::string> stdio_arguments(const ClientSetup& setup) {
  std::vector<std::string> args;
  if (setup.ssh.empty()) return args;
  args = {"--ssh", setup.ssh};
  if (!setup.ssh_target.empty()) args.insert(args.end(), {"--ssh-target", setup.ssh_target});
  for (const auto& option : setup.ssh_options) args.insert(args.end(), {"--ssh-option", option});
  return args;
}

std::vector<std::pair<std::string, std::string>> stdio_environment(const ClientSetup& setup) {
  std::vector<std::pair<std::string, std::string>> env{
      {"DATABASE_URL", setup.database_url.empty() ? kPlaceholderDsn : setup.database_url}};
  if (!setup.readable_schemas.empty()) env.emplace_back("MCP_READABLE_SCHEMAS", setup.readable_schemas);
  if (!setup.time_zone.empty()) env.emplace_back("MCP_TIME_ZONE", setup.time_zone);
  return env;
}

}  // namespace

std::string shell_quote(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@%+=:,./_-") ==
                           std::string::npos)
    return word;
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string{"'\\''"} : std::string(1, c);
  return quoted + "'";
}

ClientSetup client_setup(const Config& config, const std::string& hosted_url, const std::string& token) {
  ClientSetup setup;
  setup.binary = this_executable();
  setup.database_url = config.database_url;
  setup.ssh = config.ssh;
  if (config.ssh_target != Config{}.ssh_target) setup.ssh_target = config.ssh_target;
  setup.ssh_options = config.ssh_options;
  if (config.readable_schemas != Config{}.readable_schemas) setup.readable_schemas = config.readable_schemas_text();
  setup.time_zone = config.time_zone;
  setup.hosted_url = hosted_url;
  setup.token = token;
  return setup;
}

std::string claude_desktop_config(const ClientSetup& setup) {
  nlohmann::ordered_json server;
  if (!setup.hosted_url.empty()) {
    // Claude Desktop's config file cannot send headers to a remote server, so
    // the stdio bridge mcp-remote carries the Bearer token. The header is
    // split at ':' without a space because some clients mangle spaces in args.
    server["command"] = "npx";
    server["args"] = {"-y", "mcp-remote", setup.hosted_url, "--header", "Authorization:${FLEETMCP_AUTH_HEADER}"};
    server["env"] = {{"FLEETMCP_AUTH_HEADER", "Bearer " + (setup.token.empty() ? "YOUR_TOKEN" : setup.token)}};
  } else {
    server["command"] = setup.binary;
    server["args"] = stdio_arguments(setup);
    nlohmann::ordered_json env = nlohmann::ordered_json::object();
    for (const auto& [name, value] : stdio_environment(setup)) env[name] = value;
    server["env"] = env;
  }
  nlohmann::ordered_json config{{"mcpServers", {{"fleetmcp", server}}}};
  return config.dump(2) + "\n";
}

std::string claude_code_command(const ClientSetup& setup) {
  if (!setup.hosted_url.empty())
    return "claude mcp add --transport http fleetmcp " + shell_quote(setup.hosted_url) + " --header " +
           shell_quote("Authorization: Bearer " + (setup.token.empty() ? "YOUR_TOKEN" : setup.token)) + "\n";
  std::string command = "claude mcp add --transport stdio";
  for (const auto& [name, value] : stdio_environment(setup)) command += " --env " + shell_quote(name + "=" + value);
  command += " fleetmcp -- " + shell_quote(setup.binary);
  for (const auto& arg : stdio_arguments(setup)) command += " " + shell_quote(arg);
  return command + "\n";
}

void add_config_command(CLI::App& app, ConfigCommand& command) {
  command.command = app.add_subcommand("config",
                                       "Print ready-to-paste client configuration for this binary (stdio, with "
                                       "--ssh when given) or for the hosted endpoint (--hosted URL --token TOKEN)")
                        ->fallthrough()
                        ->require_subcommand(1);
  command.command->add_option("--hosted", command.hosted_url,
                              "The hosted endpoint, e.g. https://fleetmcp.fivetitude.com/mcp");
  command.command->add_option("--token", command.token, "Your Bearer token for the hosted endpoint");
  command.desktop =
      command.command->add_subcommand("claude-desktop", "JSON for claude_desktop_config.json")->fallthrough();
  command.code = command.command->add_subcommand("claude-code", "The `claude mcp add` command")->fallthrough();
}

int run_config_command(const Config& config, const ConfigCommand& command) {
  if (!command.token.empty() && command.hosted_url.empty()) {
    std::fprintf(stderr, "fleetmcp: --token goes with --hosted URL\n");
    return 2;
  }
  ClientSetup setup = client_setup(config, command.hosted_url, command.token);
  std::string text = *command.desktop ? claude_desktop_config(setup) : claude_code_command(setup);
  std::fputs(text.c_str(), stdout);
  return 0;
}

}  // namespace fleetmcp
