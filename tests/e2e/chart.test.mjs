// The chart tool through both official SDK clients over stdio: the tool links
// its view, the view is readable as an MCP App, and a client that declared the
// MCP Apps extension gets the summary with structured content while one that
// did not also gets the rows as text, never an error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { connectLegacyClient, connectModernClient } from './clients.mjs';
import { demoDatabaseUrl, serverEnvironment } from './lib.mjs';

const UI_EXTENSION = 'io.modelcontextprotocol/ui';
const APP_MIME_TYPE = 'text/html;profile=mcp-app';
const APPS = { extensions: { [UI_EXTENSION]: { mimeTypes: [APP_MIME_TYPE] } } };
const DAILY_TRIPS = {
  sql: 'SELECT started_at::date AS day, count(*) AS trips FROM reporting.v_trips ' +
    "WHERE started_at > (SELECT max(started_at) FROM reporting.v_trips) - interval '14 days' GROUP BY 1 ORDER BY 1",
  mark: 'bar', x: 'day', y: 'trips', title: 'Trips per day',
};

for (const [era, connect] of [['legacy', connectLegacyClient], ['modern', connectModernClient]]) {
  for (const declared of [true, false]) {
    describe(`chart, ${era} client ${declared ? 'declaring' : 'not declaring'} MCP Apps`, () => {
      let session;
      const env = () => serverEnvironment({ DATABASE_URL: demoDatabaseUrl(), MCP_CALLER: `e2e-chart-${era}` });

      before(async () => { session = await connect(env(), declared ? APPS : {}); });
      after(async () => {
        await session.client.close();
        await session.stderr.ended();
      });

      it('advertises the ui extension and lists chart with its view', async () => {
        assert.deepEqual(session.client.getServerCapabilities().extensions, { [UI_EXTENSION]: {} });
        const chart = (await session.client.listTools()).tools.find((tool) => tool.name === 'chart');
        assert.equal(chart._meta.ui.resourceUri, 'ui://fleetmcp/chart.html');
        assert.equal(chart.annotations.readOnlyHint, true);
      });

      it('serves the view as one self-contained MCP App', async () => {
        const { resources } = await session.client.listResources();
        assert.ok(resources.some((resource) => resource.uri === 'ui://fleetmcp/chart.html' && resource.mimeType === APP_MIME_TYPE));
        const read = await session.client.readResource({ uri: 'ui://fleetmcp/chart.html' });
        assert.equal(read.contents[0].mimeType, APP_MIME_TYPE);
        assert.match(read.contents[0].text, /^<!doctype html>/);
        assert.doesNotMatch(read.contents[0].text, /<script src=/);
      });

      it('answers with a summary and the rows, as structured content', async () => {
        const result = await session.client.callTool({ name: 'chart', arguments: DAILY_TRIPS });
        assert.notEqual(result.isError, true, JSON.stringify(result.content));
        assert.match(result.content[0].text, /^Drew a bar chart "Trips per day" from \d+ rows; x day: 2026-10-\d\d to 2026-10-31; y trips: /);
        const { rows, columns, chart } = result.structuredContent;
        assert.deepEqual(columns.map((column) => column.name), ['day', 'trips']);
        assert.ok(rows.length >= 13);
        assert.equal(chart.spec.mark.type, 'bar');
        if (declared) {
          assert.equal(result.content.length, 1);
        } else {
          assert.equal(result.content.length, 2);
          assert.deepEqual(JSON.parse(result.content[1].text).rows, rows);
        }
      });

      it('refuses a spec that would load data, saying what to do', async () => {
        const result = await session.client.callTool({
          name: 'chart',
          arguments: { sql: 'SELECT 1 AS a', vega_lite: { mark: 'bar', data: { url: 'https://example.com/cars.json' } } },
        });
        assert.equal(result.isError, true);
        assert.match(result.content[0].text, /^vega_lite\.data\.url: the chart view loads nothing/);
      });

      it('says precisely when a resource does not exist', async () => {
        await assert.rejects(session.client.readResource({ uri: 'ui://fleetmcp/nothing.html' }),
          (error) => error.code === (era === 'modern' ? -32602 : -32002) && /Resource not found/.test(error.message));
      });
    });
  }
}
