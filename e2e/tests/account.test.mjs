// Sign-in and account pages in a real browser with a CDP virtual authenticator: first-admin
// setup, passkeys (add, sign in, rename, second passkey, delete), profile and picture, login
// codes from the CLI, the redirect back after signing in, and signing out other sessions. The
// steps share one browser page and one server, in order, like a user would go through them.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  startServer,
  launchBrowser,
  watchProblems,
  virtualAuthenticators,
  OUTPUT_DIR,
} from './harness.mjs';

const APP_NAME = 'E2E Accounts';
let server;
let browser;
let page;
let problems;
let authenticators;
let laptop; // the first virtual authenticator (platform)
let securityKey; // the second one (USB)
let otherBrowser; // a second signed-in browser ({ context, page })

const shot = (name) => page.screenshot({ path: join(OUTPUT_DIR, `${name}.png`), fullPage: true });
const path = () => new URL(page.url()).pathname;
const byTestId = (id) => page.getByTestId(id);

async function signOut() {
  await byTestId('sign-out-button').click();
  await page.waitForURL((u) => u.pathname === '/login');
  await byTestId('login-title').waitFor();
}

async function passkeyNames() {
  await byTestId('passkey-list').waitFor();
  return byTestId('passkey-name').allTextContents();
}

before(async () => {
  // UI_CONFIG_DISABLED: the app name comes from the environment.
  server = await startServer({ UI_CONFIG_DISABLED: 'true', APP_NAME });
  browser = await launchBrowser();
  const context = await browser.newContext();
  // Chromium's virtual authenticators answer a conditional (autofill) request at once, as if
  // the user had picked the passkey. The main page therefore hides autofill, so the button is
  // what signs in; the autofill test below uses its own page.
  await context.addInitScript(() => {
    if (window.PublicKeyCredential) {
      Object.defineProperty(PublicKeyCredential, 'isConditionalMediationAvailable', {
        value: async () => false,
      });
    }
  });
  page = await context.newPage();
  page.setDefaultTimeout(10000);
  // Answers these tests provoke on purpose.
  problems = watchProblems(page, [
    { path: '/api/one-time-access-token/abcdef', status: 401 },
    { path: '/api/webauthn/login/finish', status: 401 },
    { path: '/api/signup/setup', status: 404 },
    { path: '/api/users/me', status: 409 },
  ]);
  authenticators = await virtualAuthenticators(page);
  laptop = await authenticators.add();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('sign-in and account pages', () => {
  test('/setup opens the first-admin form, which checks fields before sending', async () => {
    await page.goto(server.url + '/setup');
    await page.waitForURL((u) => u.pathname === '/signup/setup');
    assert.equal(await byTestId('setup-title').textContent(), `Set up ${APP_NAME}`);
    await byTestId('setup-submit').click();
    await byTestId('setup-username-error').waitFor();
    assert.match(await byTestId('setup-first-name-error').textContent(), /First name is required/);
    await byTestId('setup-email').fill('not-an-email');
    await byTestId('setup-username').fill('.admin');
    await byTestId('setup-submit').click();
    assert.match(await byTestId('setup-email-error').textContent(), /valid email/);
    assert.match(await byTestId('setup-username-error').textContent(), /must start and end/);
    await shot('setup');
  });

  test('creating the admin signs in and asks for a passkey', async () => {
    await byTestId('setup-first-name').fill('Ada');
    await byTestId('setup-last-name').fill('Lovelace');
    await byTestId('setup-username').fill('admin');
    await byTestId('setup-email').fill('ada@example.com');
    await byTestId('setup-submit').click();
    await page.waitForURL((u) => u.pathname === '/signup/add-passkey');
    await byTestId('add-passkey-title').waitFor();
    assert.equal(await byTestId('header-user-name').textContent(), 'Ada Lovelace');
    await shot('add-passkey');
  });

  test('adding the first passkey stores a resident credential and opens the account page', async () => {
    await byTestId('add-passkey-button').click();
    await page.waitForURL((u) => u.pathname === '/settings/account');
    const credentials = await laptop.credentials();
    assert.equal(credentials.length, 1);
    assert.equal(credentials[0].isResidentCredential, true);
    assert.equal((await passkeyNames()).length, 1);
    await byTestId('passkey-warning-single').waitFor();
    assert.equal(await byTestId('passkey-warning-none').count(), 0);
    assert.match(await byTestId('passkey-created').first().textContent(), /^Added \d{1,2} \w{3} \d{4}$/);
    await shot('account');
  });

  test('sign out, then sign in with the passkey from /login', async () => {
    await signOut();
    assert.equal(await byTestId('login-title').textContent(), `Sign in to ${APP_NAME}`);
    assert.equal(await byTestId('header-user-name').count(), 0);
    await shot('login');
    await byTestId('passkey-login-button').click();
    await page.waitForURL((u) => u.pathname === '/settings/account');
    assert.equal(await byTestId('header-user-name').textContent(), 'Ada Lovelace');
  });

  test('rename the passkey', async () => {
    await byTestId('passkey-rename').click();
    await byTestId('passkey-rename-dialog').waitFor();
    await byTestId('passkey-rename-input').fill('   ');
    await byTestId('passkey-rename-save').click();
    assert.match(await byTestId('passkey-rename-error').textContent(), /Name must be 1 to 50/);
    await byTestId('passkey-rename-input').fill('Laptop');
    await shot('account-rename');
    await byTestId('passkey-rename-save').click();
    await byTestId('passkey-rename-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('passkey-name').filter({ hasText: 'Laptop' }).waitFor();
    await page.reload();
    assert.deepEqual(await passkeyNames(), ['Laptop']);
  });

  test('add a second passkey (warning goes), then delete it (warning returns)', async () => {
    // The second authenticator answers; the first stays silent, since it holds an excluded
    // credential and would otherwise refuse with InvalidStateError.
    securityKey = await authenticators.add({ transport: 'usb' });
    await laptop.setPresence(false);
    await byTestId('passkey-add-button').click();
    await byTestId('passkey-notice').waitFor();
    await laptop.setPresence(true);
    assert.equal((await securityKey.credentials()).length, 1);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="passkey-item"]').length === 2);
    assert.equal(await byTestId('passkey-warning-single').count(), 0);
    assert.equal(await byTestId('passkey-warning-none').count(), 0);
    await shot('account-two-passkeys');

    const second = page.getByTestId('passkey-item').filter({ hasNotText: 'Laptop' });
    await second.getByTestId('passkey-delete').click();
    await byTestId('passkey-delete-dialog').waitFor();
    assert.equal(await byTestId('passkey-delete-last').count(), 0);
    await byTestId('passkey-delete-confirm').click();
    await byTestId('passkey-delete-dialog').waitFor({ state: 'detached' });
    await byTestId('passkey-warning-single').waitFor();
    assert.deepEqual(await passkeyNames(), ['Laptop']);
  });

  test('edit the profile: shared rules first, then the saved name shows in the header', async () => {
    await byTestId('account-email').fill('nope');
    await byTestId('account-save').click();
    assert.match(await byTestId('account-email-error').textContent(), /Email must be a valid email address/);
    await byTestId('account-email').fill('ada@example.org');
    await byTestId('account-display-name').fill('Countess Ada');
    await byTestId('account-save').click();
    await byTestId('account-saved').waitFor();
    await page.getByTestId('header-user-name').filter({ hasText: 'Countess Ada' }).waitFor();
    const me = await page.evaluate(() => fetch('/api/users/me').then((r) => r.json()));
    assert.equal(me.email, 'ada@example.org');
    assert.equal(me.displayName, 'Countess Ada');
  });

  test("the API's field errors show under the field they name", async () => {
    // No second user can exist yet, so the duplicate-username answer is played back here; the
    // real answer's shape was checked by hand against the server (409 already_in_use with
    // details.property).
    await page.route('**/api/users/me', (route) =>
      route.request().method() === 'PUT'
        ? route.fulfill({
            status: 409,
            contentType: 'application/json',
            body: JSON.stringify({
              error: 'Username is already in use',
              code: 'already_in_use',
              details: { property: 'username' },
              request_id: 'e2e',
            }),
          })
        : route.continue(),
    );
    await byTestId('account-username').fill('taken');
    await byTestId('account-save').click();
    assert.equal(await byTestId('account-username-error').textContent(), 'Username is already in use');
    await page.unroute('**/api/users/me');
    await byTestId('account-username').fill('admin');
  });

  test('upload and reset the profile picture', async () => {
    const me = await page.evaluate(() => fetch('/api/users/me').then((r) => r.json()));
    const generated = await fetch(`${server.url}/api/users/${me.id}/profile-picture.png`);
    assert.equal(generated.status, 200);
    const png = Buffer.from(await generated.arrayBuffer());
    // Every change bumps the `?v=` cache buster of all avatars (page and header).
    const version = async () => {
      const src = await byTestId('profile-picture').getAttribute('src');
      assert.ok(src.startsWith(`/api/users/${me.id}/profile-picture.png`), src);
      return Number(new URL(src, server.url).searchParams.get('v') ?? 0);
    };
    const waitForVersion = (v) =>
      page.waitForFunction(
        (v) => document.querySelector('[data-testid="profile-picture"]').getAttribute('src').endsWith(`?v=${v}`),
        v,
      );
    const start = await version();
    await byTestId('profile-picture-input').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
    await waitForVersion(start + 1);
    assert.equal(await byTestId('profile-picture-error').count(), 0);
    assert.equal(await byTestId('header-avatar').getAttribute('src'), await byTestId('profile-picture').getAttribute('src'));
    await page.waitForFunction(() => document.querySelector('[data-testid="profile-picture"]').naturalWidth > 0);
    await byTestId('profile-picture-reset').click();
    await waitForVersion(start + 2);
    assert.equal(await byTestId('profile-picture-error').count(), 0);

    // A file type the server does not take is refused before uploading.
    await byTestId('profile-picture-input').setInputFiles({ name: 'me.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg/>') });
    assert.match(await byTestId('profile-picture-error').textContent(), /JPEG, PNG, GIF or WebP/);
  });

  test('a passkey the server does not know is refused with a clear message', async () => {
    await signOut();
    // Only the security key answers; its credential was deleted on the server.
    await laptop.setPresence(false);
    await byTestId('passkey-login-button').click();
    await byTestId('login-error').waitFor();
    assert.match(await byTestId('login-error').textContent(), /not recognised/);
    assert.equal(path(), '/login');
    await laptop.setPresence(true);
    await securityKey.remove();
  });

  test('the alternative sign-in pages: a wrong login code shows an inline error', async () => {
    await byTestId('alternative-login-link').click();
    await page.waitForURL((u) => u.pathname === '/login/alternative');
    await shot('login-alternative');
    await byTestId('alternative-login-code').click();
    await page.waitForURL((u) => u.pathname === '/login/alternative/code');
    await byTestId('login-code-input').fill('abc');
    await byTestId('login-code-submit').click();
    assert.match(await byTestId('login-code-error').textContent(), /6 or 12 characters/);
    await byTestId('login-code-input').fill('  abcdef ');
    await byTestId('login-code-submit').click();
    await page.getByTestId('login-code-error').filter({ hasText: 'invalid or has expired' }).waitFor();
    await shot('login-code');
  });

  test('setup is closed once an administrator exists', async () => {
    await page.goto(server.url + '/setup');
    await byTestId('setup-done').waitFor();
    await shot('setup-done');
  });

  test('a login code from the CLI signs in and lands on /settings/account', async () => {
    const out = server.runCli(['one-time-access-token', 'admin']);
    const link = out.trim().split('\n').pop();
    assert.match(link, new RegExp(`^${server.url}/lc/[A-Za-z0-9]{12}$`));
    await page.goto(link);
    await page.waitForURL((u) => u.pathname === '/settings/account');
    await byTestId('profile-card').waitFor();
    assert.equal(await byTestId('header-user-name').textContent(), 'Countess Ada');
  });

  test('a visitor sent to /login from a protected page returns there after signing in', async () => {
    await signOut();
    await page.goto(server.url + '/settings/account');
    await page.waitForURL((u) => u.pathname === '/login');
    assert.equal(new URL(page.url()).search, '?redirect=%2Fsettings%2Faccount');
    assert.equal(await byTestId('passkey-autofill').count(), 0);
    await byTestId('passkey-login-button').click();
    await page.waitForURL((u) => u.pathname === '/settings/account');
    await byTestId('profile-card').waitFor();
  });

  test('signed in, unknown paths show the not-found page and /login goes to the account', async () => {
    await page.goto(server.url + '/does-not-exist');
    await byTestId('not-found').waitFor();
    await page.goto(server.url + '/login');
    await page.waitForURL((u) => u.pathname === '/settings/account');
    await byTestId('profile-card').waitFor();
  });

  test('passkey autofill (conditional UI) signs in from /login without the button', async () => {
    // Another browser holding a copy of the passkey. Last use of that passkey: the copies'
    // signature counters diverge, and the server refuses a counter that goes backwards.
    const context = await browser.newContext();
    const other = await context.newPage();
    const otherProblems = watchProblems(other);
    const device = await (await virtualAuthenticators(other)).add();
    await device.addCredential((await laptop.credentials())[0]);
    await other.goto(server.url + '/login?redirect=%2Fsettings%2Faccount');
    // Nothing is clicked: only the autofill request can sign in here.
    await other.waitForURL((u) => u.pathname === '/settings/account', { timeout: 10000 });
    await other.getByTestId('profile-card').waitFor();
    assert.equal(await other.getByTestId('header-user-name').textContent(), 'Countess Ada');
    assert.deepEqual(otherProblems, []);
    otherBrowser = { context, page: other };
  });

  test('the sessions card lists the other browser and signs it out', async () => {
    await page.reload();
    await byTestId('sessions-card').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="session-item"]').length >= 2);
    const current = page.getByTestId('session-item').filter({ has: byTestId('session-current') });
    assert.equal(await current.count(), 1);
    assert.equal(await current.getByTestId('session-end').count(), 0, 'this browser has no sign-out button');
    assert.match(await current.getByTestId('session-seen').textContent(), /^Last seen /);
    await shot('account-sessions');
    const before = await byTestId('session-item').count();
    await byTestId('sessions-end-all').click();
    await byTestId('sessions-notice').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="session-item"]').length === 1);
    assert.ok(before >= 2);
    await byTestId('session-current').waitFor();
    // The other browser's cookie no longer signs in.
    await otherBrowser.page.goto(server.url + '/settings/account');
    await otherBrowser.page.waitForURL((u) => u.pathname === '/login');
    await otherBrowser.context.close();
  });

  test('deleting the last passkey warns before and after', async () => {
    await byTestId('passkey-delete').click();
    await byTestId('passkey-delete-last').waitFor();
    await shot('account-delete-last');
    await byTestId('passkey-delete-confirm').click();
    await byTestId('passkey-warning-none').waitFor();
    assert.equal(await byTestId('passkey-item').count(), 0);
    await shot('account-no-passkey');
  });

  test('no console errors or CSP violations along the way', () => {
    assert.deepEqual(problems, []);
  });
});
