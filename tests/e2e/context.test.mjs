// Resources, prompts and completions through both official SDK clients, over
// stdio and through the gateway (Streamable HTTP with a Bearer token).
import { connectLegacyClient, connectModernClient } from './clients.mjs';
import { connectLegacyHttp, connectModernHttp, connectThroughGateway } from './http_lib.mjs';
import { demoDatabaseUrl, serverEnvironment } from './lib.mjs';
import { describeContextContract } from './context_contract.mjs';

const stdio = (connectClient) => (caller) =>
  connectClient(serverEnvironment({ DATABASE_URL: demoDatabaseUrl(), MCP_CALLER: caller }));

describeContextContract({ era: 'legacy', transport: 'stdio', connect: stdio(connectLegacyClient) });
describeContextContract({ era: 'modern', transport: 'stdio', connect: stdio(connectModernClient) });
describeContextContract({ era: 'legacy', transport: 'http', connect: (caller) => connectThroughGateway(caller, connectLegacyHttp) });
describeContextContract({ era: 'modern', transport: 'http', connect: (caller) => connectThroughGateway(caller, connectModernHttp) });
