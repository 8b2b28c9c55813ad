// The chart view in a real browser: fleetmcp (the built binary, over stdio,
// with the official 2.x client declaring MCP Apps) draws daily trips and trip
// starts from the demo database; Debian's headless Chromium opens the view it
// serves at ui://fleetmcp/chart.html inside a host built on the SDK's
// AppBridge; the test counts the drawn marks, reads the axis titles, checks
// that nothing was fetched, and keeps a screenshot in build/artifacts/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";

import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { chromium } from "playwright-core";

import { hostPage } from "./host/host_page.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const buildDir = process.env.FLEETMCP_BUILD || join(root, "build");
const binary = process.env.FLEETMCP_BIN || join(buildDir, "fleetmcp");
const artifacts = join(buildDir, "artifacts");
const chromiumPath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const UI_EXTENSION = "io.modelcontextprotocol/ui";
const APP_MIME_TYPE = "text/html;profile=mcp-app";

// The demo data is anchored in the past: its last 14 days.
const DAILY_TRIPS =
  "SELECT started_at::date AS day, count(*) AS trips FROM reporting.v_trips " +
  "WHERE started_at > (SELECT max(started_at) FROM reporting.v_trips) - interval '14 days' GROUP BY 1 ORDER BY 1";

describe("the chart view in headless Chromium", () => {
  let client;
  let browser;
  let hostHtml;
  let viewHtml;

  before(async () => {
    assert.ok(process.env.DATABASE_URL, "DATABASE_URL is not set: start the demo database (scripts/testdb) first");
    mkdirSync(artifacts, { recursive: true });
    const transport = new StdioClientTransport({
      command: binary,
      env: { ...process.env, MCP_CALLER: "apps-browser-test" },
      stderr: "ignore",
    });
    client = new Client(
      { name: "fleetmcp-apps-test", version: "1.0.0" },
      { capabilities: { extensions: { [UI_EXTENSION]: { mimeTypes: [APP_MIME_TYPE] } } } },
    );
    await client.connect(transport);
    const chart = (await client.listTools()).tools.find((tool) => tool.name === "chart");
    const uri = chart._meta.ui.resourceUri;
    const resource = await client.readResource({ uri });
    assert.equal(resource.contents[0].mimeType, APP_MIME_TYPE);
    viewHtml = resource.contents[0].text;
    hostHtml = await hostPage();
    browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
  });

  after(async () => {
    await browser?.close();
    await client?.close();
  });

  // Opens the view in the test host with a real chart result; resolves to
  // { page, frame, requests, errors } once the view says it has drawn.
  async function show(toolInput) {
    const toolResult = await client.callTool({ name: "chart", arguments: toolInput });
    assert.notEqual(toolResult.isError, true, JSON.stringify(toolResult.content));
    const page = await browser.newPage({ viewport: { width: 900, height: 520 } });
    const requests = [];
    const errors = [];
    page.on("request", (request) => requests.push(request.url()));
    page.on("pageerror", (error) => errors.push(error.message));
    await page.setContent(hostHtml);
    await page.evaluate((view) => window.showView(view), { html: viewHtml, toolInput, toolResult });
    const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
    await frame.waitForSelector("body[data-drawn], body[data-failed]");
    assert.equal(await frame.getAttribute("body", "data-failed"), null);
    return { page, frame, toolResult, requests, errors };
  }

  function fetched(requests) {
    return requests.filter((url) => !url.startsWith("about:") && !url.startsWith("data:"));
  }

  it("draws one bar per day of trips, with the axis titles and the chart title", async () => {
    const { page, frame, toolResult, requests, errors } = await show({
      sql: DAILY_TRIPS, mark: "bar", x: "day", y: "trips", title: "Trips per day, last 14 days of the demo",
    });
    const days = toolResult.structuredContent.rows.length;
    assert.ok(days >= 13 && days <= 15, `expected about 14 days, got ${days}`);
    assert.equal(await frame.locator("g.mark-rect.role-mark path").count(), days);
    const axisTitles = await frame.locator("g.role-axis-title text").allTextContents();
    assert.deepEqual(axisTitles.sort(), ["day", "trips"]);
    assert.deepEqual(await frame.locator("g.role-title-text text").allTextContents(), ["Trips per day, last 14 days of the demo"]);
    assert.match(toolResult.content[0].text, /^Drew a bar chart "Trips per day, last 14 days of the demo" from \d+ rows; x day: /);
    assert.deepEqual(fetched(requests), []);
    assert.deepEqual(errors, []);
    await page.screenshot({ path: join(artifacts, "chart.png") });
    await page.close();
  });

  it("draws a point per trip start on a map from the PostGIS geometry", async () => {
    const { page, frame, toolResult, requests, errors } = await show({
      sql: "SELECT region, start_geom FROM reporting.v_trips ORDER BY trip_id LIMIT 60",
      mark: "map", series: "region", title: "Trip starts",
    });
    const points = toolResult.structuredContent.rows.filter((row) => row[1]?.type === "Point").length;
    assert.ok(points > 0);
    assert.equal(await frame.locator("g.mark-symbol.role-mark path").count(), points);
    assert.deepEqual(fetched(requests), []);
    assert.deepEqual(errors, []);
    await page.screenshot({ path: join(artifacts, "chart_map.png") });
    await page.close();
  });

  it("draws a Vega-Lite line with a point per row", async () => {
    const { page, frame, toolResult } = await show({
      sql: DAILY_TRIPS,
      vega_lite: {
        mark: { type: "line", point: true },
        encoding: { x: { field: "day", type: "temporal", title: "Day" }, y: { field: "trips", type: "quantitative", title: "Trips" } },
      },
    });
    assert.equal(await frame.locator("g.mark-symbol.role-mark path").count(), toolResult.structuredContent.rows.length);
    assert.deepEqual((await frame.locator("g.role-axis-title text").allTextContents()).sort(), ["Day", "Trips"]);
    await page.close();
  });
});
