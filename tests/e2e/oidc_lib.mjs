// A real OpenID provider (panva's oidc-provider) on a loopback port, for the
// OAuth tests: dynamic client registration, PKCE, resource indicators with
// JWT access tokens for the gateway, and an interaction that signs in and
// consents for one test user without a browser.
import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

export const TEST_USER = { accountId: 'amina-7f3c', preferred_username: 'amina' };

function base64url(data) {
  return Buffer.from(data).toString('base64url');
}

// Keys the provider signs with (and publishes in its JWKS): RSA and P-256.
function signingKeys() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    rsa: { privateKey: rsa.privateKey, kid: 'rsa-1', alg: 'RS256' },
    ec: { privateKey: ec.privateKey, kid: 'ec-1', alg: 'ES256' },
  };
}

// A JWS compact token signed with node's crypto (not the provider), for the
// refusal cases: `key` may be one the provider publishes, or a stranger.
export function mintJwt(claims, { privateKey, kid, alg = 'RS256', header = {} } = {}) {
  const head = { alg, typ: 'at+jwt', ...(kid === undefined ? {} : { kid }), ...header };
  const input = `${base64url(JSON.stringify(head))}.${base64url(JSON.stringify(claims))}`;
  if (alg === 'none') return `${input}.`;
  const options = alg.startsWith('ES') ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey;
  return `${input}.${base64url(sign('sha256', Buffer.from(input), options))}`;
}

// The SDK's OAuthClientProvider, kept in memory; the "browser" is the test.
export class MemoryOAuthProvider {
  redirectUrl = 'http://127.0.0.1:9/oauth/callback';  // never served: the test stops at it
  authorizationUrl;
  #client;
  #tokens;
  #verifier;

  get clientMetadata() {
    return {
      client_name: 'fleetmcp e2e',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation() { return this.#client; }
  saveClientInformation(information) { this.#client = information; }
  tokens() { return this.#tokens; }
  saveTokens(tokens) { this.#tokens = tokens; }
  redirectToAuthorization(url) { this.authorizationUrl = url; }
  saveCodeVerifier(verifier) { this.#verifier = verifier; }
  codeVerifier() { return this.#verifier; }
}

// Starts the provider; access tokens for a loopback /mcp resource carry
// `resourceScope` and are JWTs signed with `accessTokenAlg`, or opaque with
// accessTokenFormat 'opaque'. With `introspectionClient` ({ client_id,
// client_secret }) that confidential client is registered and RFC 7662
// introspection and RFC 7009 revocation are on. Resolves to { issuer, keys,
// authorize(url, redirectUri) → code, signAccessTokensWith(alg),
// issueAccessTokensAs(format), revoke(token, clientId), stop() }.
export async function startOidcProvider({
  resourceScope = 'fleetmcp:query', accessTokenAlg = 'RS256', accessTokenFormat = 'jwt', introspectionClient,
} = {}) {
  const keys = signingKeys();
  let tokenAlg = accessTokenAlg;
  let tokenFormat = accessTokenFormat;
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const privateJwk = ({ privateKey, kid, alg }) => ({ ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' });

  const provider = new Provider(issuer, {
    jwks: { keys: [privateJwk(keys.rsa), privateJwk(keys.ec)] },
    findAccount: async (_ctx, accountId) => ({
      accountId,
      claims: async () => ({ sub: accountId, preferred_username: TEST_USER.preferred_username }),
    }),
    // Listed so that dynamic registration may ask for it; tokens get it through the resource server below.
    scopes: ['openid', 'offline_access', resourceScope],
    // A resource server's client: it only introspects, so it has no grants.
    clients: introspectionClient
      ? [{ ...introspectionClient, grant_types: [], response_types: [], redirect_uris: [],
           token_endpoint_auth_method: 'client_secret_basic' }]
      : [],
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },
      introspection: { enabled: Boolean(introspectionClient) },
      revocation: { enabled: Boolean(introspectionClient) },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf,
        useGrantedResource: () => true,
        // Any loopback /mcp URL is the gateway here; a real deployment lists its resource exactly.
        getResourceServerInfo: (_ctx, indicator) => {
          if (!/^http:\/\/127\.0\.0\.1:\d+\/mcp$/.test(indicator)) throw new Provider.errors.InvalidTarget();
          return tokenFormat === 'jwt'
            ? { scope: resourceScope, audience: indicator, accessTokenFormat: 'jwt', jwt: { sign: { alg: tokenAlg } } }
            : { scope: resourceScope, audience: indicator, accessTokenFormat: tokenFormat };
        },
      },
    },
    // RFC 9068 access tokens carry only sub by default; the gateway's audit
    // names the analyst from this claim.
    extraTokenClaims: async (_ctx, token) =>
      token.kind === 'AccessToken' ? { preferred_username: TEST_USER.preferred_username } : undefined,
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['fleetmcp-e2e-cookie-key'] },
    ttl: { AccessToken: 300, AuthorizationCode: 60, Grant: 600, Interaction: 600, Session: 600, RefreshToken: 600 },
  });
  provider.proxy = false;

  // The "browser" page: signs TEST_USER in, then grants whatever was asked.
  async function interaction(req, res) {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      await provider.interactionFinished(req, res, { login: { accountId: TEST_USER.accountId } }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url.startsWith('/interaction/')) {
      interaction(req, res).catch((error) => {
        res.statusCode = 500;
        res.end(String(error?.stack ?? error));
      });
      return;
    }
    callback(req, res);
  });

  // Follows the authorization URL's redirects like a browser (cookies kept)
  // until the provider sends the user agent to redirectUri; returns the code.
  async function authorize(url, redirectUri) {
    const cookies = new Map();
    let next = new URL(url);
    for (let hop = 0; hop < 20; hop += 1) {
      const response = await fetch(next, {
        redirect: 'manual',
        headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const at = pair.indexOf('=');
        cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1));
      }
      const location = response.headers.get('location');
      if (!location) throw new Error(`authorization stopped at ${next} with ${response.status}: ${await response.text()}`);
      next = new URL(location, next);
      if (next.href.startsWith(redirectUri)) {
        const error = next.searchParams.get('error');
        if (error) throw new Error(`authorization refused: ${error}: ${next.searchParams.get('error_description')}`);
        return next.searchParams.get('code');
      }
    }
    throw new Error('too many redirects');
  }

  return {
    issuer,
    keys,
    authorize,
    signAccessTokensWith: (alg) => { tokenAlg = alg; },
    issueAccessTokensAs: (format) => { tokenFormat = format; },
    // RFC 7009 revocation as the (public) client the token was issued to.
    revoke: async (token, clientId) => {
      const response = await fetch(`${issuer}/token/revocation`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, token_type_hint: 'access_token', client_id: clientId }),
      });
      if (response.status !== 200) throw new Error(`revocation answered ${response.status}: ${await response.text()}`);
    },
    stop: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}
