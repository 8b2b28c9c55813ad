// The command line an operator meets first: `fleetmcp --help` documents every
// setting the server reads from the environment.
import assert from 'node:assert/strict';
import { it } from 'node:test';

import { serverEnvironment, startProcess } from './lib.mjs';

const DOCUMENTED_SETTINGS = ['DATABASE_URL', 'MCP_READABLE_SCHEMAS', 'MCP_MAX_ROWS', 'MCP_POOL_MAX', 'MCP_CALLER', 'MCP_LOG_LEVEL', 'MCP_TIME_ZONE'];

it('fleetmcp --help lists every environment setting and exits 0', async () => {
  const run = startProcess(['--help'], serverEnvironment());
  run.child.stdin.end();
  const { code } = await run.exited;
  assert.equal(code, 0, `--help failed; stderr:\n${run.stderr.text}`);
  for (const setting of DOCUMENTED_SETTINGS) assert.match(run.stdout(), new RegExp(setting), `--help does not mention ${setting}`);
});
