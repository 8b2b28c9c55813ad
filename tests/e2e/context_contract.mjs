// What every client era must see of fleetmcp's resources, prompts and
// completions against the demo database: the capabilities, the table
// resources and their template, the five standard prompts (one followed
// through to its query), completions from the data, and the refusals.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { resultData } from './lib.mjs';

const TRIPS_URI = 'fleetmcp://table/reporting/v_trips';
const TEMPLATE = 'fleetmcp://table/{schema}/{name}';
const PROMPTS = ['top_cost_centres_by_distance', 'open_incidents_by_region_sla', 'mttr_by_cluster',
  'fuel_cost_per_km_by_cost_centre', 'harsh_braking_leaders'];

// The first ```sql block of a prompt message: the query it starts from.
function queryOf(text) {
  const match = text.match(/```sql\n([\s\S]*?)\n```/);
  assert.ok(match, `no sql block in: ${text}`);
  return match[1];
}

// era: 'legacy' | 'modern'; transport: 'stdio' | 'http'; connect(caller)
// resolves to { client, stderr: StderrCollector }.
export function describeContextContract({ era, transport, connect }) {
  // Resource not found: -32602 from 2026-07-28, -32002 before.
  const notFound = era === 'modern' ? -32602 : -32002;

  describe(`resources, prompts and completions over ${transport}, ${era} era`, () => {
    let session;
    let closed = false;

    async function closeSession() {
      if (closed || !session) return;
      closed = true;
      await session.client.close();
      await session.stderr.ended?.();
    }

    before(async () => { session = await connect(`e2e-context-${era}-${transport}`); });
    after(closeSession);

    it('advertises resources, prompts and completions', () => {
      const capabilities = session.client.getServerCapabilities();
      assert.equal(capabilities?.resources?.listChanged, false);
      assert.equal(capabilities?.prompts?.listChanged, false);
      assert.deepEqual(capabilities?.completions, {});
    });

    it('lists the readable tables and views as resources, and nothing from infrastructure', async () => {
      const { resources } = await session.client.listResources();
      const uris = resources.map((resource) => resource.uri);
      assert.ok(uris.includes(TRIPS_URI), `no ${TRIPS_URI} in ${uris.join(', ')}`);
      assert.ok(uris.includes('fleetmcp://table/tickets/inc_open_sla'));
      assert.ok(!uris.some((uri) => uri.includes('infrastructure')), uris.join(', '));
      const { resourceTemplates } = await session.client.listResourceTemplates();
      // Tables, then the analyst's own export files (tests/e2e/export.test.mjs).
      assert.deepEqual(resourceTemplates.map((template) => template.uriTemplate), [TEMPLATE, 'fleetmcp://exports/{id}']);
    });

    it('reads a table resource as Markdown and JSON', async () => {
      const { contents } = await session.client.readResource({ uri: TRIPS_URI });
      assert.equal(contents.length, 2);
      assert.equal(contents[0].mimeType, 'text/markdown');
      assert.match(contents[0].text, /^# reporting\.v_trips \(materialized view\)/);
      assert.equal(contents[1].mimeType, 'application/json');
      const described = JSON.parse(contents[1].text);
      assert.ok(described.columns.some((column) => column.name === 'distance_km'));
    });

    it(`refuses an unreadable table with ${notFound}, naming no hidden table`, async () => {
      await assert.rejects(
        session.client.readResource({ uri: 'fleetmcp://table/infrastructure/service_credentials' }),
        (error) => {
          assert.equal(error.code, notFound);
          assert.match(error.message, /schema 'infrastructure' is not readable through fleetmcp/);
          return true;
        },
      );
    });

    it('lists the five standard prompts with their arguments', async () => {
      const { prompts } = await session.client.listPrompts();
      assert.deepEqual(prompts.map((prompt) => prompt.name), PROMPTS);
      const mttr = prompts.find((prompt) => prompt.name === 'mttr_by_cluster');
      assert.deepEqual(mttr.arguments.map((argument) => [argument.name, argument.required]),
        [['month', true], ['region', false]]);
    });

    it('fills a prompt whose query then runs through the query tool', async () => {
      const got = await session.client.getPrompt({ name: 'mttr_by_cluster', arguments: { month: '2026-10', region: 'Westlands' } });
      const text = got.messages[0].content.text;
      assert.match(text, /tickets\.geo_clusters/);
      assert.match(text, /Africa\/Nairobi/);
      const answer = resultData(await session.client.callTool({ name: 'query', arguments: { sql: queryOf(text) } }));
      assert.ok(answer.row_count > 0, JSON.stringify(answer));
    });

    it('refuses a prompt argument it cannot use, saying what to send', async () => {
      await assert.rejects(
        session.client.getPrompt({ name: 'mttr_by_cluster', arguments: { month: 'last month' } }),
        (error) => {
          assert.equal(error.code, -32602);
          assert.match(error.message, /argument 'month': expected a month as YYYY-MM, e\.g\. 2026-10/);
          return true;
        },
      );
    });

    it('completes prompt arguments and template variables from the database', async () => {
      const regions = await session.client.complete({
        ref: { type: 'ref/prompt', name: 'mttr_by_cluster' },
        argument: { name: 'region', value: 'we' },
      });
      assert.deepEqual(regions.completion.values, ['Westlands']);
      assert.equal(regions.completion.hasMore, false);
      const schemas = await session.client.complete({
        ref: { type: 'ref/resource', uri: TEMPLATE },
        argument: { name: 'schema', value: '' },
      });
      assert.deepEqual(schemas.completion.values, ['reporting', 'tracksolid', 'tickets', 'fuel']);
      const names = await session.client.complete({
        ref: { type: 'ref/resource', uri: TEMPLATE },
        argument: { name: 'name', value: 'v_t' },
        context: { arguments: { schema: 'reporting' } },
      });
      assert.deepEqual(names.completion.values, ['v_trips']);
    });

    it('refuses a completion prefix longer than any name', async () => {
      await assert.rejects(
        session.client.complete({
          ref: { type: 'ref/prompt', name: 'mttr_by_cluster' },
          argument: { name: 'region', value: 'x'.repeat(5000) },
        }),
        (error) => error.code === -32602 && /at most 200 bytes/.test(error.message),
      );
    });

    it('writes audit lines for tools/call only', async () => {
      await closeSession();
      const records = session.stderr.auditRecords();
      assert.deepEqual(records.map((record) => record.tool), ['query']);
    });
  });
}
