// Without a usable database fleetmcp must still start and answer, turning the
// problem into a tool error an analyst can act on (both client eras).
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';

import { connectLegacyClient, connectModernClient } from './clients.mjs';
import { resultText, serverEnvironment } from './lib.mjs';

const CLIENTS = { legacy: connectLegacyClient, modern: connectModernClient };

// A loopback port nothing listens on: bind an ephemeral one, then release it.
async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function firstToolError(env, connect, args) {
  const { client } = await connect(env);
  try {
    assert.equal(client.getServerVersion()?.name, 'fleetmcp');
    const result = await client.callTool({ name: 'query', arguments: args });
    assert.equal(result.isError, true, `query succeeded without a database: ${resultText(result)}`);
    return resultText(result);
  } finally {
    await client.close();
  }
}

for (const [era, connect] of Object.entries(CLIENTS)) {
  describe(`fleetmcp without a usable database, ${era} era`, () => {
    it('explains that DATABASE_URL is missing', async () => {
      const message = await firstToolError(serverEnvironment(), connect, { sql: 'SELECT 1' });
      assert.match(message, /DATABASE_URL/);
    });

    it('explains that the database cannot be reached', async () => {
      const url = `postgresql://analytics_ro:unused@127.0.0.1:${await closedPort()}/tracksolid_db`;
      const message = await firstToolError(serverEnvironment({ DATABASE_URL: url }), connect, { sql: 'SELECT 1' });
      assert.match(message, /connect|database|refused/i);
    });
  });
}
