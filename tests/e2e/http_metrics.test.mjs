// The gateway's Prometheus /metrics: off unless MCP_METRICS_LISTEN names a
// listener, never on the MCP port, and its counters move with what the
// gateway answers (calls, 401, 413, the latency histogram, the pool).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { newToken, post, startGateway } from './http_lib.mjs';
import { demoDatabaseUrl, serverEnvironment, startProcess } from './lib.mjs';

function sampleValue(exposition, series) {
  const line = exposition.split('\n').find((each) => each.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

function legacyCall(id, sql) {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'query', arguments: { sql } } };
}

describe('gateway /metrics', () => {
  const token = newToken();
  let gateway;
  let metricsUrl;

  before(async () => {
    gateway = await startGateway({
      args: ['--pool-max', '1', '--max-request-bytes', '4096'],
      env: { DATABASE_URL: demoDatabaseUrl(), MCP_AUTH_TOKENS: `ana:${token}`, MCP_METRICS_LISTEN: '127.0.0.1:0' },
    });
    const address = gateway.process.stderr.text.match(/metrics on http:\/\/(127\.0\.0\.1:\d+)\/metrics/)?.[1];
    assert.ok(address, gateway.process.stderr.text);
    metricsUrl = `http://${address}/metrics`;
  });
  after(async () => { await gateway?.stop(); });

  it('is not served on the MCP port', async () => {
    const response = await fetch(`${gateway.base}/metrics`);
    assert.equal(response.status, 404);
    assert.doesNotMatch(await response.text(), /fleetmcp_gateway/);
  });

  it('counts calls, refusals and latency as they happen', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const first = await (await fetch(metricsUrl)).text();
    for (const id of [1, 2]) assert.equal((await post(gateway.url, legacyCall(id, 'SELECT 1'), auth)).status, 200);
    assert.equal((await post(gateway.url, legacyCall(3, 'SELECT 1'), { Authorization: 'Bearer wrong' })).status, 401);
    assert.equal((await post(gateway.url, legacyCall(4, `SELECT '${'x'.repeat(8192)}'`), auth)).status, 413);
    const response = await fetch(metricsUrl);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const now = await response.text();
    const moved = (series) => sampleValue(now, series) - sampleValue(first, series);
    assert.equal(moved('fleetmcp_gateway_requests_total{method="tools/call",outcome="ok"}'), 2);
    assert.equal(moved('fleetmcp_gateway_requests_total{method="tools/call",outcome="unauthorized"}'), 1);
    assert.equal(moved('fleetmcp_gateway_http_responses_total{code="401"}'), 1);
    assert.equal(moved('fleetmcp_gateway_http_responses_total{code="413"}'), 1);
    assert.equal(moved('fleetmcp_gateway_request_duration_seconds_count{method="tools/call"}'), 3);
    assert.equal(moved('fleetmcp_gateway_request_duration_seconds_bucket{method="tools/call",le="+Inf"}'), 3);
    assert.equal(sampleValue(now, 'fleetmcp_gateway_pool_children'), 1);
    assert.equal(sampleValue(now, 'fleetmcp_gateway_pool_alive'), 1);
    assert.equal(sampleValue(now, 'fleetmcp_gateway_pool_busy'), 0);
    assert.match(now, /^# TYPE fleetmcp_gateway_child_restarts_total counter$/m);
  });

  it('answers only GET /metrics on its listener', async () => {
    assert.equal((await fetch(metricsUrl.replace('/metrics', '/mcp'))).status, 404);
    assert.equal((await fetch(metricsUrl, { method: 'POST' })).status, 405);
    // It takes no request bodies at all.
    assert.equal((await fetch(metricsUrl, { method: 'POST', body: '{}' })).status, 413);
  });

  it('stops the start with the setting named when MCP_METRICS_LISTEN is not HOST:PORT', async () => {
    const refused = startProcess(['gateway', '--listen', '127.0.0.1:0'], serverEnvironment({
      DATABASE_URL: demoDatabaseUrl(), MCP_AUTH_TOKENS: `ana:${token}`, MCP_METRICS_LISTEN: 'no-port-here',
    }));
    const { code } = await refused.exited;
    assert.equal(code, 2);
    assert.match(refused.stderr.text, /MCP_METRICS_LISTEN/);
  });
});
