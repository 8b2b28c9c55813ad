// The chart tool's view: receives the tool result from the host (MCP Apps),
// turns the query's rows into Vega-Lite data and draws the spec the server
// checked. Nothing here reaches the network: the spec carries no data URL and
// the loader refuses every load as a second line of defence.
import { App } from "@modelcontextprotocol/ext-apps";
import * as vega from "vega";
import embed from "vega-embed";

const chartElement = document.getElementById("chart");
const statusElement = document.getElementById("status");

// int8 beyond 2^53 and numeric arrive as exact strings; a chart needs numbers.
const NUMERIC_TYPES = new Set(["int2", "int4", "int8", "float4", "float8", "numeric", "oid"]);

function rowsAsObjects(columns, rows) {
  const numeric = columns.map((column) => NUMERIC_TYPES.has(column.type));
  return rows.map((row) => {
    const object = {};
    columns.forEach((column, i) => {
      const value = row[i];
      object[column.name] = numeric[i] && typeof value === "string" ? Number(value) : value;
    });
    return object;
  });
}

function refuse(uri) {
  return Promise.reject(new Error(`the chart view loads nothing from the network (asked for ${uri})`));
}

const offlineLoader = {
  ...vega.loader(),
  load: refuse,
  sanitize: refuse,
  http: refuse,
  file: refuse,
};

function showStatus(text) {
  statusElement.textContent = text;
}

let view;

async function draw(content) {
  if (!content || !content.chart || !Array.isArray(content.columns) || !Array.isArray(content.rows)) {
    showStatus("This tool result carries no chart.");
    return;
  }
  const spec = structuredClone(content.chart.spec);
  spec.data = { values: rowsAsObjects(content.columns, content.rows) };
  if (view) view.finalize();
  try {
    const dark = app.getHostContext()?.theme === "dark";
    const result = await embed(chartElement, spec, {
      renderer: "svg",
      actions: false,
      loader: offlineLoader,
      ...(dark ? { theme: "dark" } : {}),
    });
    view = result.view;
    showStatus(content.truncated ? `Only the first ${content.row_count} rows are drawn (the query was cut at the row or byte cap).` : "");
    document.body.dataset.drawn = String(content.row_count);
  } catch (error) {
    showStatus(`The chart could not be drawn: ${error.message}`);
    document.body.dataset.failed = error.message;
  }
}

const app = new App({ name: "fleetmcp chart", version: "1.0.0" }, {}, { autoResize: true });
app.ontoolresult = (result) => {
  if (result.isError) {
    showStatus("The chart tool failed; its message is in the conversation.");
    return;
  }
  draw(result.structuredContent);
};
app.connect().catch((error) => showStatus(`Could not connect to the host: ${error.message}`));
