// The behaviour every client era must see from fleetmcp over stdio: handshake,
// the six tools against the demo database, refusals, and one audit line per call.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { resultData, resultText } from './lib.mjs';

const READABLE_SCHEMAS = ['reporting', 'tracksolid', 'tickets', 'fuel'];
const REQUIRED_TOOLS = ['list_schemas', 'list_tables', 'describe_table', 'list_functions', 'sample_table', 'query'];
const POSITIONS_TOTALS = 'SELECT count(*) AS n, count(geom) AS with_geom FROM tracksolid.positions';

// era: 'legacy' | 'modern' (also the MCP_CALLER suffix); protocolVersion: what
// the client must negotiate; connect(caller) resolves to
// { client, negotiatedProtocolVersion, stderr: StderrCollector }.
export function describeToolContract({ era, protocolVersion, connect }) {
  const caller = `e2e-${era}`;

  describe(`fleetmcp over stdio, ${era} era (${protocolVersion})`, () => {
    let session;
    let closed = false;
    // Every tools/call sent, in order, to match against the audit lines.
    const calls = [];

    async function call(name, args) {
      const record = { name, args, isError: undefined, rowCount: undefined, sqlstate: undefined };
      calls.push(record);
      try {
        const result = await session.client.callTool({ name, arguments: args });
        record.isError = result.isError === true;
        return result;
      } catch (error) {
        record.isError = true;
        throw error;
      }
    }

    async function data(name, args) {
      const payload = resultData(await call(name, args));
      calls.at(-1).rowCount = payload.row_count;
      return payload;
    }

    async function toolError(name, args) {
      const result = await call(name, args);
      assert.equal(result.isError, true, `${name} should fail, got: ${resultText(result)}`);
      return resultText(result);
    }

    async function closeSession() {
      if (closed || !session) return;
      closed = true;
      await session.client.close();
      await session.stderr.ended();
    }

    before(async () => { session = await connect(caller); });
    after(closeSession);

    it(`negotiates ${protocolVersion} with a server named fleetmcp`, () => {
      assert.equal(session.negotiatedProtocolVersion, protocolVersion);
      assert.equal(session.client.getServerVersion()?.name, 'fleetmcp');
    });

    it('gives the model instructions that name the readable schemas', () => {
      const instructions = session.client.getInstructions() ?? '';
      for (const schema of READABLE_SCHEMAS) assert.match(instructions, new RegExp(`\\b${schema}\\b`));
    });

    it('lists the six tools, each described with an object input schema', async () => {
      const { tools } = await session.client.listTools();
      const byName = new Map(tools.map((tool) => [tool.name, tool]));
      for (const name of REQUIRED_TOOLS) {
        const tool = byName.get(name);
        assert.ok(tool, `tools/list lacks ${name}; has ${[...byName.keys()].join(', ')}`);
        assert.equal(typeof tool.description, 'string');
        assert.ok(tool.description.trim().length > 0, `${name} has an empty description`);
        assert.equal(tool.inputSchema?.type, 'object', `${name} inputSchema is not an object schema`);
      }
    });

    it('list_schemas shows the four readable schemas and not infrastructure', async () => {
      const { schemas } = await data('list_schemas', {});
      const names = schemas.map((schema) => schema.name);
      assert.deepEqual([...names].sort(), [...READABLE_SCHEMAS].sort());
      assert.ok(!names.includes('infrastructure'));
      const reporting = schemas.find((schema) => schema.name === 'reporting');
      assert.ok(reporting.materialized_views >= 1, 'reporting should count its materialized view');
      assert.ok(reporting.functions >= 1, 'reporting should count its functions');
    });

    it('list_tables reporting includes the materialized view v_trips', async () => {
      const listing = await data('list_tables', { schema: 'reporting' });
      assert.equal(listing.schema, 'reporting');
      const trips = listing.tables.find((table) => table.name === 'v_trips');
      assert.ok(trips, `v_trips missing from ${listing.tables.map((table) => table.name).join(', ')}`);
      assert.equal(trips.kind, 'materialized view');
    });

    it('describe_table tracksolid.positions reports geom as a Point in SRID 4326', async () => {
      const description = await data('describe_table', { schema: 'tracksolid', table: 'positions' });
      assert.equal(description.schema, 'tracksolid');
      assert.equal(description.table, 'positions');
      const geom = description.columns.find((column) => column.name === 'geom');
      assert.ok(geom, `no geom column among ${description.columns.map((column) => column.name).join(', ')}`);
      assert.deepEqual(geom.geometry, { type: 'Point', srid: 4326 });
      assert.ok(Array.isArray(description.primary_key));
    });

    it('list_functions reporting lists fn_* functions with signatures', async () => {
      const listing = await data('list_functions', { schema: 'reporting' });
      const reportFunctions = listing.functions.filter((fn) => fn.name.startsWith('fn_'));
      assert.ok(reportFunctions.length >= 1, `no fn_* among ${listing.functions.map((fn) => fn.name).join(', ')}`);
      for (const fn of reportFunctions) assert.equal(typeof fn.returns, 'string');
    });

    it('sample_table returns exactly n rows', async () => {
      const sample = await data('sample_table', { schema: 'tracksolid', table: 'devices', n: 3 });
      assert.equal(sample.rows.length, 3);
      assert.equal(sample.row_count, 3);
      assert.ok(sample.columns.length >= 1);
      for (const row of sample.rows) assert.equal(row.length, sample.columns.length);
    });

    it('query counts positions', async () => {
      const answer = await data('query', { sql: 'SELECT count(*) AS n FROM tracksolid.positions' });
      assert.deepEqual(answer.columns.map((column) => column.name), ['n']);
      assert.equal(answer.row_count, 1);
      assert.equal(answer.truncated, false);
      const [[count]] = answer.rows;
      assert.equal(typeof count, 'number', `count(*) came back as ${JSON.stringify(count)}`);
      assert.ok(count > 0);
    });

    it('query stops at max_rows and says it truncated', async () => {
      const answer = await data('query', { sql: 'SELECT * FROM tracksolid.positions', max_rows: 5 });
      assert.equal(answer.rows.length, 5);
      assert.equal(answer.row_count, 5);
      assert.equal(answer.truncated, true);
      assert.equal(answer.truncated_reason, 'rows');
    });

    it('query refuses an UPDATE and nothing changes', async () => {
      const before = await data('query', { sql: POSITIONS_TOTALS });
      const message = await toolError('query', { sql: 'UPDATE tracksolid.positions SET geom = NULL' });
      assert.match(message, /read[- ]only|not allowed/i);
      const afterwards = await data('query', { sql: POSITIONS_TOTALS });
      assert.deepEqual(afterwards.rows, before.rows);
    });

    it('query cannot read the infrastructure schema', async () => {
      // The catalog is world-readable, so this proves the table exists and the
      // refusal below is about privileges, not a typo.
      const catalog = await data('query', {
        sql: "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE n.nspname = 'infrastructure' AND c.relkind IN ('r', 'p', 'v', 'm') ORDER BY 1 LIMIT 1",
      });
      assert.equal(catalog.rows.length, 1, 'the demo database should have a table in infrastructure');
      const [[table]] = catalog.rows;
      const result = await call('query', { sql: `SELECT * FROM infrastructure."${table}"` });
      calls.at(-1).sqlstate = '42501'; // insufficient_privilege, for the audit line
      assert.equal(result.isError, true, `reading infrastructure.${table} succeeded: ${resultText(result)}`);
      assert.equal(safeJson(resultText(result)).rows, undefined, 'the error carries no rows');
      assert.match(resultText(result), /permission denied|not allowed|infrastructure/i);
    });

    it('list_tables on infrastructure names the readable schemas instead', async () => {
      const message = await toolError('list_tables', { schema: 'infrastructure' });
      for (const schema of READABLE_SCHEMAS) assert.match(message, new RegExp(`\\b${schema}\\b`));
    });

    it('an unknown tool is an error naming it', async () => {
      let message;
      try {
        const result = await call('drop_everything', {});
        assert.equal(result.isError, true, `unknown tool answered: ${resultText(result)}`);
        message = resultText(result);
      } catch (error) {
        if (error instanceof assert.AssertionError) throw error;
        message = error.message;
      }
      assert.match(message, /drop_everything/);
    });

    it('writes one JSON audit line per tools/call on stderr', async () => {
      await closeSession();
      const records = session.stderr.auditRecords();
      const stderrDump = `\nstderr was:\n${session.stderr.text}`;
      calls.forEach((sent, index) => {
        const record = records[index];
        const where = `audit line ${index} (${sent.name})`;
        assert.ok(record, `no ${where}${stderrDump}`);
        assert.equal(record.tool, sent.name, where);
        assert.equal(record.caller, caller, where);
        if (sent.name !== 'query') return;
        assert.equal(record.sql, sent.args.sql, where);
        assert.equal(typeof record.ms, 'number', `${where} ms`);
        if (sent.isError) {
          assert.notEqual(record.outcome, 'ok', `${where} should record the failure`);
          if (sent.sqlstate) assert.equal(record.sqlstate, sent.sqlstate, `${where} sqlstate`);
        } else {
          assert.equal(record.outcome, 'ok', where);
          assert.equal(record.rows, sent.rowCount, `${where} rows`);
        }
      });
      assert.equal(records.length, calls.length, `more audit lines than calls${stderrDump}`);
    });

    it('never logs the database password', async (t) => {
      const password = databasePassword(process.env.DATABASE_URL ?? '');
      // A short password could match unrelated log text; generated ones are long.
      if (password.length < 8) return t.skip('DATABASE_URL has no password long enough to search for');
      await closeSession();
      assert.ok(!session.stderr.text.includes(password), 'the password appears on stderr');
    });
  });
}

function safeJson(text) {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}

// The password from a postgres:// URL or a key=value DSN, if it has one.
function databasePassword(dsn) {
  if (/^postgres(ql)?:\/\//.test(dsn)) {
    try { return decodeURIComponent(new URL(dsn).password); } catch { return ''; }
  }
  return dsn.match(/(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/)?.[1]?.replace(/^'|'$/g, '') ?? '';
}
