// `fleetmcp gateway` as an OAuth 2.1 resource server, against a real OpenID
// provider on loopback: the official MCP SDK's OAuth client finds the
// provider from the 401 (RFC 9728), registers itself (RFC 7591), signs in with
// PKCE, gets a JWT for the gateway's /mcp (RFC 8707) and runs a query that is
// audited under the token's analyst. Then tokens minted here — forged,
// expired, for another audience or issuer, alg none, unknown kid, without the
// scope — are refused as RFC 6750 says, and a static token still works. A
// gateway whose issuer has been down since it started answers JWTs with 503.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { accessRecords, auditedOAuthQuery, newToken, post, startGateway } from './http_lib.mjs';
import { demoDatabaseUrl, until } from './lib.mjs';
import { MemoryOAuthProvider, TEST_USER, mintJwt, startOidcProvider } from './oidc_lib.mjs';

const SCOPE = 'fleetmcp:query';
const CLIENT_INFO = { name: 'fleetmcp-e2e-oauth', version: '1.0.0' };
const PING = { jsonrpc: '2.0', id: 1, method: 'ping' };

function challengeOf(response) {
  return response.headers.get('www-authenticate') ?? '';
}

describe('fleetmcp gateway with OAuth against a real OpenID provider', () => {
  const staticToken = newToken();
  let oidc;
  let gateway;
  let claims;  // a valid access token's claims, for minting variants

  before(async () => {
    oidc = await startOidcProvider();
    gateway = await startGateway({
      args: ['--pool-max', '2'],
      env: {
        DATABASE_URL: demoDatabaseUrl(),
        MCP_AUTH_TOKENS: `static-analyst:${staticToken}`,
        MCP_OAUTH_ISSUER: oidc.issuer,
        MCP_OAUTH_SCOPES: SCOPE,
      },
    });
    const now = Math.floor(Date.now() / 1000);
    claims = { iss: oidc.issuer, aud: gateway.url, sub: 'minted-sub', preferred_username: 'minted', scope: SCOPE,
               iat: now, exp: now + 300 };
  });
  after(async () => {
    await gateway?.stop();
    await oidc?.stop();
  });

  const bearer = (token) => ({ Authorization: `Bearer ${token}` });
  const mint = (overrides = {}, options = {}) =>
    mintJwt({ ...claims, ...overrides }, { privateKey: oidc.keys.rsa.privateKey, kid: 'rsa-1', ...options });

  it('answers 401 without a token, pointing to metadata that names the issuer', async () => {
    const response = await post(gateway.url, PING);
    assert.equal(response.status, 401);
    const challenge = challengeOf(response);
    const metadataUrl = `${gateway.base}/.well-known/oauth-protected-resource/mcp`;
    assert.equal(challenge, `Bearer resource_metadata="${metadataUrl}", scope="${SCOPE}"`);
    const body = await response.json();
    assert.deepEqual(body.error, { code: -32600, message: 'Unauthorized: a valid Bearer token is required' });

    for (const url of [metadataUrl, `${gateway.base}/.well-known/oauth-protected-resource`]) {
      const metadata = await fetch(url);
      assert.equal(metadata.status, 200, url);
      assert.deepEqual(await metadata.json(), {
        resource: gateway.url,
        authorization_servers: [oidc.issuer],
        scopes_supported: [SCOPE],
        bearer_methods_supported: ['header'],
        resource_name: 'fleetmcp analytics (read-only SQL)',
      });
    }
  });

  // The SDK's flow from a first 401 to a token; returns the token's header and claims.
  async function signIn(provider) {
    const first = new StreamableHTTPClientTransport(new URL(gateway.url), { authProvider: provider });
    await assert.rejects(new Client(CLIENT_INFO).connect(first), UnauthorizedError);
    assert.ok(provider.clientInformation()?.client_id, 'dynamic client registration gave a client_id');
    const authorizationUrl = new URL(provider.authorizationUrl);
    assert.equal(authorizationUrl.origin, oidc.issuer);
    assert.equal(authorizationUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorizationUrl.searchParams.get('resource'), gateway.url);
    assert.equal(authorizationUrl.searchParams.get('scope'), SCOPE);
    await first.finishAuth(await oidc.authorize(authorizationUrl, provider.redirectUrl));
    const [header, payload] = provider.tokens().access_token.split('.')
      .slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    assert.equal(payload.aud, gateway.url);
    assert.equal(payload.iss, oidc.issuer);
    return { header, payload };
  }

  it('runs the whole MCP OAuth flow with the SDK: discovery, registration, PKCE, token, query', async () => {
    const provider = new MemoryOAuthProvider();
    const { header } = await signIn(provider);
    assert.equal(header.alg, 'RS256');
    const audit = await auditedOAuthQuery(gateway, provider, 'oauth_probe');
    assert.equal(audit.caller, TEST_USER.preferred_username);
    assert.ok(accessRecords(gateway).some((line) => line.caller === TEST_USER.preferred_username && line.status === 200));
  });

  it('runs the flow again with ES256 access tokens from the provider', async () => {
    oidc.signAccessTokensWith('ES256');
    try {
      const provider = new MemoryOAuthProvider();
      const { header } = await signIn(provider);
      assert.equal(header.alg, 'ES256');
      assert.equal(header.kid, 'ec-1');
      assert.equal((await auditedOAuthQuery(gateway, provider, 'oauth_es256_probe')).caller, TEST_USER.preferred_username);
    } finally {
      oidc.signAccessTokensWith('RS256');
    }
  });

  it('accepts an ES256 token signed with the provider\'s EC key', async () => {
    const token = mint({}, { privateKey: oidc.keys.ec.privateKey, kid: 'ec-1', alg: 'ES256' });
    const response = await post(gateway.url, PING, bearer(token));
    assert.equal(response.status, 200, challengeOf(response));
  });

  it('refuses bad tokens with 401 and error="invalid_token"', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const now = Math.floor(Date.now() / 1000);
    const cases = {
      forged: [mint({}, { privateKey: stranger }), /signature does not verify/],
      expired: [mint({ iat: now - 600, exp: now - 300 }), /expired/],
      'wrong audience': [mint({ aud: 'http://127.0.0.1:1/mcp' }), /audience/],
      'wrong issuer': [mint({ iss: 'http://127.0.0.1:1' }), /issuer/],
      'alg none': [mint({}, { alg: 'none' }), /signature is missing|alg none/],
      'unknown kid': [mint({}, { kid: 'not-published' }), /no key of the issuer has kid not-published/],
    };
    for (const [name, [token, why]] of Object.entries(cases)) {
      const response = await post(gateway.url, PING, bearer(token));
      assert.equal(response.status, 401, name);
      const challenge = challengeOf(response);
      assert.match(challenge, /^Bearer resource_metadata="[^"]+", scope="fleetmcp:query", error="invalid_token"/, name);
      assert.match(challenge, why, name);
    }
  });

  it('answers 403 insufficient_scope for a valid token without the scope', async () => {
    const response = await post(gateway.url, PING, bearer(mint({ scope: 'openid profile' })));
    assert.equal(response.status, 403);
    assert.match(challengeOf(response), /error="insufficient_scope"/);
    assert.match(challengeOf(response), /scope="fleetmcp:query"/);
    assert.equal((await response.json()).error.message, 'Forbidden: the token lacks the scope fleetmcp:query');
  });

  it('still accepts a static token on the same gateway, and says OAuth is on in /healthz', async () => {
    const response = await post(gateway.url, PING, bearer(staticToken));
    assert.equal(response.status, 200);
    const health = await (await fetch(`${gateway.base}/healthz`)).json();
    assert.match(health.auth, /OAuth/);
    assert.equal(health.oauth.issuer, oidc.issuer);
    assert.equal(health.oauth.signing_keys, 2);
  });

  it('answers 503 to a JWT while the issuer has been unreachable since start (the token may be good); static tokens still work', async () => {
    // An issuer on a port nobody listens on: the gateway starts (an issuer that is
    // down is retried when tokens arrive) but has no keys to check a JWT with.
    const closed = createServer();
    await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${closed.address().port}`;
    await new Promise((resolve) => closed.close(resolve));
    const orphan = await startGateway({
      env: { DATABASE_URL: demoDatabaseUrl(), MCP_AUTH_TOKENS: `static-analyst:${staticToken}`, MCP_OAUTH_ISSUER: issuer },
    });
    try {
      const response = await post(orphan.url, PING, bearer(mint({ iss: issuer, aud: orphan.url })));
      assert.equal(response.status, 503);
      assert.equal(response.headers.get('retry-after'), '5');
      assert.match((await response.json()).error.message, /authorization server cannot check the token now/);
      // The operator's line reaches the pipe a moment after the client has its answer.
      await until(() => /answered 503 to a JWT: the issuer's signing keys cannot be fetched now/.test(orphan.process.stderr.text),
        'the log line that says why');
      // What is wrong with the token itself is still the client's: 401.
      assert.equal((await post(orphan.url, PING, bearer('not.a.jwt'))).status, 401);
      assert.equal((await post(orphan.url, PING, bearer(staticToken))).status, 200);
    } finally {
      await orphan.stop();
    }
  });
});
