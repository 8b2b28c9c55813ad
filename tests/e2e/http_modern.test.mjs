// The 2.x client pinned to 2026-07-28 over Streamable HTTP with a Bearer token
// against `fleetmcp gateway`: the shared tool contract, audit naming the caller.
import { connectModernHttp, connectThroughGateway } from './http_lib.mjs';
import { MODERN_PROTOCOL_VERSION } from './clients.mjs';
import { describeToolContract } from './tool_contract.mjs';

describeToolContract({
  era: 'modern',
  protocolVersion: MODERN_PROTOCOL_VERSION,
  connect: (caller) => connectThroughGateway(caller, connectModernHttp),
});
