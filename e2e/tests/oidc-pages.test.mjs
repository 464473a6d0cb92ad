// The OpenID Connect provider's pages in a real browser: the consent page an authorization
// request leads to (allow and deny); signing in inline, choosing the account and confirming with
// a passkey on /interaction; the authorization error page, device-code approval on /device and
// the sign-out confirmation. The relying party is a
// public client with PKCE; its callback is the harness's local callback server.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  startServer,
  launchBrowser,
  watchProblems,
  virtualAuthenticators,
  hidePasskeyAutofill,
  setupAdmin,
  createOidcClient,
  startCallbackServer,
  OUTPUT_DIR,
} from './harness.mjs';

const APP_NAME = 'E2E Provider';
const CLIENT_ID = 'e2e-notes';
const CLIENT_NAME = 'E2E Notes';
let CALLBACK; // <relying party>/callback
let relyingParty;
const UNKNOWN_INTERACTION = '00000000-0000-0000-0000-000000000000';
let server;
let browser;
let page;
let problems;

const shot = (name) => page.screenshot({ path: join(OUTPUT_DIR, `${name}.png`), fullPage: true });
const byTestId = (id) => page.getByTestId(id);
const base64url = (bytes) => Buffer.from(bytes).toString('base64url');

/** An authorization request URL with fresh state and PKCE; `extra` adds parameters. */
function authorizeRequest(extra = {}) {
  const verifier = base64url(randomBytes(32));
  const state = base64url(randomBytes(16));
  const params = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: CALLBACK,
    response_type: 'code',
    scope: 'openid profile email',
    state,
    code_challenge: base64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
    ...extra,
  });
  return { url: `${server.url}/authorize?${params}`, state };
}

/** Resolves with the callback URL once the browser has loaded it. */
async function callbackReached() {
  await page.waitForURL((u) => u.href.startsWith(CALLBACK));
  return new URL(page.url());
}

