// `fleetmcp gateway` at the HTTP level: refusals (401, 403, 405, 413, 503),
// /healthz, caller naming that clients cannot forge, token reload on SIGHUP,
// a crashed child replaced, and a client that disconnects mid-query.
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { accessRecords, childPids, connectModernHttp, newToken, post, startGateway } from './http_lib.mjs';
import { demoDatabaseUrl, serverEnvironment, startProcess } from './lib.mjs';

const LEGACY = '2025-11-25';
const MODERN = '2026-07-28';
const META = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientCapabilities': {},
};

function legacyCall(id, sql) {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'query', arguments: { sql } } };
}

function auditRecords(gateway) {
  return gateway.process.stderr.auditRecords();
}

async function until(condition, what, tries = 200) {
  for (let i = 0; i < tries; i += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('fleetmcp gateway over HTTP', () => {
  const token = newToken();
  const otherToken = newToken();
  const directory = mkdtempSync(join(tmpdir(), 'fleetmcp-gw-'));
  const tokensFile = join(directory, 'tokens');
  let gateway;
  const auth = (secret = token) => ({ Authorization: `Bearer ${secret}` });

  before(async () => {
    writeFileSync(tokensFile, `# analysts\nfile-analyst:${otherToken}\n`);
    gateway = await startGateway({
      args: ['--pool-max', '1', '--queue-max', '1', '--max-request-bytes', '65536'],
      env: { DATABASE_URL: demoDatabaseUrl(), MCP_AUTH_TOKENS: `alice:${token}`, MCP_AUTH_TOKENS_FILE: tokensFile },
    });
  });
  after(async () => {
    await gateway?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('answers 401 with WWW-Authenticate: Bearer without a token or with a wrong one', async () => {
    const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
    for (const headers of [{}, auth('not-a-token'), { Authorization: `Basic ${token}` }]) {
      const response = await post(gateway.url, ping, headers);
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
    }
  });

  it('serves /healthz without a token, with pool and database state and no secrets', async () => {
    const response = await fetch(`${gateway.base}/healthz`);
    const text = await response.text();
    const health = JSON.parse(text);
    assert.equal(response.status, 200, text);
    assert.equal(health.ok, true);
    assert.equal(health.tokens, 2);
    assert.equal(health.pool.size, 1);
    assert.equal(health.database.reachable, true);
    assert.ok(!text.includes(token) && !text.includes(otherToken));
    assert.ok(!text.includes(new URL(demoDatabaseUrl()).password || 'no-password'));
  });

  it('has no OAuth metadata when OAuth is off (404), and keeps the realm challenge', async () => {
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const response = await fetch(`${gateway.base}${path}`);
      await response.text();
      assert.equal(response.status, 404, path);
    }
    const response = await post(gateway.url, { jsonrpc: '2.0', id: 1, method: 'ping' });
    await response.text();
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="fleetmcp"');
  });

  it('refuses a foreign Origin with 403 (conformance checks the Host header)', async () => {
    const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
    assert.equal((await post(gateway.url, ping, { ...auth(), Origin: 'https://evil.example.com' })).status, 403);
    const local = await post(gateway.url, ping, { ...auth(), Origin: gateway.base });
    assert.equal(local.status, 200);
  });

  it('answers GET and DELETE on the endpoint with 405', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(gateway.url, { method, headers: { ...auth(), Accept: 'text/event-stream' } });
      assert.equal(response.status, 405, method);
    }
  });

  it('refuses a body over the cap with 413', async () => {
    const huge = legacyCall(1, `SELECT '${'x'.repeat(70_000)}'`);
    const response = await post(gateway.url, huge, auth());
    assert.equal(response.status, 413);
  });

  it('serves the bare host URL like /mcp', async () => {
    const response = await post(`${gateway.base}/`, { jsonrpc: '2.0', id: 7, method: 'ping' }, auth());
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { jsonrpc: '2.0', id: 7, result: {} });
  });

  it('answers over SSE when the client accepts only text/event-stream', async () => {
    const response = await post(gateway.url, legacyCall(3, 'SELECT 1 AS one'), { ...auth(), Accept: 'text/event-stream' });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type'), /text\/event-stream/);
    const data = (await response.text()).split('\n').find((line) => line.startsWith('data: '));
    const message = JSON.parse(data.slice('data: '.length));
    assert.equal(message.id, 3);
    assert.equal(JSON.parse(message.result.content[0].text).rows[0][0], 1);
  });

  it('checks the 2026-07-28 headers against the body (HeaderMismatch -32020)', async () => {
    const body = { jsonrpc: '2.0', id: 5, method: 'tools/list', params: { _meta: META } };
    const headers = { ...auth(), 'MCP-Protocol-Version': MODERN };
    const good = await post(gateway.url, body, { ...headers, 'Mcp-Method': 'tools/list' });
    assert.equal(good.status, 200);
    assert.equal((await good.json()).result.cacheScope, 'public');
    for (const wrong of [{}, { 'Mcp-Method': 'prompts/list' }]) {
      const response = await post(gateway.url, body, { ...headers, ...wrong });
      assert.equal(response.status, 400);
      assert.equal((await response.json()).error.code, -32020);
    }
    const call = { jsonrpc: '2.0', id: 6, method: 'tools/call', params: { name: 'list_schemas', arguments: {}, _meta: META } };
    const misnamed = await post(gateway.url, call, { ...headers, 'Mcp-Method': 'tools/call', 'Mcp-Name': 'query' });
    assert.equal(misnamed.status, 400);
    assert.equal((await misnamed.json()).error.code, -32020);
    const encoded = `=?base64?${Buffer.from('list_schemas').toString('base64')}?=`;
    const named = await post(gateway.url, call, { ...headers, 'Mcp-Method': 'tools/call', 'Mcp-Name': encoded });
    assert.equal(named.status, 200);
  });

  it('names the token owner in the audit line even when the request claims another caller', async () => {
    const forged = legacyCall(9, 'SELECT 42 AS forged_caller_probe');
    forged.params._meta = { 'fleetmcp/caller': 'mallory' };
    const response = await post(gateway.url, forged, { ...auth(), 'MCP-Protocol-Version': LEGACY });
    assert.equal(response.status, 200);
    await until(() => auditRecords(gateway).some((record) => record.sql?.includes('forged_caller_probe')), 'the audit line');
    const record = auditRecords(gateway).find((line) => line.sql?.includes('forged_caller_probe'));
    assert.equal(record.caller, 'alice');
    const access = accessRecords(gateway).filter((line) => line.caller === 'alice' && line.status === 200);
    assert.ok(access.length > 0, 'an access line names alice');
    assert.equal(typeof access[0].ms, 'number');
  });

  it('reloads the tokens file on SIGHUP without a restart', async () => {
    const newcomer = newToken();
    const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
    assert.equal((await post(gateway.url, ping, auth(newcomer))).status, 401);
    assert.equal((await post(gateway.url, ping, auth(otherToken))).status, 200);
    writeFileSync(tokensFile, `bob:${newcomer}\n`);
    gateway.process.child.kill('SIGHUP');
    await until(async () => (await post(gateway.url, ping, auth(newcomer))).status === 200, 'the new token');
    assert.equal((await post(gateway.url, ping, auth(otherToken))).status, 401, 'the removed token still works');
    assert.equal((await post(gateway.url, ping, auth())).status, 200, 'MCP_AUTH_TOKENS still works');
  });

  it('answers 503 with Retry-After when the child and the queue are taken, and cancels a call whose client left', async () => {
    const sleeper = new AbortController();
    const pool = async () => (await (await fetch(`${gateway.base}/healthz`)).json()).pool;
    const sleep = (id) => post(gateway.url, legacyCall(id, 'SELECT pg_sleep(60) AS slow_disconnect_probe'),
      auth(), sleeper.signal).catch(() => 'aborted');
    // One child runs the first sleeper, the queue holds the second: a third is refused.
    // One at a time, so that nothing else can take the child or the queue's place
    // (a refused sleeper or a queued probe would leave the statement timeout to end the test).
    const sleepers = [sleep(20)];
    await until(async () => (await pool()).busy === 1, 'the first sleeper to hold the child');
    sleepers.push(sleep(21));
    await until(async () => (await pool()).queued === 1, 'the second sleeper to wait in the queue');
    const refused = await post(gateway.url, legacyCall(22, 'SELECT 1'), auth());
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.equal((await refused.json()).error.code, -32603);
    sleeper.abort();
    await Promise.all(sleepers);
    // The child is free again only because the running query was cancelled.
    // (The pool notices the departures within a poll interval; until then it may still say 503.)
    let message;
    await until(async () => {
      const answer = await post(gateway.url, legacyCall(23, 'SELECT 2 AS after_cancel'), auth());
      if (answer.status === 503) return false;
      assert.equal(answer.status, 200);
      message = await answer.json();
      return true;
    }, 'the child to be free again');
    assert.equal(JSON.parse(message.result.content[0].text).rows[0][0], 2);
    const cancelled = () => auditRecords(gateway).filter((record) => record.sql?.includes('slow_disconnect_probe'));
    await until(() => cancelled().length >= 1, `an audit line for the cancelled call:\n${gateway.process.stderr.text}`);
    for (const record of cancelled()) assert.notEqual(record.outcome, 'ok');
    // Each departure is logged once its handler returns, a moment after the pool has moved on.
    await until(() => accessRecords(gateway).filter((line) => line.status === 499).length >= 2, 'a 499 access line for each sleeper');
  });

  it('replaces a crashed child and says so to the request it was serving', async () => {
    const [before] = childPids(gateway);
    assert.ok(before, 'the gateway has a child');
    const pending = post(gateway.url, legacyCall(30, 'SELECT pg_sleep(60)'), auth());
    // Give the child the call before killing it (a kill before would only be a dead idle child).
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(before, 'SIGKILL');
    const response = await pending;
    const message = await response.json();
    assert.equal(message.id, 30);
    assert.match(message.error.message, /ended unexpectedly/);
    await until(() => childPids(gateway).some((pid) => pid !== before), 'a new child');
    const health = await (await fetch(`${gateway.base}/healthz`)).json();
    assert.equal(health.pool.alive, 1);
    assert.ok(health.pool.replaced >= 1);
    const modern = await connectModernHttp(gateway.url, token);
    const { tools } = await modern.client.listTools();
    assert.ok(tools.some((tool) => tool.name === 'query'));
    await modern.client.close();
  });

  it('finishes a request in flight on SIGTERM, then exits', async () => {
    const pending = post(gateway.url, legacyCall(40, 'SELECT pg_sleep(1), 3 AS drained'), auth());
    await new Promise((resolve) => setTimeout(resolve, 300));
    gateway.process.child.kill('SIGTERM');
    const response = await pending;
    assert.equal(response.status, 200);
    const message = await response.json();
    assert.equal(JSON.parse(message.result.content[0].text).rows[0][1], 3);
    const { code } = await gateway.process.exited;
    assert.equal(code, 0);
  });
});

