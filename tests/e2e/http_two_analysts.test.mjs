// Two analysts through one `fleetmcp gateway`, both analytics_ro in the
// database: while bob's query runs, alice can neither read his SQL (the
// activity views, the functions behind them, pg_stat_statements) nor cancel
// or terminate his backend, even with his pid in hand; bob gets his answer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { connectLegacyHttp, newToken, startGateway } from './http_lib.mjs';
import { demoDatabaseUrl, resultData, resultText } from './lib.mjs';

// A literal only bob's statement holds: it must not reach alice in any answer.
const BOB_MARKER = 'bob-private-literal-7f3a';
const BOB_SQL = `SELECT '${BOB_MARKER}' AS marker, count(*) AS slept FROM pg_sleep(4)`;

// A backend sleeping in pg_sleep, found with the statistics functions the
// role may use (they show pids and wait events, not query text).
const FIND_SLEEPER =
  "SELECT pg_stat_get_backend_pid(b) AS pid FROM pg_stat_get_backend_idset() b " +
  "WHERE pg_stat_get_backend_wait_event(b) = 'PgSleep'";

describe('two analysts through the gateway', () => {
  const aliceToken = newToken();
  const bobToken = newToken();
  let gateway;
  let alice;
  let bob;

  before(async () => {
    gateway = await startGateway({
      args: ['--pool-max', '2'],
      env: { DATABASE_URL: demoDatabaseUrl(), MCP_AUTH_TOKENS: `alice:${aliceToken},bob:${bobToken}` },
    });
    alice = (await connectLegacyHttp(gateway.url, aliceToken)).client;
    bob = (await connectLegacyHttp(gateway.url, bobToken)).client;
  });
  after(async () => {
    await alice?.close();
    await bob?.close();
    await gateway?.stop();
  });

  const query = (client, sql) => client.callTool({ name: 'query', arguments: { sql } });

  it("alice can neither see nor stop bob's running query, and bob gets his result", async () => {
    const bobsCall = query(bob, BOB_SQL);

    // Wait until bob's statement is running (each try is one call, not a timer).
    let bobsPid;
    for (let attempt = 0; attempt < 200 && bobsPid === undefined; attempt += 1) {
      const found = resultData(await query(alice, FIND_SLEEPER));
      bobsPid = found.rows[0]?.[0];
    }
    assert.ok(Number.isInteger(bobsPid), "alice's calls never saw bob's backend sleeping");

    const attempts = [
      ['SELECT pid, query FROM pg_stat_activity', /pg_stat_activity is refused before it runs: it shows other sessions' query text/],
      ['SELECT pid, query FROM pg_catalog.pg_stat_activity WHERE pid = ' + bobsPid, /pg_stat_activity is refused/],
      ['SELECT query FROM pg_stat_get_activity(NULL)', /pg_stat_get_activity\(\) is refused before it runs/],
      [`SELECT pg_stat_get_backend_activity(b) FROM pg_stat_get_backend_idset() b`, /pg_stat_get_backend_activity\(\) is refused/],
      ['SELECT query FROM pg_stat_statements', /pg_stat_statements is refused/],
      ['SELECT * FROM pg_stat_statements(true)', /pg_stat_statements\(\) is refused/],
      [`SELECT pg_cancel_backend(${bobsPid})`, /pg_cancel_backend\(\) is refused before it runs: it signals another session/],
      [`SELECT pg_terminate_backend(${bobsPid})`, /pg_terminate_backend\(\) is refused before it runs: it signals another session/],
      [`SELECT "pg_catalog"."pg_cancel_backend"(pid) FROM (${FIND_SLEEPER}) s`, /pg_cancel_backend\(\) is refused/],
      [`SELECT PG_TERMINATE_BACKEND(${bobsPid}, 1000)`, /pg_terminate_backend\(\) is refused/],
    ];
    for (const [sql, expected] of attempts) {
      const result = await query(alice, sql);
      const text = resultText(result);
      assert.equal(result.isError, true, `alice's ${sql} was not refused: ${text}`);
      assert.match(text, /^Query refused: /, sql);
      assert.match(text, expected, sql);
      assert.ok(!text.includes(BOB_MARKER), `alice's ${sql} showed bob's SQL`);
    }

    const answer = resultData(await bobsCall);
    assert.deepEqual(answer.rows, [[BOB_MARKER, 1]]);
  });
});
