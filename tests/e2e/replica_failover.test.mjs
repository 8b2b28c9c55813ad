// Read replicas through libpq's own multi-host failover: a real streaming
// standby of the test database (scripts/testdb standby, pg_basebackup -R) and
// a DATABASE_URL naming it first with target_session_attrs=prefer-standby.
// Calls land on the standby; with the standby stopped the next call reconnects
// to the primary; once it is back, the next reconnect returns to it. A query
// the standby cancels for a recovery conflict says so and names the settings.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';

import { connectLegacyClient } from './clients.mjs';
import { resultData, resultText, serverEnvironment, startProcess, until } from './lib.mjs';

const run = promisify(execFile);
const testdb = fileURLToPath(new URL('../../scripts/testdb', import.meta.url));
const APPLICATION = 'fleetmcp-replica-e2e';
const WHERE_AM_I = 'SELECT pg_is_in_recovery() AS standby, inet_server_port() AS port';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: source the env file scripts/testdb start wrote`);
  return value;
}

async function psql(url, sql) {
  const { stdout } = await run('psql', ['-X', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql]);
  return stdout.trim();
}

async function whereAmI(client) {
  const data = resultData(await client.callTool({ name: 'query', arguments: { sql: WHERE_AM_I } }));
  const [standby, port] = data.rows[0];
  return { standby, port: Number(port) };
}


describe('read replica: a multi-host DATABASE_URL with target_session_attrs=prefer-standby', () => {
  let scratch;
  let standbyDir;
  let standbyPort;
  let primaryPort;
  let standbyAdminUrl;
  let session;
  let replicaUrl;

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'fleetmcp-replica-'));
    chmodSync(scratch, 0o711);  // run as root, the standby's server runs as postgres, which must reach it
    standbyDir = join(scratch, 'standby');
    // Replay waits for no query: a conflicting one is cancelled at once, so the
    // conflict below is certain rather than a matter of timing.
    await run(testdb, ['standby', required('TESTDB_DIR'), '--dir', standbyDir,
      '--setting', 'max_standby_streaming_delay=0', '--setting', 'hot_standby_feedback=off']);
    const env = Object.fromEntries((await run('bash', ['-c', `source ${standbyDir}/env && env`])).stdout
      .split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    standbyPort = Number(env.TESTDB_PORT);
    primaryPort = Number(env.TESTDB_PRIMARY_PORT);
    standbyAdminUrl = env.TESTDB_ADMIN_URL;
    assert.match(env.DATABASE_URL, new RegExp(`127\\.0\\.0\\.1:${standbyPort},127\\.0\\.0\\.1:${primaryPort}/`));
    replicaUrl = `${env.DATABASE_URL}&application_name=${APPLICATION}`;
    session = await connectLegacyClient(serverEnvironment({ DATABASE_URL: replicaUrl }));
  });

  after(async () => {
    await session?.client.close();
    if (standbyDir) await run(testdb, ['stop', standbyDir]).catch(() => {});
    rmSync(scratch, { recursive: true, force: true });
  });

  it('sends calls to the standby while it is up', async () => {
    assert.deepEqual(await whereAmI(session.client), { standby: true, port: standbyPort });
  });

  it('doctor names the standby it reached, its place in the host list and its replay lag', async () => {
    const doctor = startProcess(['doctor'], serverEnvironment({ DATABASE_URL: replicaUrl }));
    await doctor.exited;
    const output = doctor.stdout();
    assert.match(output, new RegExp(`✔ server reached: 127\\.0\\.0\\.1:${standbyPort} \\(host 1 of 2, `
      + 'target_session_attrs=prefer-standby\\): a streaming standby'));
    assert.match(output, /last replayed transaction [\d.]+ s old|no transaction replayed yet/);
    assert.match(output, /analytics_ro:\*\*\*\*@127\.0\.0\.1:\d+,127\.0\.0\.1:\d+\//, 'the password is masked');
  });

  it('reports a query the standby cancelled for a recovery conflict, with the settings that prevent it', async () => {
    const sql = 'SELECT count(*) FROM (SELECT pg_sleep(20) FROM fuel.ingest_state LIMIT 1) AS slow';
    const call = session.client.callTool({ name: 'query', arguments: { sql } });
    await until(async () => (await psql(standbyAdminUrl,
      `SELECT count(*) FROM pg_stat_activity WHERE application_name = '${APPLICATION}' AND wait_event = 'PgSleep'`))
      === '1', 'the query to run on the standby');
    // On the primary an ACCESS EXCLUSIVE lock is WAL-logged; replaying it on
    // the standby needs the relation lock the query holds.
    await psql(required('TESTDB_ADMIN_URL'), 'BEGIN; LOCK TABLE fuel.ingest_state IN ACCESS EXCLUSIVE MODE; COMMIT');
    const result = await call;
    assert.equal(result.isError, true, resultText(result));
    const text = resultText(result);
    assert.match(text, /ERROR 40001: canceling statement due to conflict with recovery/);
    assert.match(text, /read replica/);
    assert.match(text, /hot_standby_feedback/);
    assert.match(text, /max_standby_streaming_delay/);
  });

  it('moves the next call to the primary once the standby is stopped', async () => {
    await run(testdb, ['stop', standbyDir, '--keep']);
    assert.deepEqual(await whereAmI(session.client), { standby: false, port: primaryPort });
  });

  it('stays on the primary until the session reconnects, then returns to the restarted standby', async () => {
    await run(testdb, ['start', '--dir', standbyDir]);
    assert.deepEqual(await whereAmI(session.client), { standby: false, port: primaryPort });
    // A reconnect: the operator (or a network cut) ends the session's backend.
    assert.notEqual(await psql(required('TESTDB_ADMIN_URL'),
      `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '${APPLICATION}'`), '0');
    assert.deepEqual(await whereAmI(session.client), { standby: true, port: standbyPort });
  });
});
