// `fleetmcp gateway` at its edges, over raw sockets where the HTTP clients
// would hide the bytes: a flood of idle connections, refusals the client must
// still read (413 after a large body, Expect: 100-continue), a half-closed
// client, HEAD, malformed heads and media types, hostile notification params,
// and audit lines for tools/call the gateway refuses itself.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { newToken, post, startGateway } from './http_lib.mjs';
import { demoDatabaseUrl } from './lib.mjs';

const HEADER_TIMEOUT_S = 2;

// One raw exchange: writes `chunks` (strings or Buffers), optionally half-closes,
// and resolves with everything read until the server closes (or `until` matches).
function exchange(port, chunks, { halfClose = false, until = null, limitMs = 15_000 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    let text = '';
    let error = null;
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no end within ${limitMs} ms; read: ${text.slice(0, 300)}`)); }, limitMs);
    const finish = () => { clearTimeout(timer); socket.destroy(); resolve({ text, error }); };
    socket.on('data', (data) => {
      text += data.toString('latin1');
      if (until && until.test(text)) finish();
    });
    socket.on('error', (failure) => { error = failure; });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
      if (halfClose) socket.end();
    });
  });
}

function head(lines) {
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function statusOf(text) {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
}

describe('fleetmcp gateway edges', () => {
  const token = newToken();
  let gateway;
  let port;
  const auth = { Authorization: `Bearer ${token}` };

  before(async () => {
    gateway = await startGateway({
      args: ['--pool-max', '1'],
      env: { DATABASE_URL: demoDatabaseUrl(), MCP_AUTH_TOKENS: `alice:${token}`, MCP_HEADER_TIMEOUT: String(HEADER_TIMEOUT_S) },
    });
    port = Number(new URL(gateway.base).port);
  });
  after(async () => {
    await gateway?.stop();
  });

  function rawPost(body, extra = []) {
    return head([`POST /mcp HTTP/1.1`, `Host: 127.0.0.1:${port}`, `Authorization: Bearer ${token}`,
      'Content-Type: application/json', 'Accept: application/json', `Content-Length: ${Buffer.byteLength(body)}`, ...extra]) + body;
  }

  it('serves an authenticated request at once while 600 idle connections are open', async () => {
    const idle = [];
    await Promise.all(Array.from({ length: 600 }, () => new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.on('error', () => {});
      socket.on('connect', resolve);
      socket.on('close', resolve);
      idle.push(socket);
    })));
    try {
      const started = performance.now();
      const response = await post(gateway.url, { jsonrpc: '2.0', id: 1, method: 'ping' }, auth);
      const ms = performance.now() - started;
      assert.equal(response.status, 200);
      console.log(`# authenticated ping during a flood of 600 idle connections: ${ms.toFixed(1)} ms`);
      assert.ok(ms < 2000, `took ${ms} ms`);
    } finally {
      for (const socket of idle) socket.destroy();
    }
  });

  it('closes a connection that sends nothing within the header timeout', async () => {
    const started = performance.now();
    const { text } = await exchange(port, [], { limitMs: (HEADER_TIMEOUT_S + 3) * 1000 });
    const seconds = (performance.now() - started) / 1000;
    assert.equal(text, '');
    assert.ok(seconds >= HEADER_TIMEOUT_S - 0.2 && seconds < HEADER_TIMEOUT_S + 2, `closed after ${seconds} s`);
  });

  it('closes a slow head at the header timeout counted from the connection, with 408', async () => {
    const started = performance.now();
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    socket.on('data', (data) => { text += data; });
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.on('error', () => {});
    // The first byte comes late; the head never ends.
    setTimeout(() => socket.write('GET /healthz HTTP/1.1\r\n'), (HEADER_TIMEOUT_S - 0.5) * 1000);
    await closed;
    const seconds = (performance.now() - started) / 1000;
    assert.equal(statusOf(text), 408);
    assert.ok(seconds < HEADER_TIMEOUT_S + 1, `closed after ${seconds} s`);
  });

  it('lets the client read the 413 for a 20 MB body it sends whole, without a reset', async () => {
    const size = 20 * 1024 * 1024;
    const { text, error } = await exchange(port, [head([`POST /mcp HTTP/1.1`, `Host: 127.0.0.1:${port}`,
      'Content-Type: application/json', `Content-Length: ${size}`]), Buffer.alloc(size, 'x')]);
    assert.equal(statusOf(text), 413, text);
    assert.equal(error, null, `the client saw ${error}`);
  });

  it('answers Expect: 100-continue with 100 then the response, or with the final refusal at once', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' });
    const socket = connect({ host: '127.0.0.1', port });
    let text = '';
    const got = (pattern) => new Promise((resolve) => {
      const look = () => (pattern.test(text) ? resolve() : setTimeout(look, 10));
      look();
    });
    socket.on('data', (data) => { text += data; });
    socket.write(rawPost(body, ['Expect: 100-continue']).slice(0, -body.length));
    await got(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
    socket.write(body);
    await got(/"id":2/);
    assert.match(text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
    socket.destroy();

    const refused = await exchange(port, [head([`POST /mcp HTTP/1.1`, `Host: 127.0.0.1:${port}`,
      'Expect: 100-continue', `Content-Length: ${50 * 1024 * 1024}`])], { limitMs: 3000 });
    assert.equal(statusOf(refused.text), 413, refused.text);
  });

  it('answers a client that half-closes after sending its request', async () => {
    const call = JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call',
      params: { name: 'query', arguments: { sql: 'SELECT 7 AS half_closed' } } });
    const { text } = await exchange(port, [rawPost(call, ['Connection: close'])], { halfClose: true });
    assert.equal(statusOf(text.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '')), 200, text);
    assert.match(text, /half_closed/);
  });

  it('answers HEAD /healthz with the GET head and no body, keeping the connection in step', async () => {
    const request = (method) => head([`${method} /healthz HTTP/1.1`, `Host: 127.0.0.1:${port}`]);
    const { text } = await exchange(port, [request('HEAD'), request('GET')], { until: /\r\n\r\n\{[^]*\}$/ });
    const [headResponse, getResponse] = text.split(/(?=HTTP\/1\.1 )/);
    const length = Number(/Content-Length: (\d+)/.exec(headResponse)[1]);
    assert.ok(length > 0);
    assert.ok(headResponse.endsWith('\r\n\r\n'), 'the HEAD response ends at its head');
    assert.equal(statusOf(getResponse), 200);
    assert.equal(Buffer.byteLength(getResponse.split('\r\n\r\n')[1]), length);
  });

  it('refuses two Host headers and CR or NUL inside a header value with 400', async () => {
    const heads = [
      head(['GET /healthz HTTP/1.1', 'Host: 127.0.0.1', 'Host: evil.example']),
      head(['GET /healthz HTTP/1.1', 'Host: 127.0.0.1', 'X-Smuggle: a\rContent-Length: 5']),
      head(['GET /healthz HTTP/1.1', 'Host: 127.0.0.1', 'X-Nul: a\0b']),
    ];
    for (const bytes of heads) {
      const { text } = await exchange(port, [bytes]);
      assert.equal(statusOf(text), 400, JSON.stringify(bytes));
    }
  });

  it('refuses a Content-Type that only contains application/json with 415', async () => {
    const ping = { jsonrpc: '2.0', id: 4, method: 'ping' };
    for (const type of ['text/plain; x=application/json', 'application/jsonp', 'text/plain']) {
      const response = await post(gateway.url, ping, { ...auth, 'Content-Type': type });
      assert.equal(response.status, 415, type);
    }
    const charset = await post(gateway.url, ping, { ...auth, 'Content-Type': 'Application/JSON; charset=utf-8' });
    assert.equal(charset.status, 200);
  });

  it('answers notifications with params of the wrong types with 202, never 500', async () => {
    const notes = [
      { method: 'notifications/cancelled', params: { requestId: 1, reason: 5 } },
      { method: 'notifications/cancelled', params: { requestId: { a: 1 }, reason: [] } },
      { method: 'notifications/cancelled', params: { requestId: null } },
      { method: 'notifications/cancelled', params: [1, 2] },
      { method: 'notifications/progress', params: { progressToken: {}, progress: 'lots' } },
    ];
    for (const note of notes) {
      const response = await post(gateway.url, { jsonrpc: '2.0', ...note }, auth);
      assert.equal(response.status, 202, JSON.stringify(note));
    }
    // params that are neither object nor array break JSON-RPC itself: a JSON-RPC error.
    const invalid = await post(gateway.url, { jsonrpc: '2.0', method: 'notifications/cancelled', params: 'yes' }, auth);
    assert.equal(invalid.status, 400);
    assert.equal((await invalid.json()).error.code, -32600);
  });

  it('audits a tools/call with a malformed _meta or no params under the token owner', async () => {
    const calls = [
      { jsonrpc: '2.0', id: 10, method: 'tools/call', params: { name: 'query', arguments: { sql: 'SELECT 1' }, _meta: 'meta-string' } },
      { jsonrpc: '2.0', id: 11, method: 'tools/call', params: { name: 'query', arguments: { sql: 'SELECT 1' }, _meta: ['meta-array'] } },
      { jsonrpc: '2.0', id: 12, method: 'tools/call' },
      { jsonrpc: '2.0', id: 13, method: 'tools/call', params: ['query'] },
    ];
    const audited = () => gateway.process.stderr.lines().flatMap((line) => {
      try {
        const value = JSON.parse(line);
        return value?.audit === 'tools/call' ? [value] : [];
      } catch {
        return [];
      }
    });
    const before = audited().length;
    for (const call of calls) {
      const response = await post(gateway.url, call, auth);
      assert.equal((await response.json()).error.code, -32602, JSON.stringify(call));
    }
    const lines = audited().slice(before);
    assert.equal(lines.length, calls.length, JSON.stringify(lines));
    for (const line of lines) {
      assert.equal(line.caller, 'alice');
      assert.equal(line.outcome, 'refused');
    }
  });
});
