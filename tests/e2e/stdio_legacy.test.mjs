// The 1.x SDK against fleetmcp over stdio with the demo database: the legacy
// `initialize` handshake, then the shared tool contract.
import { connectLegacyClient, LEGACY_PROTOCOL_VERSION } from './clients.mjs';
import { demoDatabaseUrl, serverEnvironment } from './lib.mjs';
import { describeToolContract } from './tool_contract.mjs';

describeToolContract({
  era: 'legacy',
  protocolVersion: LEGACY_PROTOCOL_VERSION,
  connect: (caller) => connectLegacyClient(serverEnvironment({ DATABASE_URL: demoDatabaseUrl(), MCP_CALLER: caller })),
});
