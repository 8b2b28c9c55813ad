// Connects each official MCP client to a freshly spawned fleetmcp over stdio,
// capturing the server's stderr; one function per protocol era.
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as LegacyStdioTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Client as ModernClient } from '@modelcontextprotocol/client';
import { StdioClientTransport as ModernStdioTransport } from '@modelcontextprotocol/client/stdio';

import { fleetmcpBinary, StderrCollector } from './lib.mjs';

export const LEGACY_PROTOCOL_VERSION = '2025-11-25';
export const MODERN_PROTOCOL_VERSION = '2026-07-28';

const CLIENT_INFO = { name: 'fleetmcp-e2e', version: '1.0.0' };

// @modelcontextprotocol/sdk 1.x: the `initialize` handshake most hosts ship today.
// Resolves to { client, stderr: StderrCollector, negotiatedProtocolVersion }.
// capabilities: what the client declares at initialize (e.g. MCP Apps).
export async function connectLegacyClient(env, capabilities = {}) {
  const transport = new LegacyStdioTransport({ command: fleetmcpBinary(), env, stderr: 'pipe' });
  const stderr = new StderrCollector(transport.stderr);
  // The 1.x client exposes the negotiated version only by handing it to a
  // transport that wants it (HTTP headers); stdio does not, so we listen.
  let negotiatedProtocolVersion;
  transport.setProtocolVersion = (version) => { negotiatedProtocolVersion = version; };
  const client = new LegacyClient(CLIENT_INFO, { capabilities });
  await client.connect(transport);
  return { client, stderr, negotiatedProtocolVersion };
}

// @modelcontextprotocol/client 2.x pinned to 2026-07-28: no fallback, so a
// server that cannot speak the modern era fails here. The client probes with
// server/discover on a throwaway sibling spawned from the same parameters (its
// stderr discarded); this transport's child then serves requests carrying the
// per-request `_meta` envelope.
export async function connectModernClient(env, capabilities = {}) {
  const transport = new ModernStdioTransport({ command: fleetmcpBinary(), env, stderr: 'pipe' });
  const stderr = new StderrCollector(transport.stderr);
  const client = new ModernClient(CLIENT_INFO, {
    capabilities,
    versionNegotiation: { mode: { pin: MODERN_PROTOCOL_VERSION } },
  });
  await client.connect(transport);
  return { client, stderr, negotiatedProtocolVersion: client.getNegotiatedProtocolVersion() };
}