describe('fleetmcp gateway start-up rules', () => {
  it('refuses to start without tokens', async () => {
    await assert.rejects(startGateway({ env: { DATABASE_URL: demoDatabaseUrl() } }), /no tokens/);
  });

  it('refuses a body cap larger than a child reads in one line', async () => {
    await assert.rejects(startGateway({ args: ['--max-request-bytes', String(8 * 1024 * 1024)],
      env: { DATABASE_URL: demoDatabaseUrl(), MCP_AUTH_TOKENS: `alice:${newToken()}` } }), /max-request-bytes .* at most/);
  });

  it('refuses a gateway setting in the environment that is not a number, naming it (no crash)', async () => {
    await assert.rejects(startGateway({ env: { DATABASE_URL: demoDatabaseUrl(), MCP_AUTH_TOKENS: `alice:${newToken()}`,
      MCP_HEADER_TIMEOUT: 'ten' } }), /MCP_HEADER_TIMEOUT must be a positive number, got 'ten'/);
  });

  it('refuses --insecure-no-auth on a non-loopback address', async () => {
    const gateway = startGatewayOn('0.0.0.0:0');
    const { code } = await gateway.exited;
    assert.notEqual(code, 0);
    assert.match(gateway.stderr.text, /insecure-no-auth is refused/);
  });
});

function startGatewayOn(listen) {
  return startProcess(['gateway', '--insecure-no-auth', '--listen', listen], serverEnvironment({ DATABASE_URL: demoDatabaseUrl() }));
}
