// `fleetmcp gateway --check` and the OAuth start-up checks: the issuer's
// metadata and keys fetched over plain loopback HTTP (a real OpenID provider)
// and over HTTPS, where the certificate must chain to a trusted CA and name
// the host; settings that cannot work stop the start with the setting named.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { serverEnvironment, startProcess } from './lib.mjs';
import { startOidcProvider } from './oidc_lib.mjs';

async function runGateway(args, env, listen = '127.0.0.1:0') {
  const run = startProcess(['gateway', '--listen', listen, ...args], serverEnvironment(env));
  run.child.stdin.end();
  const { code } = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr.text };
}

// A self-signed certificate for `subjectAltName` (e.g. IP:127.0.0.1).
function certificate(directory, name, subjectAltName) {
  const key = join(directory, `${name}.key`);
  const cert = join(directory, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout',
    key, '-out', cert, '-days', '1', '-subj', '/CN=fleetmcp-e2e', '-addext', `subjectAltName=${subjectAltName}`],
  { stdio: 'ignore' });
  return { key: readFileSync(key), cert: readFileSync(cert), certFile: cert };
}

// An HTTPS issuer serving only discovery metadata and a JWKS (written in
// chunks, so the gateway's client reads a chunked body).
async function startHttpsIssuer(tls) {
  const jwk = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: 'tls-ec', use: 'sig' };
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const issuer = `https://127.0.0.1:${server.address().port}`;
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, code_challenge_methods_supported: ['S256'] }));
    } else if (req.url === '/jwks') {
      const body = JSON.stringify({ keys: [jwk] });
      res.write(body.slice(0, 10));
      res.write(body.slice(10));
      res.end();
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { issuer: `https://127.0.0.1:${server.address().port}`, stop: () => new Promise((resolve) => server.close(resolve)) };
}

describe('fleetmcp gateway --check and OAuth settings', () => {
  const directory = mkdtempSync(join(tmpdir(), 'fleetmcp-oauth-'));
  let oidc;
  before(async () => { oidc = await startOidcProvider(); });
  after(async () => {
    await oidc?.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('reports a working issuer: metadata, keys, PKCE and dynamic registration', async () => {
    const { code, stdout, stderr } = await runGateway(['--check'], { MCP_OAUTH_ISSUER: oidc.issuer });
    assert.equal(code, 0, stdout + stderr);
    assert.match(stdout, /issuer metadata: .*\/\.well-known\/(oauth-authorization-server|openid-configuration)/);
    assert.match(stdout, /2 signing key\(s\) from .*: rsa-1 RSA RS256, ec-1 EC ES256/);
    assert.match(stdout, /PKCE: the issuer supports S256/);
    assert.match(stdout, /dynamic client registration at /);
    assert.match(stdout, /gateway check passed/);
  });

  it('says what is wrong with an issuer that is not the one its metadata names', async () => {
    const { code, stdout } = await runGateway(['--check'], { MCP_OAUTH_ISSUER: `${oidc.issuer}/` });
    assert.equal(code, 1, stdout);
    assert.match(stdout, /names the issuer '[^']+', not '[^']+\/'/);
  });

  it('fetches over HTTPS only from a certificate that is trusted and names the host', async () => {
    const good = certificate(directory, 'good', 'IP:127.0.0.1');
    const https = await startHttpsIssuer(good);
    try {
      const trusted = await runGateway(['--check'], { MCP_OAUTH_ISSUER: https.issuer, SSL_CERT_FILE: good.certFile });
      assert.equal(trusted.code, 0, trusted.stdout + trusted.stderr);
      assert.match(trusted.stdout, /issuer metadata: .*\/\.well-known\/openid-configuration/);  // the fallback
      assert.match(trusted.stdout, /1 signing key\(s\) from https:\/\/127\.0\.0\.1:\d+\/jwks: tls-ec EC/);
      const untrusted = await runGateway(['--check'], { MCP_OAUTH_ISSUER: https.issuer });
      assert.equal(untrusted.code, 1);
      assert.match(untrusted.stdout, /certificate is not trusted/);
    } finally {
      await https.stop();
    }
    const misnamed = certificate(directory, 'misnamed', 'DNS:id.example.com');
    const other = await startHttpsIssuer(misnamed);
    try {
      const run = await runGateway(['--check'], { MCP_OAUTH_ISSUER: other.issuer, SSL_CERT_FILE: misnamed.certFile });
      assert.equal(run.code, 1);
      assert.match(run.stdout, /certificate is not trusted: IP address mismatch/);
    } finally {
      await other.stop();
    }
  });

  it('refuses settings that cannot work at start, naming the setting', async () => {
    const cases = [
      [{ MCP_OAUTH_ISSUER: 'http://id.example.com' }, /MCP_OAUTH_ISSUER http:\/\/id\.example\.com: plain http is allowed only to a loopback/],
      [{ MCP_OAUTH_ISSUER: oidc.issuer, MCP_PUBLIC_URL: 'https://fleetmcp.example.com/mcp' }, /MCP_PUBLIC_URL must be scheme:\/\/host\[:port\] with no path/],
      [{ MCP_OAUTH_AUDIENCE: 'https://fleetmcp.example.com/mcp' }, /MCP_OAUTH_AUDIENCE is set but MCP_OAUTH_ISSUER is not/],
      [{ MCP_OAUTH_ISSUER: oidc.issuer, MCP_PUBLIC_URL: 'http://fleetmcp.example.com' }, /MCP_PUBLIC_URL http:\/\/fleetmcp\.example\.com: plain http is allowed only to a loopback/],
    ];
    for (const [env, message] of cases) {
      const { code, stderr } = await runGateway([], { MCP_AUTH_TOKENS: 'a:b', ...env });
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
    }
    const open = await runGateway([], { MCP_OAUTH_ISSUER: oidc.issuer }, '0.0.0.0:0');
    assert.equal(open.code, 2, open.stderr);
    assert.match(open.stderr, /MCP_PUBLIC_URL \(--public-url\) is required with MCP_OAUTH_ISSUER on 0\.0\.0\.0:\d+/);
  });
});
