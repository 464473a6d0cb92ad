// Interoperability with a real relying-party library: npm `openid-client` (v6, on oauth4webapi)
// against the provider, with the browser doing the user's part through the SPA. Discovery,
// the authorization-code flow with PKCE S256 + state + nonce (ID token signatures verified
// against the JWKS), userinfo, refresh-token rotation, introspection, revocation, pushed
// authorization requests, client credentials, the device flow, a public client, form_post,
// max_age (passkey confirmation), RP-initiated logout and prompt=none once signed out. The
// client's redirect targets are a small local HTTP server. Steps share one server, one browser
// page and one confidential client, in order, as an application would go through them.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as client from 'openid-client';
import {
  startServer,
  launchBrowser,
  watchProblems,
  virtualAuthenticators,
  hidePasskeyAutofill,
  setupAdmin,
  apiCall,
  createOidcClient,
  createOidcClientSecret,
  startCallbackServer,
  OUTPUT_DIR,
} from './harness.mjs';

const APP_NAME = 'E2E openid-client';
const CLIENT_ID = 'rp-openid-client';
const CLIENT_NAME = 'Node Notes';
const SCOPE = 'openid profile email groups';
const ADMIN = { firstName: 'Ada', lastName: 'Lovelace', username: 'ada', email: 'ada@example.com' };

let server;
let rp; // the relying party's callback server
let browser;
let page;
let problems;
let config; // openid-client Configuration (client_secret_post, the library's default)
let basicConfig; // the same client authenticating with client_secret_basic
let me; // GET /api/users/me
let callbackUrl;
let logoutUrl;
/** Tokens of the first code flow and of its refresh. */
const t = {};

const shot = (name) => page.screenshot({ path: join(OUTPUT_DIR, `${name}.png`), fullPage: true });
const byTestId = (id) => page.getByTestId(id);

/** Runs `fn` and resolves with the OAuth error code it rejected with (oauth4webapi's
 *  ResponseBodyError carries the server's `error`). */
async function oauthError(fn) {
  try {
    await fn();
  } catch (e) {
    return e.error ?? e.cause?.error ?? e.code ?? String(e);
  }
  assert.fail('expected the request to be refused');
}

/** Opens `url` in the page and resolves with the URL the browser lands on at the callback.
 *  `consent`: the SPA consent page is expected and allowed. */
async function authorizeInBrowser(url, { consent = false, screenshot } = {}) {
  await page.goto(url.href);
  if (consent) {
    await page.waitForURL((u) => u.pathname === '/interaction');
    await byTestId('consent-title').waitFor();
    assert.equal(
      await byTestId('consent-title').textContent(),
      `Allow ${CLIENT_NAME} to access your account?`,
    );
    if (screenshot) await shot(screenshot);
    await byTestId('consent-allow').click();
  }
  await page.waitForURL((u) => u.href.startsWith(callbackUrl));
  return new URL(page.url());
}

/** A fresh PKCE verifier, state and nonce and the authorization parameters carrying them. */
async function newChecks(extra = {}) {
  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const expectedState = client.randomState();
  const expectedNonce = client.randomNonce();
  const parameters = {
    redirect_uri: callbackUrl,
    scope: SCOPE,
    code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
    code_challenge_method: 'S256',
    state: expectedState,
    nonce: expectedNonce,
    ...extra,
  };
  return {
    parameters,
    checks: { pkceCodeVerifier, expectedState, expectedNonce, idTokenExpected: true },
  };
}

/** The claims every ID token of the admin carries. */
function assertAdminClaims(claims, { nonce } = {}) {
  assert.equal(claims.iss, server.url);
  assert.equal(claims.sub, me.id);
  assert.deepEqual([claims.aud].flat(), [CLIENT_ID]);
  assert.equal(claims.email, ADMIN.email);
  assert.equal(claims.email_verified, me.emailVerified);
  assert.equal(claims.preferred_username, ADMIN.username);
  assert.equal(claims.name, `${ADMIN.firstName} ${ADMIN.lastName}`);
  assert.equal(claims.given_name, ADMIN.firstName);
  assert.equal(claims.family_name, ADMIN.lastName);
  // No user groups exist: the scope still yields the claim, as an empty list.
  assert.deepEqual(claims.groups, []);
  if (nonce !== undefined) assert.equal(claims.nonce, nonce);
}

