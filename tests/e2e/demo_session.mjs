// The MCP session scripts/demo shows: the official 1.x SDK (what Claude hosts
// speak today) drives fleetmcp over stdio against the demo database and
// prints what an analyst would see. Not a test: it lives here because this
// folder holds the project's npm clients.
import { connectLegacyClient } from './clients.mjs';
import { demoDatabaseUrl, resultData, resultText, serverEnvironment } from './lib.mjs';

function table(columns, rows) {
  const cells = [columns, ...rows.map((row) => row.map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))))];
  const widths = columns.map((_, i) => Math.min(40, Math.max(...cells.map((r) => r[i].length))));
  const line = (r) => '  ' + r.map((c, i) => c.slice(0, widths[i]).padEnd(widths[i])).join('  ');
  return [line(cells[0]), '  ' + widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

async function show(client, title, name, args) {
  console.log(`\n▶ ${title}\n  tools/call ${name} ${JSON.stringify(args)}`);
  const started = performance.now();
  const result = await client.callTool({ name, arguments: args });
  const ms = (performance.now() - started).toFixed(1);
  if (result.isError) {
    console.log(`  ✘ error (${ms} ms): ${resultText(result)}`);
    return;
  }
  const data = resultData(result);
  if (data.schemas) {
    console.log(table(['schema', 'tables', 'hypertables', 'views', 'matviews', 'functions'],
      data.schemas.map((s) => [s.name, s.tables, s.hypertables ?? '-', s.views, s.materialized_views, s.functions])));
  } else if (data.tables) {
    console.log(table(['table', 'kind', 'rows', 'MB', 'time range'],
      data.tables.map((t) => [t.name, t.kind, t.estimated_rows, ((t.size_bytes ?? 0) / 1048576).toFixed(1),
        t.time_range ? `${t.time_range.first.slice(0, 16)} → ${t.time_range.last.slice(0, 16)}` : ''])));
  } else if (data.columns && data.rows) {
    console.log(table(data.columns.map((c) => `${c.name} (${c.type})`), data.rows));
    console.log(`  ${data.row_count} rows, truncated=${data.truncated}, times in ${data.time_zone}, ${data.elapsed_ms} ms in the database`);
  } else if (data.columns) {
    console.log(table(['column', 'type', 'nullable', 'comment'],
      data.columns.map((c) => [c.name, c.type, c.nullable, c.comment ?? ''])));
  } else {
    console.log(JSON.stringify(data, null, 2));
  }
  console.log(`  (${ms} ms round trip)`);
}

const started = performance.now();
const { client, stderr, negotiatedProtocolVersion } = await connectLegacyClient(serverEnvironment({ DATABASE_URL: demoDatabaseUrl(), MCP_CALLER: 'demo', MCP_TIME_ZONE: 'Africa/Nairobi' }));
const info = client.getServerVersion();
console.log(`Connected to ${info.name} ${info.version} over stdio, MCP ${negotiatedProtocolVersion}, in ${(performance.now() - started).toFixed(1)} ms`);
const { tools } = await client.listTools();
console.log(`Tools: ${tools.map((t) => t.name).join(', ')}`);

await show(client, 'Which schemas can I query?', 'list_schemas', {});
await show(client, 'Raw telemetry: hypertables, their size and where the data ends', 'list_tables', { schema: 'tracksolid' });
await show(client, 'What is in reporting.v_daily_summary?', 'describe_table', { schema: 'reporting', table: 'v_daily_summary' });
await show(client, 'Top 10 cost centres by distance in the last 30 days', 'query', {
  sql: `SELECT cost_centre, round(sum(distance_km), 1) AS km, count(*) AS trips
          FROM reporting.v_trips
         WHERE started_at >= (SELECT max(started_at) FROM reporting.v_trips) - interval '30 days'
         GROUP BY 1 ORDER BY 2 DESC LIMIT 10`,
});
await show(client, 'Trips per day, counted in Nairobi days (MCP_TIME_ZONE=Africa/Nairobi)', 'query', {
  sql: `SELECT started_at::date AS day, count(*) AS trips FROM reporting.v_trips GROUP BY 1 ORDER BY 1 DESC LIMIT 5`,
});
await show(client, 'A write is refused', 'query', { sql: 'UPDATE tracksolid.devices SET plate = NULL' });
await show(client, 'Another schema is not readable', 'query', { sql: 'SELECT * FROM infrastructure.service_credentials' });

await client.close();
await stderr.ended();
console.log('\nAudit lines the server wrote (stderr):');
for (const record of stderr.auditRecords()) {
  console.log(`  ${record.caller} ${record.tool} ${record.outcome} rows=${record.rows ?? '-'} ${record.ms} ms ${record.sql ? JSON.stringify(record.sql.replace(/\s+/g, ' ').slice(0, 60)) : ''}`);
}
