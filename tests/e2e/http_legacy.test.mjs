// The 1.x SDK over Streamable HTTP with a Bearer token against `fleetmcp
// gateway`: the shared tool contract, with the audit lines naming the token's owner.
import { connectLegacyHttp, connectThroughGateway } from './http_lib.mjs';
import { LEGACY_PROTOCOL_VERSION } from './clients.mjs';
import { describeToolContract } from './tool_contract.mjs';

describeToolContract({
  era: 'legacy',
  protocolVersion: LEGACY_PROTOCOL_VERSION,
  connect: (caller) => connectThroughGateway(caller, connectLegacyHttp),
});
