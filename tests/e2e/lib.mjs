// Shared plumbing for the end-to-end tests: where the binary and database are,
// the server's environment, and capture of the server's stderr (audit lines).
import { spawn } from 'node:child_process';
import { once } from 'node:events';

// The inputs the runner passes in; a clear failure instead of a confusing
// spawn error when it forgot one.
export function fleetmcpBinary() {
  return requiredEnv('FLEETMCP_BIN', 'the fleetmcp binary');
}

export function demoDatabaseUrl() {
  return requiredEnv('DATABASE_URL', 'the demo database as analytics_ro');
}

function requiredEnv(name, what) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: point it at ${what}`);
  return value;
}

// The environment for a spawned server: only what a desktop client would pass
// (the SDKs' default would drop DATABASE_URL), plus the given variables.
export function serverEnvironment(extra = {}) {
  const inherited = ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER', 'LANG', 'LC_ALL', 'TMPDIR'];
  const env = {};
  for (const name of inherited) if (process.env[name] !== undefined) env[name] = process.env[name];
  return { ...env, ...extra };
}

// Accumulates a child's stderr so tests can read its log and audit lines once
// the child has exited (or while it runs, for diagnostics).
export class StderrCollector {
  #text = '';
  #ended;

  constructor(stream) {
    if (!stream) throw new Error('no stderr stream to collect (spawn with stderr: "pipe")');
    stream.setEncoding?.('utf8');
    stream.on('data', (chunk) => { this.#text += chunk; });
    this.#ended = once(stream, 'end').then(() => undefined, () => undefined);
  }

  get text() { return this.#text; }

  // Resolves when the stream has delivered everything, i.e. the child closed it.
  ended() { return this.#ended; }

  lines() { return this.#text.split('\n').filter((line) => line.trim() !== ''); }

  // Audit lines are the JSON objects naming a tool; other stderr lines are logs.
  auditRecords() {
    const records = [];
    for (const line of this.lines()) {
      let value;
      try { value = JSON.parse(line); } catch { continue; }
      if (value && typeof value === 'object' && typeof value.tool === 'string') records.push(value);
    }
    return records;
  }
}

// Starts the binary directly (e.g. `fleetmcp gateway` for HTTP tests, or a CLI
// subcommand), collecting stdout and stderr. stop() ends it and waits for exit.
export function startProcess(args, env = serverEnvironment()) {
  const child = spawn(fleetmcpBinary(), args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr = new StderrCollector(child.stderr);
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  const exited = once(child, 'close').then(([code, signal]) => ({ code, signal }));
  return {
    child,
    stderr,
    stdout: () => stdout,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

// A tool result's text payload parsed as JSON; fails the test on a tool error.
export function resultData(result) {
  if (result.isError) throw new Error(`tool returned an error: ${resultText(result)}`);
  return JSON.parse(resultText(result));
}

export function resultText(result) {
  const first = result.content?.[0];
  if (!first || first.type !== 'text') throw new Error(`expected text content, got ${JSON.stringify(result.content)}`);
  return first.text;
}

// Polls `condition` (sync or async) every 50 ms until it holds; fails naming `what`.
export async function until(condition, what, tries = 400) {
  for (let i = 0; i < tries; i += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
