// The 2.x client pinned to 2026-07-28 against fleetmcp over stdio with the demo
// database: server/discover and per-request `_meta`, then the shared tool contract.
import { connectModernClient, MODERN_PROTOCOL_VERSION } from './clients.mjs';
import { demoDatabaseUrl, serverEnvironment } from './lib.mjs';
import { describeToolContract } from './tool_contract.mjs';

describeToolContract({
  era: 'modern',
  protocolVersion: MODERN_PROTOCOL_VERSION,
  connect: (caller) => connectModernClient(serverEnvironment({ DATABASE_URL: demoDatabaseUrl(), MCP_CALLER: caller })),
});
