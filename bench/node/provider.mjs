#!/usr/bin/env node
// node-oidc-provider (oidc-provider 9.13.3) configured as the Node baseline of the Pocket ID
// benchmark. See README.md beside this file for the whole interface; in short:
//
//   NODE_ENV=production PORT=3100 ALG=RS256 JWKS_FILE=/tmp/rs256.json node provider.mjs
//
// Environment:
//   PORT          TCP port, listens on 127.0.0.1 only (default 3100)
//   ISSUER        issuer identifier (default http://localhost:${PORT})
//   JWKS_FILE     private JWK Set with exactly one key, written by genkeys.mjs (required)
//   ALG           RS256 | ES256 | EdDSA; must match the key (required)
//   CLIENT_SECRET secret of the static client "bench" (default bench-secret-0123456789abcdefghij)
//   REDIRECT_URI  its one registered redirect URI (default http://127.0.0.1:9/cb)
//   MEMORY_STORE_MAX  optional; capacity of the library's in-memory store (see below)
//
// stdout carries exactly one line, `READY {"pid":N,"port":N}`, printed from the listen
// callback. Everything else (library notices included) goes to stderr. SIGTERM/SIGINT close
// the server and exit 0.
//
// What each flow returns in this configuration (checked by check.mjs):
//   POST /token grant_type=client_credentials
//       -> JWT access token (typ at+jwt, signed with ALG, aud urn:bench:api, 3600 s).
//   GET  /auth?response_type=code&scope=openid profile email&code_challenge=..&...
//       -> the first call of a browser session goes through /interaction/:uid (served below,
//          auto-login of bench-user + consent); later calls with the same cookies redirect
//          straight back to REDIRECT_URI?code=...&state=...&iss=...
//       The code is always bound to the resource urn:bench:api (defaultResource).
//   POST /token grant_type=authorization_code (code, redirect_uri, code_verifier)
//       -> id_token + JWT access token for urn:bench:api + refresh_token.
//   POST /token grant_type=refresh_token (refresh_token, NO scope parameter)
//       -> id_token + JWT access token for urn:bench:api + a new (rotated) refresh_token.
//   POST /token grant_type=refresh_token with scope containing openid (e.g. scope=openid profile email)
//       -> id_token + an OPAQUE access token (43 chars, no audience, stored in memory) + a new
//          refresh_token. This opaque token is the one GET/POST /me (userinfo) accepts:
//          node-oidc-provider refuses userinfo for any access token that has an audience
//          (a resource-server token), and JWT access tokens always have one. It is also the
//          only kind of access token /token/introspection accepts: JWT access tokens are
//          refused there with 400 unsupported_token_type. Refresh tokens are opaque and
//          introspectable.
//   The rule behind this: useGrantedResource() below returns true unless the token request
//   carries a `scope` parameter; then the library's own rule applies, which issues a
//   userinfo (opaque) token whenever the requested scope contains openid.
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider, { errors } from 'oidc-provider';

// The library prints its "you SHOULD change" notices with console.info, i.e. to stdout.
// Keep stdout for the READY line only.
console.info = console.error;
console.log = console.error;

const env = (name, fallback) => {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : v;
};

const PORT = Number.parseInt(env('PORT', '3100'), 10);
const ISSUER = env('ISSUER', `http://localhost:${PORT}`);
const ALG = env('ALG', undefined);
const JWKS_FILE = env('JWKS_FILE', undefined);
const CLIENT_SECRET = env('CLIENT_SECRET', 'bench-secret-0123456789abcdefghij');
const REDIRECT_URI = env('REDIRECT_URI', 'http://127.0.0.1:9/cb');
const MEMORY_STORE_MAX = env('MEMORY_STORE_MAX', undefined);

const die = (msg) => {
  process.stderr.write(`provider.mjs: ${msg}\n`);
  process.exit(2);
};