before(async () => {
  relyingParty = await startCallbackServer();
  CALLBACK = `${relyingParty.base}/callback`;
  server = await startServer({ UI_CONFIG_DISABLED: 'true', APP_NAME });
  browser = await launchBrowser();
  const context = await browser.newContext();
  await hidePasskeyAutofill(context);
  page = await context.newPage();
  page.setDefaultTimeout(10000);
  problems = watchProblems(page, [
    { path: `/api/oidc/interactions/${UNKNOWN_INTERACTION}`, status: 404 },
    { path: '/api/oidc/interactions/not-an-id', status: 400 },
    { path: '/api/oidc/device/info', status: 400 },
  ]);
  const authenticators = await virtualAuthenticators(page);
  await authenticators.add();

  // The first administrator with a passkey, then the client.
  await setupAdmin(page, server.url, {
    firstName: 'Grace',
    lastName: 'Hopper',
    username: 'grace',
    email: 'grace@example.com',
  });
  await createOidcClient(page, {
    id: CLIENT_ID,
    name: CLIENT_NAME,
    description: 'Notes shared by the E2E team',
    callbackURLs: [CALLBACK],
    isPublic: true,
    pkceEnabled: true,
    deviceCodeEnabled: true,
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await relyingParty?.close();
});

describe('OIDC pages', () => {
  test('a first authorization shows the consent page; Allow returns a code to the client', async () => {
    const { url, state } = authorizeRequest();
    await page.goto(url);
    await page.waitForURL((u) => u.pathname === '/interaction');
    assert.ok(new URL(page.url()).searchParams.get('interaction'));
    await byTestId('consent-title').waitFor();
    assert.equal(
      await byTestId('consent-title').textContent(),
      `Allow ${CLIENT_NAME} to access your account?`,
    );
    assert.equal(await byTestId('consent-client-description').textContent(), 'Notes shared by the E2E team');
    assert.deepEqual(
      await page.getByTestId('scope').evaluateAll((items) => items.map((li) => li.dataset.scope)),
      ['openid', 'profile', 'email'],
    );
    assert.match(await byTestId('scopes').textContent(), /Your email address/);
    // No logo uploaded: the client's initials stand in.
    assert.equal(await byTestId('client-logo-initials').textContent(), 'EN');
    assert.match(await byTestId('consent-user').textContent(), /Grace Hopper/);
    await shot('oidc-consent');

    const callback = callbackReached();
    await byTestId('consent-allow').click();
    const reached = await callback;
    assert.equal(reached.searchParams.get('state'), state);
    assert.ok(reached.searchParams.get('code'), `code in ${reached}`);
  });

  test('Deny sends the browser back to the client with access_denied', async () => {
    const { url, state } = authorizeRequest({ prompt: 'consent' });
    await page.goto(url);
    await byTestId('consent-deny').waitFor();
    const callback = callbackReached();
    await byTestId('consent-deny').click();
    const reached = await callback;
    assert.equal(reached.searchParams.get('error'), 'access_denied');
    assert.equal(reached.searchParams.get('state'), state);
    assert.equal(reached.searchParams.get('code'), null);
  });

  test('signed out, the interaction page signs in with a passkey and continues', async () => {
    await page.goto(server.url + '/settings/account');
    await byTestId('sign-out-button').click();
    await page.waitForURL((u) => u.pathname === '/login');
    const { url, state } = authorizeRequest();
    await page.goto(url);
    await page.waitForURL((u) => u.pathname === '/interaction');
    await byTestId('login-title').waitFor();
    assert.equal(await byTestId('login-title').textContent(), `Sign in to continue to ${CLIENT_NAME}`);
    await shot('oidc-interaction-sign-in');
    // Consent was given above for these scopes, so signing in is the only step.
    const callback = callbackReached();
    await byTestId('passkey-login-button').click();
    const reached = await callback;
    assert.equal(reached.searchParams.get('state'), state);
    assert.ok(reached.searchParams.get('code'));
  });

  test('prompt=select_account shows the signed-in account; Continue returns to the client', async () => {
    const { url, state } = authorizeRequest({ prompt: 'select_account' });
    await page.goto(url);
    await byTestId('account-step-title').waitFor();
    assert.equal(await byTestId('account-step-title').textContent(), 'Choose an account');
    assert.equal(await byTestId('bound-account-name').textContent(), 'Grace Hopper');
    await shot('oidc-select-account');
    const callback = callbackReached();
    await byTestId('continue-button').click();
    assert.equal((await callback).searchParams.get('state'), state);
  });

  test('prompt=login asks for the passkey again before returning to the client', async () => {
    const { url, state } = authorizeRequest({ prompt: 'login' });
    await page.goto(url);
    await byTestId('reauth-title').waitFor();
    const callback = callbackReached();
    await byTestId('reauth-button').click();
    const reached = await callback;
    assert.equal(reached.searchParams.get('state'), state);
    assert.ok(reached.searchParams.get('code'));
  });

  test('/interaction/error shows the message as text with a way home', async () => {
    const message = '<b>You are not allowed</b> to access this service.';
    await page.goto(`${server.url}/interaction/error?error=${encodeURIComponent(message)}`);
    await byTestId('problem-message').waitFor();
    assert.equal(await byTestId('problem-title').textContent(), 'Authorization failed');
    assert.equal(await byTestId('problem-message').textContent(), message);
    assert.equal(await page.locator('[data-testid="problem-message"] b').count(), 0);
    assert.equal(await byTestId('problem-home-link').getAttribute('href'), '/');
    await shot('oidc-interaction-error');
  });

  test('an unknown interaction says so instead of failing', async () => {
    await page.goto(`${server.url}/interaction?interaction=${UNKNOWN_INTERACTION}`);
    await byTestId('problem-message').waitFor();
    assert.match(await byTestId('problem-message').textContent(), /expired or was already used/);
    await page.goto(`${server.url}/interaction?interaction=not-an-id`);
    await byTestId('problem-message').waitFor();
    assert.match(await byTestId('problem-message').textContent(), /does not name a sign-in request/);
  });

  test('/device: a wrong code is refused; the linked code is approved and the device gets tokens', async () => {
    const form = (fields) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
    });
    const started = await fetch(
      `${server.url}/api/oidc/device/authorize`,
      form({ client_id: CLIENT_ID, scope: 'openid email' }),
    );
    assert.equal(started.status, 200);
    const device = await started.json();
    assert.equal(device.verification_uri_complete, `${server.url}/device?user_code=${device.user_code}`);

    await page.goto(`${server.url}/device`);
    await byTestId('device-code-input').fill('abcd-efgh');
    await byTestId('device-code-submit').click();
    assert.match(await byTestId('device-code-error').textContent(), /invalid or has expired/);
    // What the input showed was normalized before it was sent.
    assert.equal(await byTestId('device-code-input').inputValue(), 'ABCDEFGH');

    // The complete link looks the code up at once (lower case, as a user might type it).
    await page.goto(`${server.url}/device?user_code=${device.user_code.toLowerCase()}`);
    await byTestId('device-approve').waitFor();
    assert.equal(await byTestId('device-approve-title').textContent(), `Authorize ${CLIENT_NAME}?`);
    assert.equal(await byTestId('device-approve-code').textContent(), device.user_code);
    // openid and email were allowed on the consent page above.
    await byTestId('device-already-allowed').waitFor();
    await shot('oidc-device-approve');
    await byTestId('device-authorize').click();
    await byTestId('device-done').waitFor();
    assert.match(await byTestId('device-done-message').textContent(), /You can return to your device/);

    const token = await fetch(
      `${server.url}/api/oidc/token`,
      form({
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        device_code: device.device_code,
        client_id: CLIENT_ID,
      }),
    );
    const body = await token.json();
    assert.equal(token.status, 200, JSON.stringify(body));
    assert.ok(body.access_token);
  });

  test('/logout asks first, then signs out', async () => {
    await page.goto(server.url + '/logout');
    await byTestId('logout-question').waitFor();
    assert.equal(await byTestId('logout-question').textContent(), `Do you want to sign out of ${APP_NAME}?`);
    // Still signed in (from the inline sign-in above) until the button is pressed.
    assert.equal(await page.evaluate(() => fetch('/api/users/me').then((r) => r.status)), 200);
    await shot('oidc-logout');
    await byTestId('logout-button').click();
    await byTestId('logout-done').waitFor();
    assert.equal(await byTestId('logout-title').textContent(), 'You have been signed out');
    assert.equal(await byTestId('header-user-name').count(), 0);
    assert.equal(await page.evaluate(() => fetch('/api/users/me').then((r) => r.status)), 401);
  });

  test('no console, page or CSP errors along the way', () => {
    assert.deepEqual(problems, []);
  });
});