before(async () => {
  server = await startServer({ UI_CONFIG_DISABLED: 'true', APP_NAME });
  rp = await startCallbackServer();
  callbackUrl = `${rp.base}/callback`;
  logoutUrl = `${rp.base}/logged-out`;
  browser = await launchBrowser();
  const context = await browser.newContext();
  await hidePasskeyAutofill(context);
  page = await context.newPage();
  page.setDefaultTimeout(10000);
  problems = watchProblems(page);
  const authenticators = await virtualAuthenticators(page);
  await authenticators.add();

  await setupAdmin(page, server.url, ADMIN);
  me = (await apiCall(page, 'GET', '/api/users/me')).body;
  await createOidcClient(page, {
    id: CLIENT_ID,
    name: CLIENT_NAME,
    callbackURLs: [callbackUrl],
    logoutCallbackURLs: [logoutUrl],
    isPublic: false,
    pkceEnabled: true,
    // The device flow is per client and off by default.
    deviceCodeEnabled: true,
  });
  const secret = await createOidcClientSecret(page, CLIENT_ID);

  config = await client.discovery(new URL(server.url), CLIENT_ID, secret, undefined, {
    // http://localhost, and ID token signatures checked against the provider's JWKS (by
    // default openid-client v6 only validates the claims of an ID token it got over TLS).
    execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
  });
  basicConfig = new client.Configuration(
    config.serverMetadata(),
    CLIENT_ID,
    secret,
    client.ClientSecretBasic(secret),
  );
  client.allowInsecureRequests(basicConfig);
  client.enableNonRepudiationChecks(basicConfig);
});

after(async () => {
  await browser?.close();
  await rp?.close();
  await server?.stop();
});

