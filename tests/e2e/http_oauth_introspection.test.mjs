// `fleetmcp gateway` with RFC 7662 introspection, against a real OpenID
// provider (oidc-provider) that issues OPAQUE access tokens: the official MCP
// SDK's OAuth client signs in, the gateway introspects its token as a
// registered confidential client (HTTP Basic, with a secret that needs
// RFC 6749 §2.3.1's encoding) and audits the query under the analyst the
// answer names. Then: revocation (cached for the TTL, refused without a
// cache), a junk token's 401, JWTs and static tokens beside, --check with a
// wrong secret, and an authorization server that is down (503, cached
// tokens still served).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { auditedOAuthQuery, childPids, newToken, post, startGateway } from './http_lib.mjs';
import { demoDatabaseUrl, serverEnvironment, startProcess, until } from './lib.mjs';
import { MemoryOAuthProvider, TEST_USER, startOidcProvider } from './oidc_lib.mjs';

const SCOPE = 'fleetmcp:query';
const CLIENT_INFO = { name: 'fleetmcp-e2e-introspection', version: '1.0.0' };
const PING = { jsonrpc: '2.0', id: 1, method: 'ping' };
// ':' splits Basic credentials, '+', ' ' and '%' mean something in a form:
// all must reach the provider intact (RFC 6749 §2.3.1; a secret is VSCHAR,
// so printable ASCII, Appendix A.2).
const GATEWAY_CLIENT = { client_id: 'fleetmcp:gateway', client_secret: 'gw:s3cret+/ %2F' };

const bearer = (token) => ({ Authorization: `Bearer ${token}` });
const challengeOf = (response) => response.headers.get('www-authenticate') ?? '';

