// The 1.x SDK (the client most desktop hosts ship today) against fleetmcp over
// stdio: the legacy `initialize` handshake, then the shared tool contract.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

import { e2eSettings, serverEnvironment, StderrCollector } from './lib.mjs';
import { describeToolContract } from './tool_contract.mjs';

describeToolContract({
  era: 'legacy',
  protocolVersion: '2025-11-25',
  async connect(caller) {
    const { bin, databaseUrl } = e2eSettings();
    const transport = new StdioClientTransport({
      command: bin,
      env: serverEnvironment({ DATABASE_URL: databaseUrl, MCP_CALLER: caller }),
      stderr: 'pipe',
    });
    const stderr = new StderrCollector(transport.stderr);
    // The 1.x client exposes the negotiated version only by handing it to a
    // transport that wants it (HTTP headers); stdio does not, so we listen.
    let negotiatedProtocolVersion;
    transport.setProtocolVersion = (version) => { negotiatedProtocolVersion = version; };
    const client = new Client({ name: 'fleetmcp-e2e', version: '1.0.0' });
    await client.connect(transport);
    return { client, stderr, negotiatedProtocolVersion };
  },
});