describe('openid-client (npm)', () => {
  test('discovery: issuer, endpoints and PKCE S256', () => {
    const m = config.serverMetadata();
    assert.equal(m.issuer, server.url);
    assert.equal(m.authorization_endpoint, `${server.url}/authorize`);
    assert.equal(m.token_endpoint, `${server.url}/api/oidc/token`);
    assert.equal(m.jwks_uri, `${server.url}/.well-known/jwks.json`);
    assert.ok(m.supportsPKCE('S256'));
    assert.ok(m.device_authorization_endpoint);
    assert.ok(m.pushed_authorization_request_endpoint);
    assert.ok(m.end_session_endpoint);
  });

  test('authorization code + PKCE: consent in the browser, then the code grant', async () => {
    const { parameters, checks } = await newChecks();
    const url = client.buildAuthorizationUrl(config, parameters);
    const landed = await authorizeInBrowser(url, { consent: true, screenshot: 'rp-openid-client-consent' });
    assert.ok(landed.searchParams.get('code'), `code in ${landed}`);
    assert.equal(landed.searchParams.get('state'), checks.expectedState);
    // RFC 9207: advertised, so openid-client requires (and checks) it.
    assert.equal(landed.searchParams.get('iss'), server.url);

    const tokens = await client.authorizationCodeGrant(config, landed, checks);
    assert.equal(tokens.token_type, 'bearer');
    assert.ok(tokens.access_token && tokens.refresh_token && tokens.id_token);
    assert.ok(tokens.expiresIn() > 0);
    assert.deepEqual(tokens.scope.split(' ').sort(), SCOPE.split(' ').sort());
    const claims = tokens.claims();
    assertAdminClaims(claims, { nonce: checks.expectedNonce });
    assert.ok(claims.auth_time <= claims.iat);
    Object.assign(t, { first: tokens });
  });

  test('an ID token whose signature does not verify is refused', async () => {
    // Consent is remembered now: the browser goes straight back to the callback.
    const { parameters, checks } = await newChecks();
    const landed = await authorizeInBrowser(client.buildAuthorizationUrl(config, parameters));
    const realFetch = config[client.customFetch];
    config[client.customFetch] = async (url, options) => {
      const r = await fetch(url, options);
      if (!String(url).endsWith('/api/oidc/token')) return r;
      const body = await r.json();
      const [h, p, s] = body.id_token.split('.');
      const sig = Buffer.from(s, 'base64url');
      sig[0] ^= 0xff;
      body.id_token = [h, p, sig.toString('base64url')].join('.');
      return new Response(JSON.stringify(body), { status: r.status, headers: r.headers });
    };
    try {
      await assert.rejects(client.authorizationCodeGrant(config, landed, checks), (e) => {
        assert.match(`${e.message} ${e.cause?.message ?? ''}`, /signature/i);
        return true;
      });
    } finally {
      // An accessor of the configuration: undefined means the global fetch again.
      config[client.customFetch] = realFetch;
    }
  });

  test('userinfo returns the claims of the scopes for the same subject', async () => {
    const info = await client.fetchUserInfo(config, t.first.access_token, me.id);
    assert.equal(info.sub, me.id);
    assert.equal(info.email, ADMIN.email);
    assert.equal(info.preferred_username, ADMIN.username);
    assert.equal(info.name, `${ADMIN.firstName} ${ADMIN.lastName}`);
    assert.deepEqual(info.groups, []);
    // A different expected subject is caught by the library.
    await assert.rejects(client.fetchUserInfo(config, t.first.access_token, 'someone-else'));
  });

  test('introspection: the access and refresh tokens are active', async () => {
    const at = await client.tokenIntrospection(config, t.first.access_token);
    assert.equal(at.active, true);
    assert.equal(at.sub, me.id);
    assert.equal(at.client_id, CLIENT_ID);
    assert.equal(at.iss, server.url);
    assert.deepEqual(at.scope.split(' ').sort(), SCOPE.split(' ').sort());
    assert.ok(at.exp > Date.now() / 1000);
    const rt = await client.tokenIntrospection(config, t.first.refresh_token);
    assert.equal(rt.active, true);
    assert.equal(rt.sub, me.id);
    assert.equal((await client.tokenIntrospection(config, 'not-a-token')).active, false);
  });

  test('refresh rotates the refresh token; the old one is then refused', async () => {
    const refreshed = await client.refreshTokenGrant(config, t.first.refresh_token);
    assert.ok(refreshed.access_token);
    assert.ok(refreshed.refresh_token);
    assert.notEqual(refreshed.refresh_token, t.first.refresh_token);
    assert.notEqual(refreshed.access_token, t.first.access_token);
    // OIDC Core 12.2: a refreshed ID token (signature verified as for the code grant) names
    // the same subject and original authentication, without a nonce.
    assert.ok(refreshed.id_token);
    const claims = refreshed.claims();
    assertAdminClaims(claims);
    assert.equal(claims.auth_time, t.first.claims().auth_time);
    assert.equal(claims.nonce, undefined);
    const info = await client.fetchUserInfo(config, refreshed.access_token, me.id);
    assert.equal(info.sub, me.id);

    assert.equal(await oauthError(() => client.refreshTokenGrant(config, t.first.refresh_token)), 'invalid_grant');
    // Reuse of a rotated-out refresh token revokes the whole grant (RFC 9700 4.14.2).
    assert.equal((await client.tokenIntrospection(config, refreshed.refresh_token)).active, false);
    assert.equal(await oauthError(() => client.refreshTokenGrant(config, refreshed.refresh_token)), 'invalid_grant');
  });

  test('pushed authorization request, then revocation of the refresh and access tokens', async () => {
    const { parameters, checks } = await newChecks();
    const url = await client.buildAuthorizationUrlWithPAR(config, parameters);
    assert.match(url.searchParams.get('request_uri'), /^urn:ietf:params:oauth:request_uri:/);
    assert.equal(url.searchParams.get('client_id'), CLIENT_ID);
    assert.equal(url.searchParams.get('scope'), null, 'the parameters travel in the pushed request');
    const landed = await authorizeInBrowser(url);
    const tokens = await client.authorizationCodeGrant(config, landed, checks);
    assertAdminClaims(tokens.claims(), { nonce: checks.expectedNonce });

    // The pushed request is single use.
    await page.goto(url.href);
    await page.waitForURL((u) => u.pathname === '/interaction/error');
    await byTestId('problem-title').waitFor();

    // Revoking the access token: inactive at once, refused by userinfo.
    const second = await client.refreshTokenGrant(config, tokens.refresh_token);
    await client.tokenRevocation(config, second.access_token);
    assert.equal((await client.tokenIntrospection(config, second.access_token)).active, false);
    await assert.rejects(client.fetchUserInfo(config, second.access_token, me.id));
    // Revoking the refresh token ends the grant.
    await client.tokenRevocation(config, second.refresh_token);
    assert.equal((await client.tokenIntrospection(config, second.refresh_token)).active, false);
    assert.equal(await oauthError(() => client.refreshTokenGrant(config, second.refresh_token)), 'invalid_grant');
    // Unknown tokens are "revoked" all the same (RFC 7009 2.2).
    await client.tokenRevocation(config, 'unknown-token');
  });

  test('client credentials (client_secret_basic): an access token for the client itself', async () => {
    const tokens = await client.clientCredentialsGrant(basicConfig, { scope: 'openid' });
    assert.ok(tokens.access_token);
    assert.equal(tokens.refresh_token, undefined);
    assert.equal(tokens.id_token, undefined);
    const at = await client.tokenIntrospection(basicConfig, tokens.access_token);
    assert.equal(at.active, true);
    assert.equal(at.client_id, CLIENT_ID);
    assert.notEqual(at.sub, me.id);
    // No user behind it: userinfo refuses the token.
    await assert.rejects(client.fetchUserInfo(config, tokens.access_token, client.skipSubjectCheck));
  });

  test('device authorization: approved on /device, then the polling grant', async () => {
    const device = await client.initiateDeviceAuthorization(config, { scope: SCOPE });
    assert.match(device.user_code, /^[A-Z0-9]{8}$/);
    assert.equal(device.verification_uri, `${server.url}/device`);
    assert.ok(device.verification_uri_complete.includes(device.user_code));
    // Poll while the user approves, as a device would.
    const polling = client.pollDeviceAuthorizationGrant(config, device);

    await page.goto(device.verification_uri_complete);
    await byTestId('device-approve').waitFor();
    assert.equal(await byTestId('device-approve-title').textContent(), `Authorize ${CLIENT_NAME}?`);
    assert.equal(await byTestId('device-approve-code').textContent(), device.user_code);
    await shot('rp-openid-client-device');
    await byTestId('device-authorize').click();
    await page.locator('[data-testid="device-done"][data-outcome="authorized"]').waitFor();

    const tokens = await polling;
    assert.ok(tokens.access_token && tokens.refresh_token && tokens.id_token);
    assertAdminClaims(tokens.claims());
    assert.equal((await client.fetchUserInfo(config, tokens.access_token, me.id)).email, ADMIN.email);
  });

  test('a public client (token_endpoint_auth_method none) with PKCE', async () => {
    const publicId = 'rp-openid-client-spa';
    await createOidcClient(page, {
      id: publicId,
      name: 'Node Notes SPA',
      callbackURLs: [callbackUrl],
      isPublic: true,
      pkceEnabled: true,
    });
    const publicConfig = new client.Configuration(config.serverMetadata(), publicId, undefined, client.None());
    client.allowInsecureRequests(publicConfig);
    client.enableNonRepudiationChecks(publicConfig);
    const { parameters, checks } = await newChecks();
    const url = client.buildAuthorizationUrl(publicConfig, parameters);
    await page.goto(url.href);
    await byTestId('consent-allow').click();
    await page.waitForURL((u) => u.href.startsWith(callbackUrl));
    const tokens = await client.authorizationCodeGrant(publicConfig, new URL(page.url()), checks);
    const claims = tokens.claims();
    assert.equal(claims.sub, me.id);
    assert.deepEqual([claims.aud].flat(), [publicId]);
    assert.ok(tokens.refresh_token);
    assert.ok((await client.refreshTokenGrant(publicConfig, tokens.refresh_token)).access_token);
    // A public client cannot act for itself.
    assert.equal(await oauthError(() => client.clientCredentialsGrant(publicConfig)), 'unauthorized_client');
  });

  test('response_mode=form_post: the browser posts the response to the callback', async () => {
    const { parameters, checks } = await newChecks({ response_mode: 'form_post' });
    const before = rp.posts.length;
    await page.goto(client.buildAuthorizationUrl(config, parameters).href);
    await page.waitForURL((u) => u.href.startsWith(callbackUrl));
    assert.equal(rp.posts.length, before + 1, 'one POST to the callback');
    const { url, body } = rp.posts.at(-1);
    const form = new URLSearchParams(body);
    assert.equal(form.get('state'), checks.expectedState);
    assert.equal(form.get('iss'), server.url);
    // openid-client reads a form_post response from the request the callback received.
    const request = new Request(url.href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const tokens = await client.authorizationCodeGrant(config, request, checks);
    assertAdminClaims(tokens.claims(), { nonce: checks.expectedNonce });
  });

  test('max_age=0: the SPA asks for the passkey again; auth_time is the new authentication', async () => {
    const { parameters, checks } = await newChecks({ max_age: '0' });
    const started = Math.floor(Date.now() / 1000);
    await page.goto(client.buildAuthorizationUrl(config, parameters).href);
    await page.waitForURL((u) => u.pathname === '/interaction');
    await byTestId('reauth-title').waitFor();
    await byTestId('reauth-button').click();
    await page.waitForURL((u) => u.href.startsWith(callbackUrl));
    // maxAge makes openid-client require auth_time and check it against max_age.
    const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), { ...checks, maxAge: 0 });
    const claims = tokens.claims();
    assertAdminClaims(claims, { nonce: checks.expectedNonce });
    assert.ok(claims.auth_time >= started, `auth_time ${claims.auth_time} >= ${started}`);
    assert.ok(claims.auth_time > t.first.claims().auth_time);
  });

  test('RP-initiated logout returns to the registered URL with the state', async () => {
    const { parameters, checks } = await newChecks();
    const landed = await authorizeInBrowser(client.buildAuthorizationUrl(config, parameters));
    const tokens = await client.authorizationCodeGrant(config, landed, checks);

    const state = client.randomState();
    const url = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: logoutUrl,
      state,
    });
    await page.goto(url.href);
    await page.waitForURL((u) => u.href.startsWith(logoutUrl));
    assert.equal(new URL(page.url()).searchParams.get('state'), state);
    assert.ok(rp.requests.some((u) => u.pathname === '/logged-out' && u.searchParams.get('state') === state));
    // The browser session ended and the grant behind the hint was revoked.
    await page.goto(server.url + '/login');
    assert.equal((await apiCall(page, 'GET', '/api/users/me')).status, 401);
    assert.equal(await oauthError(() => client.refreshTokenGrant(config, tokens.refresh_token)), 'invalid_grant');
  });

  test('prompt=none when signed out: login_required back to the client, with state and iss', async () => {
    const { parameters, checks } = await newChecks({ prompt: 'none' });
    const landed = await authorizeInBrowser(client.buildAuthorizationUrl(config, parameters));
    assert.equal(landed.searchParams.get('error'), 'login_required');
    await assert.rejects(client.authorizationCodeGrant(config, landed, checks), (e) => {
      assert.ok(e instanceof client.AuthorizationResponseError, `${e}`);
      assert.equal(e.error, 'login_required');
      return true;
    });
  });

  test('no browser errors along the way', () => {
    assert.deepEqual(problems, []);
  });
});