describe('fleetmcp gateway introspecting opaque tokens from a real OpenID provider', () => {
  const directory = mkdtempSync(join(tmpdir(), 'fleetmcp-introspection-'));
  const secretFile = join(directory, 'client-secret');
  const staticToken = newToken();
  let oidc;
  let gateway;
  let uncached;  // the same set-up with MCP_OAUTH_INTROSPECTION_CACHE_TTL=0

  const gatewayEnv = (extra = {}) => ({
    DATABASE_URL: demoDatabaseUrl(),
    MCP_AUTH_TOKENS: `static-analyst:${staticToken}`,
    MCP_OAUTH_ISSUER: oidc.issuer,
    MCP_OAUTH_SCOPES: SCOPE,
    MCP_OAUTH_CLIENT_ID: GATEWAY_CLIENT.client_id,
    MCP_OAUTH_CLIENT_SECRET_FILE: secretFile,
    ...extra,
  });

  before(async () => {
    writeFileSync(secretFile, `${GATEWAY_CLIENT.client_secret}\n`);
    oidc = await startOidcProvider({ accessTokenFormat: 'opaque', introspectionClient: GATEWAY_CLIENT });
    gateway = await startGateway({ args: ['--pool-max', '2'], env: gatewayEnv() });
    // This one takes the secret itself from the environment.
    uncached = await startGateway({
      args: ['--pool-max', '1'],
      env: gatewayEnv({ MCP_OAUTH_INTROSPECTION_CACHE_TTL: '0', MCP_OAUTH_CLIENT_SECRET_FILE: '',
                        MCP_OAUTH_CLIENT_SECRET: GATEWAY_CLIENT.client_secret }),
    });
  });
  after(async () => {
    await gateway?.stop();
    await uncached?.stop();
    await oidc?.stop();
  });

  // The SDK's flow from a first 401 to a token for `target`'s /mcp.
  async function signIn(target) {
    const provider = new MemoryOAuthProvider();
    const first = new StreamableHTTPClientTransport(new URL(target.url), { authProvider: provider });
    await assert.rejects(new Client(CLIENT_INFO).connect(first), UnauthorizedError);
    await first.finishAuth(await oidc.authorize(new URL(provider.authorizationUrl), provider.redirectUrl));
    return provider;
  }

  it('runs the SDK flow with an opaque token, introspected, and audits the analyst from the claim', async () => {
    const provider = await signIn(gateway);
    const token = provider.tokens().access_token;
    assert.equal(token.split('.').length, 1, 'the provider issued an opaque token, not a JWT');
    const audit = await auditedOAuthQuery(gateway, provider, 'introspected_probe');
    assert.equal(audit.caller, TEST_USER.preferred_username);
    assert.match(gateway.process.stderr.text, /OAuth: opaque tokens introspected at http:\/\/127\.0\.0\.1:\d+\/token\/introspection as client fleetmcp:gateway/);
    assert.ok(!gateway.process.stderr.text.includes(GATEWAY_CLIENT.client_secret), 'the secret is never logged');
    assert.ok(!gateway.process.stderr.text.includes(token), 'the token is never logged');

    const health = await (await fetch(`${gateway.base}/healthz`)).json();
    assert.match(health.auth, /introspected opaque tokens/);
    assert.equal(health.oauth.introspection.endpoint, `${oidc.issuer}/token/introspection`);
    assert.equal(health.oauth.introspection.client_id, GATEWAY_CLIENT.client_id);
    assert.equal(health.oauth.introspection.cache_ttl_s, 60);
    assert.ok(health.oauth.introspection.cached_tokens >= 1);
    assert.ok(!JSON.stringify(health).includes(GATEWAY_CLIENT.client_secret), 'no secret in /healthz');
  });

  it('keeps the client secret from the children, which never need it', async () => {
    await until(() => childPids(uncached).length > 0, 'a child of the gateway');
    for (const pid of childPids(uncached)) {
      const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      assert.ok(environment.some((entry) => entry.startsWith('DATABASE_URL=')), 'the child environment was read');
      assert.ok(!environment.some((entry) => entry.startsWith('MCP_OAUTH_CLIENT_SECRET')), `child ${pid}`);
      assert.ok(!environment.join('\n').includes(GATEWAY_CLIENT.client_secret), `child ${pid}`);
    }
  });

  it('refuses a revoked token: at once without a cache, after the TTL with one', async () => {
    // Without a cache every request asks: used, revoked, refused.
    const provider = await signIn(uncached);
    const token = provider.tokens().access_token;
    assert.equal((await post(uncached.url, PING, bearer(token))).status, 200);
    await oidc.revoke(token, provider.clientInformation().client_id);
    const refused = await post(uncached.url, PING, bearer(token));
    assert.equal(refused.status, 401);
    assert.match(challengeOf(refused), /error="invalid_token", error_description="the token is not active/);

    // With the cache, an answer already given stands for up to the TTL (the
    // documented trade-off); a token revoked before its first use is refused.
    const cachedProvider = await signIn(gateway);
    const cachedToken = cachedProvider.tokens().access_token;
    assert.equal((await post(gateway.url, PING, bearer(cachedToken))).status, 200);
    await oidc.revoke(cachedToken, cachedProvider.clientInformation().client_id);
    assert.equal((await post(gateway.url, PING, bearer(cachedToken))).status, 200, 'cached until the TTL');
    const fresh = await signIn(gateway);
    await oidc.revoke(fresh.tokens().access_token, fresh.clientInformation().client_id);
    assert.equal((await post(gateway.url, PING, bearer(fresh.tokens().access_token))).status, 401);
  });

  it('answers a junk opaque token with 401 invalid_token and the metadata pointer', async () => {
    const response = await post(gateway.url, PING, bearer(newToken()));
    assert.equal(response.status, 401);
    assert.equal(challengeOf(response),
      `Bearer resource_metadata="${gateway.base}/.well-known/oauth-protected-resource/mcp", scope="${SCOPE}", ` +
      'error="invalid_token", error_description="the token is not active (unknown, expired or revoked)"');
    assert.deepEqual((await response.json()).error, { code: -32600, message: 'Unauthorized: a valid Bearer token is required' });
    const spaced = await post(gateway.url, PING, bearer('two words'));
    assert.equal(spaced.status, 401);
    assert.match(challengeOf(spaced), /RFC 6750/);
  });

  it('still verifies JWTs through the JWKS beside introspection, and static tokens', async () => {
    oidc.issueAccessTokensAs('jwt');
    try {
      const provider = await signIn(gateway);
      assert.equal(provider.tokens().access_token.split('.').length, 3, 'a JWT this time');
      assert.equal((await auditedOAuthQuery(gateway, provider, 'jwt_beside_probe')).caller, TEST_USER.preferred_username);
    } finally {
      oidc.issueAccessTokensAs('opaque');
    }
    assert.equal((await post(gateway.url, PING, bearer(staticToken))).status, 200);
  });

  it('gateway --check introspects a made-up token, and names the setting when the secret is wrong', async () => {
    const check = async (env) => {
      const run = startProcess(['gateway', '--listen', '127.0.0.1:0', '--check'], serverEnvironment(env));
      run.child.stdin.end();
      const { code } = await run.exited;
      return { code, stdout: run.stdout(), stderr: run.stderr.text };
    };
    const good = await check(gatewayEnv());
    assert.equal(good.code, 0, good.stdout + good.stderr);
    assert.match(good.stdout, /introspection.*\/token\/introspection accepts client fleetmcp:gateway/);

    const wrong = await check(gatewayEnv({ MCP_OAUTH_CLIENT_SECRET_FILE: '', MCP_OAUTH_CLIENT_SECRET: 'not-the-secret' }));
    assert.equal(wrong.code, 1, wrong.stdout);
    assert.match(wrong.stdout, /refused the client credentials \(HTTP 401\)/);
    assert.match(wrong.stdout, /MCP_OAUTH_CLIENT_SECRET/);
    assert.ok(!wrong.stdout.includes('not-the-secret'), 'the secret is not printed');

    const unpaired = await check(gatewayEnv({ MCP_OAUTH_CLIENT_SECRET_FILE: '' }));
    assert.equal(unpaired.code, 2);
    assert.match(unpaired.stderr, /MCP_OAUTH_CLIENT_ID is set but MCP_OAUTH_CLIENT_SECRET/);
    const plain = await check(gatewayEnv({ MCP_OAUTH_INTROSPECTION_URL: 'http://id.example.com/introspect' }));
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /MCP_OAUTH_INTROSPECTION_URL .*plain http is allowed only to a loopback address/);
  });

  // Last: it stops the provider.
  it('answers 503 with Retry-After while the provider is down, and keeps serving cached tokens', async () => {
    const provider = await signIn(gateway);
    const cachedToken = provider.tokens().access_token;
    assert.equal((await post(gateway.url, PING, bearer(cachedToken))).status, 200);
    await oidc.stop();
    const response = await post(gateway.url, PING, bearer(newToken()));
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '5');
    assert.match((await response.json()).error.message, /authorization server cannot check the token now/);
    assert.match(gateway.process.stderr.text, /\[error\] OAuth introspection: .*token\/introspection: cannot connect/);
    assert.equal((await post(gateway.url, PING, bearer(cachedToken))).status, 200, 'a cached answer still stands');
  });
});
