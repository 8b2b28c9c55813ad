// The export tool through both official SDK clients: 20,000 positions to a
// CSV that is byte for byte psql's own --csv of the same query (same
// TimeZone), over stdio and through the gateway, where only the analyst who
// made it can download it; exports listed and read as their owner's resources.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { connectLegacyClient, connectModernClient } from './clients.mjs';
import { connectLegacyHttp, connectModernHttp, newToken, startGateway } from './http_lib.mjs';
import { demoDatabaseUrl, resultData, serverEnvironment, until } from './lib.mjs';

const ZONE = 'Africa/Nairobi';
const POSITIONS = 'SELECT * FROM tracksolid.positions ORDER BY device_id, ts LIMIT 20000';

// psql's own CSV of the query, in the session settings fleetmcp gives its
// transactions (the zone, and ISO 8601 intervals).
function psqlCsv(sql) {
  return execFileSync('psql', ['-X', '-q', '--csv', '-v', 'ON_ERROR_STOP=1', '-c', sql, demoDatabaseUrl()], {
    env: { ...process.env, PGTZ: ZONE, PGOPTIONS: '-c IntervalStyle=iso_8601 -c DateStyle=ISO' },
    maxBuffer: 256 * 1024 * 1024,
  });
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const lineCount = (bytes) => bytes.toString('utf8').split('\n').length - 1;

describe('export over stdio', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetmcp-e2e-export-'));
  const exportDir = join(dir, 'exports');
  const env = serverEnvironment({ DATABASE_URL: demoDatabaseUrl(), MCP_TIME_ZONE: ZONE, MCP_EXPORT_DIR: exportDir });
  let legacy;
  let modern;
  before(async () => {
    legacy = await connectLegacyClient(env);
    modern = await connectModernClient(env);
  });
  after(async () => {
    await legacy?.client.close();
    await modern?.client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('20,000 positions give a 20,001-line CSV equal to psql --csv, with progress and a resource_link', async () => {
    const progress = [];
    const result = await legacy.client.callTool({ name: 'export', arguments: { sql: POSITIONS } }, undefined, {
      onprogress: (note) => progress.push(note),
      timeout: 120_000,
    });
    const answer = resultData(result);
    assert.equal(answer.rows, 20000);
    assert.equal(answer.truncated, false);
    assert.ok(answer.path.startsWith(exportDir + '/'), answer.path);
    const file = readFileSync(answer.path);
    const expected = psqlCsv(POSITIONS);
    assert.equal(lineCount(file), 20001);
    assert.equal(file.length, expected.length, 'same size as psql --csv');
    assert.ok(file.equals(expected), 'byte for byte psql --csv');
    assert.equal(answer.sha256, sha256(file));
    assert.equal(answer.bytes, file.length);
    assert.equal(statSync(answer.path).mode & 0o777, 0o600);
    assert.equal(statSync(exportDir).mode & 0o777, 0o700);
    assert.ok(progress.length >= 2, `progress notifications: ${progress.length}`);
    assert.match(progress[0].message, /^exported 10000 rows/);

    const link = result.content.find((block) => block.type === 'resource_link');
    assert.equal(link.uri, `fleetmcp://exports/${answer.export_id}`);
    assert.equal(link.mimeType, 'text/csv');
    assert.equal(link.size, file.length);
  });

  it('the modern client exports JSON Lines and reads a small export back as a resource', async () => {
    const answer = resultData(await modern.client.callTool({
      name: 'export',
      arguments: { sql: 'SELECT plate, cost_centre FROM tracksolid.devices ORDER BY plate', format: 'jsonl' },
    }));
    const lines = readFileSync(answer.path, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
    assert.equal(lines.length, answer.rows);
    assert.deepEqual(Object.keys(lines[0]), ['plate', 'cost_centre']);

    const listed = await modern.client.listResources();
    const entry = listed.resources.find((resource) => resource.uri === answer.resource_uri);
    assert.ok(entry, 'the export is listed');
    assert.equal(entry.mimeType, 'application/jsonl');
    const read = await modern.client.readResource({ uri: answer.resource_uri });
    assert.equal(read.contents[0].text, readFileSync(answer.path, 'utf8'));
  });

  it('a cancelled export stops and leaves no file, not even a partial one', async () => {
    const before = readdirSync(exportDir);
    const controller = new AbortController();
    const call = legacy.client.callTool(
      { name: 'export', arguments: { sql: "SELECT g, repeat('z', 200) AS pad FROM generate_series(1, 5000000) g" } },
      undefined,
      { signal: controller.signal, onprogress: () => controller.abort('enough'), timeout: 120_000 },
    );
    await assert.rejects(call);
    await until(() => readdirSync(exportDir).length === before.length, 'the partial file to be removed');
    assert.deepEqual(readdirSync(exportDir).sort(), before.sort());
    const audit = () => legacy.stderr.auditRecords().filter((record) => record.tool === 'export');
    await until(() => audit().length === 2, 'the cancelled export\'s audit line');
    assert.match(audit()[1].error ?? audit()[1].sqlstate ?? '', /cancel|57014/i);
  });

  it('a write is refused and leaves no file', async () => {
    const result = await legacy.client.callTool({ name: 'export', arguments: { sql: 'DELETE FROM tracksolid.devices' } });
    assert.equal(result.isError, true);
    assert.match(result.content[0].text, /^Query refused: /);
  });
});

describe('export through the gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetmcp-e2e-gw-export-'));
  const aliceToken = newToken();
  const bobToken = newToken();
  let gateway;
  let alice;
  let bob;
  before(async () => {
    gateway = await startGateway({
      args: ['--pool-max', '2'],
      env: {
        DATABASE_URL: demoDatabaseUrl(),
        MCP_TIME_ZONE: ZONE,
        MCP_AUTH_TOKENS: `alice:${aliceToken},bob:${bobToken}`,
        MCP_EXPORT_DIR: join(dir, 'exports'),
      },
    });
    alice = (await connectLegacyHttp(gateway.url, aliceToken)).client;
    bob = (await connectModernHttp(gateway.url, bobToken)).client;
  });
  after(async () => {
    await alice?.close();
    await bob?.close();
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("downloads with its owner's token only: the same bytes as psql --csv", async () => {
    const answer = resultData(await alice.callTool({ name: 'export', arguments: { sql: POSITIONS } }, undefined,
      { timeout: 120_000 }));
    assert.equal(answer.rows, 20000);
    assert.equal(answer.path, undefined, 'a gateway does not show its disk');
    assert.match(answer.download_path, /^\/exports\/[0-9a-f]{32}$/);
    assert.ok(Date.parse(answer.expires_at) > Date.now());
    const url = gateway.base + answer.download_path;

    const mine = await fetch(url, { headers: { Authorization: `Bearer ${aliceToken}` } });
    assert.equal(mine.status, 200);
    assert.match(mine.headers.get('content-type'), /^text\/csv/);
    assert.match(mine.headers.get('cache-control'), /private/);
    const body = Buffer.from(await mine.arrayBuffer());
    assert.equal(lineCount(body), 20001);
    assert.ok(body.equals(psqlCsv(POSITIONS)), 'byte for byte psql --csv');
    assert.equal(sha256(body), answer.sha256);

    const theirs = await fetch(url, { headers: { Authorization: `Bearer ${bobToken}` } });
    assert.equal(theirs.status, 404, "another analyst's token finds nothing");
    assert.ok(!(await theirs.text()).includes('POSITIONS'));
    assert.equal((await fetch(url)).status, 401);
    assert.equal((await fetch(url, { headers: { Authorization: 'Bearer not-a-token' } })).status, 401);
    assert.equal((await fetch(url, { method: 'DELETE', headers: { Authorization: `Bearer ${aliceToken}` } })).status, 405);
    const forged = gateway.base + '/exports/' + '0'.repeat(32);
    assert.equal((await fetch(forged, { headers: { Authorization: `Bearer ${aliceToken}` } })).status, 404);
    const traversal = gateway.base + '/exports/..%2F..%2Fetc%2Fpasswd';
    assert.equal((await fetch(traversal, { headers: { Authorization: `Bearer ${aliceToken}` } })).status, 404);

    // As resources: alice lists hers; bob neither lists nor reads it, even naming himself alice in _meta.
    const aliceList = await alice.listResources();
    assert.ok(aliceList.resources.some((resource) => resource.uri === answer.resource_uri));
    const bobList = await bob.listResources();
    assert.ok(!bobList.resources.some((resource) => resource.uri === answer.resource_uri));
    await assert.rejects(bob.readResource({ uri: answer.resource_uri, _meta: { 'fleetmcp/caller': 'alice' } }),
      /no export of yours/);
    // Too large to read through MCP: the error says where to get it whole.
    await assert.rejects(alice.readResource({ uri: answer.resource_uri }), /download it with your Bearer token/);
  });
});

describe('export files expire on the gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetmcp-e2e-gw-expiry-'));
  const exportDir = join(dir, 'exports');
  const token = newToken();
  let gateway;
  let client;
  before(async () => {
    gateway = await startGateway({
      args: ['--pool-max', '1'],
      env: { DATABASE_URL: demoDatabaseUrl(), MCP_AUTH_TOKENS: `amina:${token}`, MCP_EXPORT_DIR: exportDir,
             MCP_EXPORT_TTL: '1', MCP_PUBLIC_URL: 'https://fleetmcp.example.com' },
    });
    client = (await connectLegacyHttp(gateway.url, token)).client;
  });
  after(async () => {
    await client?.close();
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('past MCP_EXPORT_TTL a file is no longer served, and the next export deletes it', async () => {
    const first = resultData(await client.callTool({ name: 'export', arguments: { sql: 'SELECT 1 AS one' } }));
    assert.equal(first.download_url, `https://fleetmcp.example.com/exports/${first.export_id}`);
    const url = gateway.base + first.download_path;
    const auth = { headers: { Authorization: `Bearer ${token}` } };
    assert.equal(await (await fetch(url, auth)).text(), 'one\n1\n');
    assert.ok(readdirSync(exportDir).includes(`${first.export_id}.csv`));
    await new Promise((resolve) => setTimeout(resolve, 2100));
    assert.equal((await fetch(url, auth)).status, 404);
    const second = resultData(await client.callTool({ name: 'export', arguments: { sql: 'SELECT 2 AS two' } }));
    assert.deepEqual(readdirSync(exportDir).sort(), [`${second.export_id}.csv`, `${second.export_id}.json`].sort());
  });
});
