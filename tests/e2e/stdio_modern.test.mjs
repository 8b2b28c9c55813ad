// The 2.x client pinned to the 2026-07-28 era against fleetmcp over stdio: it
// probes with server/discover, then sends the per-request `_meta` envelope.
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import { e2eSettings, serverEnvironment, StderrCollector } from './lib.mjs';
import { describeToolContract } from './tool_contract.mjs';

const MODERN = '2026-07-28';

describeToolContract({
  era: 'modern',
  protocolVersion: MODERN,
  async connect(caller) {
    const { bin, databaseUrl } = e2eSettings();
    // The client probes on a throwaway sibling process spawned from these same
    // parameters (its stderr discarded); this transport's child serves the calls.
    const transport = new StdioClientTransport({
      command: bin,
      env: serverEnvironment({ DATABASE_URL: databaseUrl, MCP_CALLER: caller }),
      stderr: 'pipe',
    });
    const stderr = new StderrCollector(transport.stderr);
    // A pin has no legacy fallback: a server that cannot speak 2026-07-28 fails here.
    const client = new Client(
      { name: 'fleetmcp-e2e', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: MODERN } } },
    );
    await client.connect(transport);
    return { client, stderr, negotiatedProtocolVersion: client.getNegotiatedProtocolVersion() };
  },
});
