// Two gateways behind haproxy, round robin per request: both official SDK
// clients in both protocol eras work through it with no stickiness (the
// gateway keeps no session), a token file reload reaches both gateways, and
// each gateway's /metrics (on its own loopback listener) counts what it served.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { LEGACY_PROTOCOL_VERSION, MODERN_PROTOCOL_VERSION } from './clients.mjs';
import { startHaproxy } from './haproxy_lib.mjs';
import { accessRecords, connectLegacyHttp, connectModernHttp, newToken, post, startGateway } from './http_lib.mjs';
import { demoDatabaseUrl, resultData, until } from './lib.mjs';

const CALLS = 6;

async function scrape(gateway) {
  const address = gateway.process.stderr.text.match(/metrics on http:\/\/(127\.0\.0\.1:\d+)\/metrics/)?.[1];
  assert.ok(address, `the gateway names its metrics listener:\n${gateway.process.stderr.text}`);
  const response = await fetch(`http://${address}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return response.text();
}

// The value of one sample line, 0 when the series is absent.
function sampleValue(exposition, series) {
  const line = exposition.split('\n').find((each) => each.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

function callsBy(gateway, caller) {
  return accessRecords(gateway).filter((record) => record.path === '/mcp' && record.caller === caller).length;
}


describe('two gateways behind haproxy (round robin, no stickiness)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'fleetmcp-haproxy-'));
  const tokensFile = join(directory, 'tokens');
  const anaToken = newToken();
  let gateways = [];
  let proxy;

  before(async () => {
    writeFileSync(tokensFile, `ana:${anaToken}\n`);
    gateways = await Promise.all([1, 2].map(() => startGateway({
      args: ['--pool-max', '2'],
      env: { DATABASE_URL: demoDatabaseUrl(), MCP_AUTH_TOKENS_FILE: tokensFile, MCP_METRICS_LISTEN: '127.0.0.1:0' },
    })));
    proxy = await startHaproxy(directory, gateways.map((gateway) => new URL(gateway.base).host));
  });
  after(async () => {
    await proxy?.stop();
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    rmSync(directory, { recursive: true, force: true });
  });

  for (const [era, connect, version] of [
    ['legacy', connectLegacyHttp, LEGACY_PROTOCOL_VERSION],
    ['modern', connectModernHttp, MODERN_PROTOCOL_VERSION],
  ]) {
    it(`serves the ${era} (${version}) SDK client, its requests alternating between the gateways`, async () => {
      const before = gateways.map((gateway) => callsBy(gateway, 'ana'));
      const { client, negotiatedProtocolVersion } = await connect(proxy.url, anaToken);
      try {
        assert.equal(negotiatedProtocolVersion, version);
        const { tools } = await client.listTools();
        assert.ok(tools.some((tool) => tool.name === 'query'));
        for (let i = 0; i < CALLS; i += 1) {
          const data = resultData(await client.callTool({ name: 'query', arguments: { sql: `SELECT ${i} AS n` } }));
          assert.deepEqual(data.rows, [[i]]);
        }
      } finally {
        await client.close();
      }
      const served = gateways.map((gateway, index) => callsBy(gateway, 'ana') - before[index]);
      assert.ok(served.every((count) => count >= CALLS / 2), `both gateways served the one client: ${served}`);
    });
  }

  it('reloads the tokens file on both gateways with SIGHUP', async () => {
    const bobToken = newToken();
    const ping = (token) => post(proxy.url, { jsonrpc: '2.0', id: 1, method: 'ping' }, { Authorization: `Bearer ${token}` });
    writeFileSync(tokensFile, `bob:${bobToken}\n`);
    for (const gateway of gateways) gateway.process.child.kill('SIGHUP');
    await until(() => gateways.every((gateway) => /SIGHUP: reloaded 1 token/.test(gateway.process.stderr.text)),
      'both gateways to reload');
    const before = gateways.map((gateway) => callsBy(gateway, 'bob'));
    // Round robin: four requests are two per gateway, so each gateway must take the new token and drop the old.
    for (let i = 0; i < 4; i += 1) assert.equal((await ping(bobToken)).status, 200, 'the new token');
    // A gateway writes its access line just after the response, so the last may still be on its way.
    const served = () => gateways.map((gateway, index) => callsBy(gateway, 'bob') - before[index]);
    await until(() => served()[0] + served()[1] === 4, 'the four access lines');
    assert.deepEqual(served(), [2, 2]);
    for (let i = 0; i < 4; i += 1) assert.equal((await ping(anaToken)).status, 401, 'the removed token');
  });

  it("counts on each gateway's /metrics what that gateway served", async () => {
    // Counted as each response goes out: the last ones may land a moment after the client has them.
    let expositions;
    await until(async () => {
      expositions = await Promise.all(gateways.map(scrape));
      return expositions.every((text) =>
        sampleValue(text, 'fleetmcp_gateway_requests_total{method="ping",outcome="unauthorized"}') >= 2 &&
        sampleValue(text, 'fleetmcp_gateway_http_responses_total{code="401"}') >= 2);
    }, 'both gateways to count the refused pings');
    const toolCalls = expositions.map((text) =>
      sampleValue(text, 'fleetmcp_gateway_requests_total{method="tools/call",outcome="ok"}'));
    assert.ok(toolCalls.every((count) => count > 0), `tools/call counted on both: ${toolCalls}`);
    assert.equal(toolCalls[0] + toolCalls[1], 2 * CALLS, 'every call counted once, on the gateway that served it');
    for (const text of expositions) {
      assert.equal(sampleValue(text, 'fleetmcp_gateway_http_responses_total{code="401"}'), 2);
      assert.equal(sampleValue(text, 'fleetmcp_gateway_requests_total{method="ping",outcome="unauthorized"}'), 2);
      assert.ok(sampleValue(text, 'fleetmcp_gateway_request_duration_seconds_count{method="tools/call"}') > 0);
      assert.equal(sampleValue(text, 'fleetmcp_gateway_pool_children'), 2);
      assert.equal(sampleValue(text, 'fleetmcp_gateway_child_restarts_total'), 0);
    }
  });
});