if (!Number.isInteger(PORT) || PORT <= 0 || PORT > 65535) die(`bad PORT ${process.env.PORT}`);
if (!['RS256', 'ES256', 'EdDSA'].includes(ALG)) die('ALG must be RS256, ES256 or EdDSA');
if (!JWKS_FILE) die('JWKS_FILE is required (write one with genkeys.mjs)');

const jwks = JSON.parse(readFileSync(JWKS_FILE, 'utf8'));
if (!Array.isArray(jwks.keys) || jwks.keys.length !== 1 || jwks.keys[0].alg !== ALG) {
  die(`JWKS_FILE must hold exactly one key with alg ${ALG}`);
}

let adapter; // undefined = the library's default in-memory adapter
if (MEMORY_STORE_MAX !== undefined) {
  // Optional, off by default. The default adapter keeps everything in one LRU of 1000 entries
  // per provider (an entry is a code, a session, a grant, an interaction, a refresh token or
  // an opaque access token; JWT access tokens are not stored). A harness that pre-mints more
  // than about 1000 codes before redeeming them loses the oldest ones (invalid_grant). This
  // uses the very same adapter class over a bigger LRU of the same class.
  const max = Number.parseInt(MEMORY_STORE_MAX, 10);
  if (!Number.isInteger(max) || max <= 0) die(`bad MEMORY_STORE_MAX ${MEMORY_STORE_MAX}`);
  const { default: MemoryAdapter } = await import('oidc-provider/lib/adapters/memory_adapter.js');
  const { default: LRU } = await import('oidc-provider/lib/helpers/lru.js');
  const store = new LRU({ maxSize: max });
  adapter = (model) => new MemoryAdapter(model, store);
}

const RESOURCE = 'urn:bench:api';
const OIDC_SCOPES = ['openid', 'offline_access', 'profile', 'email'];
// The resource server accepts the OIDC scopes too, so a code-flow JWT access token carries
// scope "openid profile email" like the Rust server's does.
const RS_SCOPE = 'openid profile email api:read';
const RS_SCOPES = new Set(RS_SCOPE.split(' '));
const ACCOUNT_ID = 'bench-user';

const ACCOUNT_CLAIMS = {
  sub: ACCOUNT_ID,
  email: 'bench-user@example.com',
  email_verified: true,
  name: 'Bench User',
  given_name: 'Bench',
  family_name: 'User',
  preferred_username: 'bench-user',
};

