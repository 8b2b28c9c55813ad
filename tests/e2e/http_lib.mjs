// Starts `fleetmcp gateway` on a free loopback port and connects each official
// MCP client to it over Streamable HTTP with a Bearer token.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyHttpTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernHttpTransport } from '@modelcontextprotocol/client';

import { MODERN_PROTOCOL_VERSION } from './clients.mjs';
import { demoDatabaseUrl, resultData, serverEnvironment, startProcess, until } from './lib.mjs';

const CLIENT_INFO = { name: 'fleetmcp-e2e-http', version: '1.0.0' };

export function newToken() {
  return randomBytes(24).toString('base64url');
}

// Resolves to { url, base, process, pids() } once the gateway says where it listens.
// args are extra gateway flags; env extra environment (tokens, DATABASE_URL…).
export async function startGateway({ args = [], env = {} } = {}) {
  const gateway = startProcess(['gateway', '--listen', '127.0.0.1:0', ...args], serverEnvironment(env));
  const deadline = Date.now() + 20_000;
  let match;
  while (!(match = gateway.stderr.text.match(/listening on http:\/\/(127\.0\.0\.1:\d+)\/mcp/))) {
    if (gateway.child.exitCode !== null || Date.now() > deadline) {
      await gateway.stop();
      throw new Error(`gateway did not start:\n${gateway.stderr.text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const base = `http://${match[1]}`;
  return { base, url: `${base}/mcp`, process: gateway, stop: () => gateway.stop() };
}

// The pids of the gateway's children, from /proc (Linux).
export function childPids(gateway) {
  const pid = gateway.process.child.pid;
  const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return tasks ? tasks.split(/\s+/).map(Number) : [];
}

// @modelcontextprotocol/sdk 1.x over Streamable HTTP: initialize, then POSTs
// carrying MCP-Protocol-Version; Bearer token in every request.
export async function connectLegacyHttp(url, token) {
  const transport = new LegacyHttpTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  const client = new LegacyClient(CLIENT_INFO);
  await client.connect(transport);
  return { client, negotiatedProtocolVersion: transport.protocolVersion };
}

// @modelcontextprotocol/client 2.x pinned to 2026-07-28: server/discover, then
// per-request _meta with the Mcp-Method / Mcp-Name headers.
export async function connectModernHttp(url, token) {
  const transport = new ModernHttpTransport(new URL(url), { authProvider: { token: async () => token } });
  const client = new ModernClient(CLIENT_INFO, { versionNegotiation: { mode: { pin: MODERN_PROTOCOL_VERSION } } });
  await client.connect(transport);
  return { client, negotiatedProtocolVersion: client.getNegotiatedProtocolVersion() };
}

// One raw JSON-RPC POST, for the status-code paths the SDKs hide.
export async function post(url, body, headers = {}, signal = undefined) {
  return fetch(url, {
    method: 'POST',
    signal,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

// The access lines the gateway wrote so far.
export function accessRecords(gateway) {
  return gateway.process.stderr.lines().flatMap((line) => {
    try {
      const value = JSON.parse(line);
      return value?.access === 'http' ? [value] : [];
    } catch {
      return [];
    }
  });
}

// The contract names the caller; the gateway learns it only from the token.
export async function connectThroughGateway(caller, connect) {
  const token = newToken();
  const gateway = await startGateway({
    args: ['--pool-max', '2'],
    env: { DATABASE_URL: demoDatabaseUrl(), MCP_AUTH_TOKENS: `${caller}:${token},someone-else:${newToken()}` },
  });
  const session = await connect(gateway.url, token);
  const close = session.client.close.bind(session.client);
  // The contract closes the client and then reads the server's stderr to its end.
  session.client.close = async () => {
    await close();
    await gateway.stop();
  };
  return { ...session, stderr: gateway.process.stderr };
}

// A query through `gateway` with the SDK 1.x client signed in by the OAuth
// `authProvider`; resolves to its audit line (the caller the token named).
export async function auditedOAuthQuery(gateway, authProvider, probe) {
  const client = new LegacyClient(CLIENT_INFO);
  await client.connect(new LegacyHttpTransport(new URL(gateway.url), { authProvider }));
  const result = await client.callTool({ name: 'query', arguments: { sql: `SELECT 41 + 1 AS ${probe}` } });
  assert.notEqual(result.isError, true, JSON.stringify(result));
  assert.equal(resultData(result).rows[0][0], 42);
  await client.close();
  const audited = () => gateway.process.stderr.auditRecords().find((record) => record.sql?.includes(probe));
  await until(() => audited() !== undefined, 'the audit line');
  return audited();
}
