// Debian's haproxy in front of several gateways on loopback, round robin per
// request (no stickiness): what an operator runs to scale the gateway out.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';

// A port the kernel just called free, for haproxy's frontend.
async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

// backends: ["127.0.0.1:port", …]. Resolves to { url, stop() } once haproxy accepts.
export async function startHaproxy(directory, backends) {
  const port = await freePort();
  const config = join(directory, 'haproxy.cfg');
  writeFileSync(config, [
    'global',
    '  maxconn 512',
    'defaults',
    '  mode http',
    '  timeout connect 5s',
    '  timeout client 120s',
    '  timeout server 120s',
    'frontend mcp',
    `  bind 127.0.0.1:${port}`,
    '  default_backend gateways',
    'backend gateways',
    // Each request on its own: the gateways hold no session, so none is pinned.
    '  balance roundrobin',
    ...backends.map((address, index) => `  server gateway${index + 1} ${address}`),
    '',
  ].join('\n'));
  let child;
  try {
    child = spawn('haproxy', ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`cannot run haproxy (scripts/setup installs it): ${error.message}`);
  }
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const spawned = new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) => reject(new Error(`cannot run haproxy (scripts/setup installs it): ${error.message}`)));
  });
  await spawned;
  const exited = once(child, 'close');
  for (let i = 0; !(await accepts(port)); i += 1) {
    if (child.exitCode !== null || i > 200) {
      child.kill();
      throw new Error(`haproxy did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