const configuration = {
  // `adapter` is undefined unless MEMORY_STORE_MAX is set: the library's default in-memory
  // adapter (an LRU in this process). This is an advantage node-oidc-provider has here over the
  // Rust server, which writes codes, refresh tokens, sessions etc. to its database: every store
  // read/write here is a Map operation. (Its per-grant index also has a cost that grows with the
  // number of tokens issued under one grant; see README.md, "Store limits".)
  adapter,
  jwks,

  clients: [{
    client_id: 'bench',
    client_secret: CLIENT_SECRET,
    grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [REDIRECT_URI],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: ALG,
  }],
  // Also the library's default alg for JWT access tokens; without it an EdDSA- or ES256-only
  // key set starts fine and then fails the first /token call with invalid_client_metadata.
  clientDefaults: {
    grant_types: ['authorization_code'],
    id_token_signed_response_alg: ALG,
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  },

  // Token lifetimes of the Rust server's defaults: access token 60 min
  // (oidc_clients.access_token_duration_minutes), refresh token 30 days (43200 min), ID token
  // 1 h (ID_TOKEN_LIFETIME), authorization code 15 min (CODE_LIFETIME in
  // backend/src/features/oidc/authorize.rs), interaction 1 h.
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 900,
    ClientCredentials: 3600,
    IdToken: 3600,
    RefreshToken: 30 * 24 * 3600,
    Interaction: 3600,
    Session: 14 * 24 * 3600,
    Grant: 30 * 24 * 3600,
  },

  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    // Any token of the one (confidential) client may be introspected by it; this is what the
    // library's default policy allows too, set explicitly only to silence its notice.
    introspection: { enabled: true, allowedPolicy: async () => true },
    // userinfo stays enabled (library default).
    resourceIndicators: {
      enabled: true,
      // No `resource` parameter at /auth or at client_credentials -> urn:bench:api.
      defaultResource: (_ctx, _client, oneOf) => oneOf ?? RESOURCE,
      getResourceServerInfo: (_ctx, resourceIndicator) => {
        if (resourceIndicator !== RESOURCE) throw new errors.InvalidTarget();
        return {
          scope: RS_SCOPE,
          audience: RESOURCE,
          accessTokenTTL: 3600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: ALG } },
        };
      },
      // Code and refresh flows: the access token is the JWT for the granted resource
      // (urn:bench:api), as the Rust server issues JWT access tokens everywhere. Exception: a
      // refresh request with an explicit `scope` falls back to the library rule, i.e. an opaque
      // userinfo token when that scope contains openid (see the header of this file).
      useGrantedResource: (ctx) => ctx.oidc.params.scope === undefined,
    },
  },

  scopes: OIDC_SCOPES,
  claims: {
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    email: ['email', 'email_verified'],
  },
  async findAccount(_ctx, id) {
    if (id !== ACCOUNT_ID) return undefined;
    return {
      accountId: ACCOUNT_ID,
      async claims() { return { ...ACCOUNT_CLAIMS }; },
    };
  },

  // A refresh token on every authorization-code grant of a client allowed to refresh (the
  // library's default would also want offline_access), rotated on every use. Reusing a
  // rotated refresh token is refused and revokes the whole grant (library behaviour).
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: () => true,
  // Tokens outlive the browser session (no offline_access needed), so a token request never
  // depends on the session record still being in the store.
  expiresWithSession: async () => false,

  // PKCE: library default, i.e. optional for this confidential client; S256 is accepted and
  // verified whenever code_challenge is sent.

  interactions: {
    url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
  },
  cookies: {
    keys: ['bench-cookie-key-0123456789abcdefghijklmnopqrstuv'],
  },
};

const provider = new Provider(ISSUER, configuration);

provider.on('server_error', (ctx, err) => {
  process.stderr.write(`server_error ${ctx.method} ${ctx.path}: ${err?.stack ?? err}\n`);
});

// /interaction/:uid: logs bench-user in and grants what the authorization request asked for,
// without any page, then resumes the authorization request (303 to /auth/:uid).
async function interaction(req, res) {
  try {
    const details = await provider.interactionDetails(req, res);
    const { params, prompt } = details;

    let grant;
    if (details.grantId) grant = await provider.Grant.find(details.grantId);
    if (!grant) grant = new provider.Grant({ accountId: ACCOUNT_ID, clientId: params.client_id });

    const requested = String(params.scope ?? '').split(' ').filter(Boolean);
    const oidcScope = requested.filter((s) => OIDC_SCOPES.includes(s)).join(' ');
    if (oidcScope) grant.addOIDCScope(oidcScope);
    if (prompt.details?.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);

    let resources = params.resource ?? RESOURCE;
    if (!Array.isArray(resources)) resources = [resources];
    const rsScope = requested.filter((s) => RS_SCOPES.has(s)).join(' ');
    for (const resource of resources) {
      if (rsScope) grant.addResourceScope(resource, rsScope);
    }
    for (const [resource, scopes] of Object.entries(prompt.details?.missingResourceScopes ?? {})) {
      grant.addResourceScope(resource, scopes.join(' '));
    }

    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: ACCOUNT_ID }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  } catch (err) {
    process.stderr.write(`interaction error: ${err?.stack ?? err}\n`);
    if (!res.headersSent) {
      res.writeHead(400, { 'content-type': 'text/plain' });
    }
    res.end(`interaction failed: ${err?.message ?? err}\n`);
  }
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res);
  } else {
    callback(req, res);
  }
});

server.listen(PORT, '127.0.0.1', () => {
  process.stdout.write(`READY ${JSON.stringify({ pid: process.pid, port: server.address().port })}\n`);
});

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
