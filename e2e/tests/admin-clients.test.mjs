// The administration pages in a real browser: an administrator creates a user group through
// the API, then, in the SPA, creates an OIDC client (the form refuses a bad callback URL before
// sending), reads the copyable endpoint URLs, creates a secret (shown once, copied, and good for
// a client_credentials token), uploads a logo, restricts the client to the group, previews the
// claims, finds the client in the list with its filters, changes the accent colour (applied live,
// then everywhere after saving) and the application name, and opens the audit logs and My Apps.
// Every page gets a screenshot in e2e/output/.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import {
  startServer,
  launchBrowser,
  watchProblems,
  virtualAuthenticators,
  hidePasskeyAutofill,
  setupAdmin,
  apiCall,
  createOidcClient,
  startCallbackServer,
  OUTPUT_DIR,
} from './harness.mjs';

const CLIENT_ID = 'e2e-wiki';
const CLIENT_NAME = 'E2E Wiki';
const TEAL = 'oklch(0.6 0.118 184.704)';
let server;
let relyingParty;
let browser;
let page;
let problems;
let groupId;
let adminId;

const shot = (name) => page.screenshot({ path: join(OUTPUT_DIR, `${name}.png`), fullPage: true });
const byTestId = (id) => page.getByTestId(id);

/** A valid `size`×`size` PNG filled with one RGB colour (built by hand: no image library). */
function solidPng(size, [r, g, b]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array(size).fill([r, g, b]).flat())]);
  const raw = Buffer.concat(Array(size).fill(row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The root's value of a CSS custom property, as set inline by the SPA. */
/** Saves a configuration section and asserts it worked (else fails with the page's message). */
async function saveSection(testid) {
  await byTestId(`${testid}-save`).click();
  const outcome = byTestId(testid).getByTestId(/^config-(saved|error)$/);
  await outcome.waitFor().catch(async (e) => {
    await shot(`failed-save-${testid}`);
    throw e;
  });
  assert.equal(await outcome.getAttribute('data-testid'), 'config-saved', await outcome.textContent());
}

const rootVar = (name) =>
  page.evaluate((n) => document.documentElement.style.getPropertyValue(n).trim(), name);

before(async () => {
  relyingParty = await startCallbackServer();
  server = await startServer();
  browser = await launchBrowser();
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  await hidePasskeyAutofill(context);
  page = await context.newPage();
  page.setDefaultTimeout(10000);
  problems = watchProblems(page, [
    // The duplicate client id the list test submits on purpose.
    { path: '/api/oidc/clients', status: 409 },
    // Application images that were never uploaded answer 404 (the preview then says "None").
    { path: '/api/application-images/logo', status: 404 },
    { path: '/api/application-images/background', status: 404 },
    { path: '/api/application-images/default-profile-picture', status: 404 },
    { path: '/api/application-images/email', status: 404 },
    { path: '/api/application-images/favicon', status: 404 },
  ]);
  const authenticators = await virtualAuthenticators(page);
  await authenticators.add();
  await setupAdmin(page, server.url, {
    firstName: 'Ada',
    lastName: 'Admin',
    username: 'ada',
    email: 'ada@example.com',
  });
  adminId = (await apiCall(page, 'GET', '/api/users/me')).body.id;
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await relyingParty?.close();
});

describe('admin: OIDC clients, application configuration, audit logs, My Apps', () => {
  test('a user group is created through the API', async () => {
    const r = await apiCall(page, 'POST', '/api/user-groups', {
      friendlyName: 'Engineering',
      name: 'engineering',
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    groupId = r.body.id;
    const members = await apiCall(page, 'PUT', `/api/user-groups/${groupId}/users`, { userIds: [adminId] });
    assert.equal(members.status, 200, JSON.stringify(members.body));
  });

  test('the client form refuses a bad callback URL, then creates the client', async () => {
    await page.goto(server.url + '/settings/admin/oidc-clients');
    await byTestId('oidc-clients-title').waitFor();
    await byTestId('oidc-clients-table-empty').waitFor();
    await shot('admin-oidc-clients-empty');

    await byTestId('oidc-client-add').click();
    await byTestId('client-id').fill(CLIENT_ID);
    await byTestId('client-name').fill(CLIENT_NAME);
    await byTestId('client-description').fill('Team knowledge base');
    await byTestId('client-launch-url').fill('https://wiki.example/');
    await byTestId('client-callback-url-add').click();
    await byTestId('client-callback-url-1').fill('javascript:alert(1)');
    await byTestId('client-submit').click();
    // Checked in the browser with the API's rules: no request, the field says why.
    await page.getByText(/^Callback URL 1 /).waitFor();
    assert.equal(page.url(), server.url + '/settings/admin/oidc-clients');
    await shot('admin-oidc-client-create');

    await byTestId('client-callback-url-1').fill('https://wiki.example/oauth/callback');
    await byTestId('client-submit').click();
    await page.waitForURL((u) => u.pathname === `/settings/admin/oidc-clients/${CLIENT_ID}`);
    await byTestId('oidc-client-name').waitFor();
    assert.equal(await byTestId('oidc-client-name').textContent(), CLIENT_NAME);
    assert.equal(await byTestId('oidc-client-id').textContent(), CLIENT_ID);
  });

  test('the endpoint URLs come from the discovery document and copy to the clipboard', async () => {
    await byTestId('endpoint-token').waitFor();
    const discovery = await (await fetch(server.url + '/.well-known/openid-configuration')).json();
    const expected = {
      'endpoint-authorization': discovery.authorization_endpoint,
      'endpoint-token': discovery.token_endpoint,
      'endpoint-userinfo': discovery.userinfo_endpoint,
      'endpoint-jwks': discovery.jwks_uri,
      'endpoint-logout': discovery.end_session_endpoint,
      'endpoint-discovery': `${server.url}/.well-known/openid-configuration`,
      'endpoint-client-id': CLIENT_ID,
    };
    for (const [id, value] of Object.entries(expected)) {
      assert.ok(value, `${id} has a value in discovery`);
      assert.equal(await byTestId(id).inputValue(), value, id);
    }
    assert.match(await byTestId('endpoint-client-secret').textContent(), /Shown once/);
    await byTestId('endpoint-token-copy').click();
    await page.getByTestId('endpoint-token-copy').filter({ hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), discovery.token_endpoint);
  });

  test('a secret is shown once, copied, and authenticates the client', async () => {
    await byTestId('client-secrets-empty').waitFor();
    await byTestId('client-secret-create').click();
    await byTestId('client-secret-dialog').waitFor();
    const secret = await byTestId('client-secret-value').inputValue();
    assert.ok(secret.length >= 16, `secret ${secret}`);
    await byTestId('client-secret-value-copy').click();
    await page.getByTestId('client-secret-value-copy').filter({ hasText: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
    await shot('admin-oidc-client-secret-dialog');
    await byTestId('client-secret-dialog-close').click();
    await byTestId('client-secret-dialog').waitFor({ state: 'detached' });

    await byTestId('client-secret').first().waitFor();
    assert.equal(await page.getByTestId('client-secret').count(), 1);
    const prefix = (await byTestId('client-secret-prefix').textContent()).replace('…', '');
    assert.ok(secret.startsWith(prefix), `${secret} starts with ${prefix}`);
    assert.equal(await byTestId('client-secret-state').textContent(), 'Active');

    // The copied secret is the real one: it gets a client_credentials token.
    const r = await fetch(server.url + '/api/oidc/token', {
      method: 'POST',
      headers: {
        authorization: 'Basic ' + Buffer.from(`${CLIENT_ID}:${secret}`).toString('base64'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const body = await r.json();
    assert.equal(r.status, 200, JSON.stringify(body));
    assert.ok(body.access_token);

    // A second secret with an expiry date, then deleted again.
    await byTestId('client-secret-expiry').fill('2030-12-31');
    await byTestId('client-secret-create').click();
    await byTestId('client-secret-once').filter({ hasText: 'It expires 31 Dec 2030, 23:59 UTC.' }).waitFor();
    await byTestId('client-secret-dialog-close').click();
    const expiring = page.getByTestId('client-secret').filter({ hasText: 'Expires 31 Dec 2030' });
    await expiring.waitFor();
    assert.equal(await page.getByTestId('client-secret').count(), 2);
    await expiring.getByTestId('client-secret-delete').click();
    await byTestId('client-secret-delete-dialog-confirm').click();
    await expiring.waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('client-secret').count(), 1);
    const secrets = await apiCall(page, 'GET', `/api/oidc/clients/${CLIENT_ID}/secrets`);
    assert.deepEqual(secrets.body.map((s) => s.expiresAt), [null]);
  });

  test('a logo file is uploaded and previewed', async () => {
    await byTestId('client-logo-light-none').waitFor();
    await byTestId('client-logo-light-file').setInputFiles({
      name: 'wiki.png',
      mimeType: 'image/png',
      buffer: solidPng(32, [15, 118, 110]),
    });
    await byTestId('client-logo-light-preview').waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-testid="client-logo-light-preview"]');
      return img && img.complete && img.naturalWidth > 0;
    });
    const client = await apiCall(page, 'GET', `/api/oidc/clients/${CLIENT_ID}`);
    assert.equal(client.body.hasLogo, true);
    const logo = await fetch(`${server.url}/api/oidc/clients/${CLIENT_ID}/logo?light=true`);
    assert.equal(logo.status, 200);
    assert.match(logo.headers.get('content-type'), /^image\//);
  });

  test('the settings form saves edits; blank URL rows are dropped', async () => {
    await byTestId('client-description').fill('The team wiki');
    await byTestId('client-logout-callback-url-add').click();
    await byTestId('client-logout-callback-url-1').fill('https://wiki.example/logged-out');
    await byTestId('client-callback-url-add').click(); // left blank
    await byTestId('client-pkce').check();
    await byTestId('client-access-token-minutes').fill('15');
    await byTestId('client-submit').click();
    await byTestId('client-saved').waitFor();
    assert.equal(await page.getByTestId('client-callback-url-2').count(), 0);
    const { body } = await apiCall(page, 'GET', `/api/oidc/clients/${CLIENT_ID}`);
    assert.equal(body.description, 'The team wiki');
    assert.deepEqual(body.callbackURLs, ['https://wiki.example/oauth/callback']);
    assert.deepEqual(body.logoutCallbackURLs, ['https://wiki.example/logged-out']);
    assert.equal(body.pkceEnabled, true);
    assert.equal(body.accessTokenDurationMinutes, 15);
  });

  test('the client is restricted to the group', async () => {
    await byTestId('client-group-restricted').check();
    const option = page.locator('[data-testid="client-group-option"][data-title="Engineering"]');
    await option.check();
    await byTestId('client-groups-save').click();
    await byTestId('client-groups-saved').waitFor();
    assert.equal(
      await byTestId('client-groups-summary').textContent(),
      'Only members of Engineering may sign in.',
    );
    const client = await apiCall(page, 'GET', `/api/oidc/clients/${CLIENT_ID}`);
    assert.equal(client.body.isGroupRestricted, true);
    assert.deepEqual(
      client.body.allowedUserGroups.map((g) => g.name),
      ['engineering'],
    );
  });

  test('the claims preview shows what a sign-in would disclose', async () => {
    await byTestId('client-preview-user').locator('option').first().waitFor({ state: 'attached' });
    await byTestId('client-preview-run').click();
    await byTestId('client-preview-result').waitFor();
    const idToken = JSON.parse(await byTestId('client-preview-id-token').textContent());
    assert.equal(idToken.sub, adminId);
    assert.equal(idToken.email, 'ada@example.com');
    assert.deepEqual(idToken.groups, ['engineering']);
    const userinfo = JSON.parse(await byTestId('client-preview-userinfo').textContent());
    assert.equal(userinfo.preferred_username, 'ada');
    await shot('admin-oidc-client-detail');
  });

  test('the list shows the client with its logo and group count, and filters it', async () => {
    await page.goto(server.url + '/settings/admin/oidc-clients');
    const row = page.locator(`[data-testid="oidc-clients-table-row"][data-row-id="${CLIENT_ID}"]`);
    await row.waitFor();
    assert.equal(await row.getByTestId('oidc-client-groups').textContent(), '1');
    await row.locator('img.client-logo__image').waitFor();
    await shot('admin-oidc-clients-list');

    await byTestId('oidc-clients-table-filter-isGroupRestricted').selectOption('false');
    await byTestId('oidc-clients-table-empty').waitFor();
    await byTestId('oidc-clients-table-filter-isGroupRestricted').selectOption('true');
    await row.waitFor();
    await byTestId('oidc-clients-table-search').fill('no such client');
    await byTestId('oidc-clients-table-empty').waitFor();
    await byTestId('oidc-clients-table-search').fill('wiki');
    await row.waitFor();

    // The API's answer lands under the field it is about: the id is taken.
    await byTestId('oidc-client-add').click();
    await byTestId('client-id').fill(CLIENT_ID);
    await byTestId('client-name').fill('Another wiki');
    await byTestId('client-submit').click();
    await byTestId('client-id-error').waitFor();
    assert.equal(await byTestId('client-id-error').textContent(), 'Client ID is already in use');
    await byTestId('oidc-client-add').click();
  });

  test('the accent colour applies live, and after saving with the new name everywhere', async () => {
    await page.goto(server.url + '/settings/admin/application-configuration');
    await byTestId('config-appName').waitFor();
    assert.equal(await rootVar('--primary'), '');
    await byTestId('config-appName').fill('Acme ID');
    await byTestId('accent-teal').click();
    // Live: before saving.
    assert.equal(await rootVar('--primary'), TEAL);
    // Teal is light enough for black text (better contrast than white).
    assert.equal(await rootVar('--primary-foreground'), '#000000');
    await shot('admin-app-config');

    await saveSection('config-general');
    await page.getByTestId('app-name').filter({ hasText: 'Acme ID' }).waitFor();
    assert.equal(await page.title(), 'Acme ID');

    // A fresh load takes both from the public configuration.
    await page.goto(server.url + '/settings/account');
    await page.getByTestId('app-name').filter({ hasText: 'Acme ID' }).waitFor();
    await page.waitForFunction((teal) => document.documentElement.style.getPropertyValue('--primary').trim() === teal, TEAL);
    const buttonColour = await page.evaluate(() => {
      const probe = document.createElement('button');
      probe.className = 'button button--primary';
      document.body.append(probe);
      const colour = getComputedStyle(probe).backgroundColor;
      probe.remove();
      return colour;
    });
    const teal = await page.evaluate((c) => {
      const el = document.createElement('div');
      el.style.color = c;
      document.body.append(el);
      const v = getComputedStyle(el).color;
      el.remove();
      return v;
    }, TEAL);
    assert.equal(buttonColour, teal);
    await shot('admin-accent-applied');

    // A custom colour, then back to the default palette.
    await page.goto(server.url + '/settings/admin/application-configuration');
    await byTestId('config-accentColor-custom').fill('#b91c1c');
    assert.equal(await rootVar('--primary'), '#b91c1c');
    await byTestId('config-accentColor-custom').fill('nonsense-colour');
    await byTestId('config-accentColor-custom-error').waitFor();
    await byTestId('accent-default').click();
    assert.equal(await rootVar('--primary'), '');
    await saveSection('config-general');
    const vars = await apiCall(page, 'GET', '/api/application-configuration');
    const get = (k) => vars.body.find((v) => v.key === k)?.value;
    assert.equal(get('appName'), 'Acme ID');
    assert.equal(get('accentColor'), 'default');
  });

  test('an application image is uploaded from the configuration page', async () => {
    await page.goto(server.url + '/settings/admin/application-configuration');
    await byTestId('app-image-logo-light-none').waitFor();
    await byTestId('app-image-logo-light-file').setInputFiles({
      name: 'logo.png',
      mimeType: 'image/png',
      buffer: solidPng(48, [185, 28, 28]),
    });
    await byTestId('app-image-logo-light-preview').waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector('[data-testid="app-image-logo-light-preview"]');
      return img && img.complete && img.naturalWidth > 0;
    });
    const logo = await fetch(`${server.url}/api/application-images/logo?light=true`);
    assert.equal(logo.status, 200);
  });

  test('the configuration checks values with the API rules before saving', async () => {
    await byTestId('config-sessionDuration').fill('0');
    await byTestId('config-general-save').click();
    await byTestId('config-sessionDuration-error').waitFor();
    await byTestId('config-sessionDuration').fill('120');
    await saveSection('config-general');
    const all = await apiCall(page, 'GET', '/api/application-configuration/all');
    assert.equal(all.body.find((v) => v.key === 'sessionDuration').value, '120');
    await shot('admin-app-config-saved');
  });

  test('the own and global audit logs list the events', async () => {
    await page.goto(server.url + '/settings/audit-log');
    await byTestId('audit-log-title').waitFor();
    await byTestId('audit-log-table-row').first().waitFor();
    const events = await page.getByTestId('audit-event').evaluateAll((els) => els.map((e) => e.dataset.event));
    assert.ok(events.includes('PASSKEY_ADDED'), events.join(','));
    await shot('audit-log');

    await page.goto(server.url + '/settings/audit-log/global');
    await byTestId('global-audit-log-title').waitFor();
    await byTestId('global-audit-log-table-row').first().waitFor();
    assert.match(await byTestId('audit-user').first().textContent(), /ada/);
    await byTestId('global-audit-filter-event').selectOption('PASSKEY_REMOVED');
    await byTestId('global-audit-log-table-empty').waitFor();
    await byTestId('global-audit-filter-event').selectOption('PASSKEY_ADDED');
    await byTestId('global-audit-log-table-row').first().waitFor();
    await shot('audit-log-global');
  });

  test('My Apps lists the client the user may open, from the settings navigation', async () => {
    await page.goto(server.url + '/settings/account');
    await byTestId('nav-apps').click();
    await page.waitForURL((u) => u.pathname === '/settings/apps');
    const card = page.locator(`[data-testid="my-app"][data-client-id="${CLIENT_ID}"]`);
    await card.waitFor();
    assert.equal(await card.getByTestId('my-app-name').textContent(), CLIENT_NAME);
    assert.equal(await card.getByTestId('my-app-last-used').textContent(), 'Never used');
    assert.equal(await card.getByTestId('my-app-launch').getAttribute('href'), 'https://wiki.example/');
    await shot('my-apps');
  });

  test('My Apps revokes the access of an application the user authorized', async () => {
    const callback = `${relyingParty.base}/callback`;
    await createOidcClient(page, {
      id: 'e2e-notes',
      name: 'E2E Notes',
      callbackURLs: [callback],
      launchURL: `${relyingParty.base}/`,
      isPublic: true,
      pkceEnabled: true,
    });
    const verifier = randomBytes(32).toString('base64url');
    const params = new URLSearchParams({
      client_id: 'e2e-notes',
      redirect_uri: callback,
      response_type: 'code',
      scope: 'openid profile',
      state: randomBytes(8).toString('base64url'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    await page.goto(`${server.url}/authorize?${params}`);
    await byTestId('consent-allow').click();
    await page.waitForURL((u) => u.href.startsWith(callback));

    await page.goto(server.url + '/settings/apps');
    const card = page.locator('[data-testid="my-app"][data-client-id="e2e-notes"]');
    await card.waitFor();
    assert.match(await card.getByTestId('my-app-last-used').textContent(), /^Last used /);
    await card.getByTestId('my-app-revoke').click();
    await byTestId('my-app-revoke-dialog').waitFor();
    await shot('my-apps-revoke');
    await byTestId('my-app-revoke-dialog-confirm').click();
    await byTestId('my-apps-notice').waitFor();
    await card.getByTestId('my-app-last-used').filter({ hasText: 'Never used' }).waitFor();
    assert.equal(await card.getByTestId('my-app-revoke').count(), 0);
    const consents = await apiCall(page, 'GET', '/api/oidc/users/me/authorized-clients');
    assert.deepEqual(consents.body.data, []);
  });

  test('no console errors, failed requests or CSP violations', () => {
    assert.deepEqual(problems, []);
  });
});

describe('admin: configuration from the environment (UI_CONFIG_DISABLED)', () => {
  let envServer;
  let envPage;

  before(async () => {
    envServer = await startServer({
      UI_CONFIG_DISABLED: 'true',
      APP_NAME: 'Env ID',
      ACCENT_COLOR: '#b91c1c',
      SMTP_PASSWORD: 'hunter2-smtp',
    });
    const context = await browser.newContext();
    await hidePasskeyAutofill(context);
    envPage = await context.newPage();
    envPage.setDefaultTimeout(10000);
    await (await virtualAuthenticators(envPage)).add();
    await setupAdmin(envPage, envServer.url, {
      firstName: 'Eve',
      lastName: 'Env',
      username: 'eve',
      email: 'eve@example.com',
    });
  });

  after(async () => {
    await envPage?.context().close();
    await envServer?.stop();
  });

  test('the page is read-only with a banner, secrets hidden, the colour applied', async () => {
    await envPage.goto(envServer.url + '/settings/admin/application-configuration');
    await envPage.getByTestId('app-config-readonly').waitFor();
    assert.equal(await envPage.getByTestId('config-appName').inputValue(), 'Env ID');
    assert.equal(await envPage.getByTestId('config-appName').getAttribute('readonly'), '');
    assert.equal(await envPage.getByTestId('config-general-save').count(), 0);
    assert.notEqual(await envPage.getByTestId('config-smtpPassword').inputValue(), 'hunter2-smtp');
    assert.ok(await envPage.getByTestId('accent-teal').isDisabled());
    assert.equal(
      await envPage.evaluate(() => document.documentElement.style.getPropertyValue('--primary').trim()),
      '#b91c1c',
    );
    await envPage.screenshot({ path: join(OUTPUT_DIR, 'admin-app-config-readonly.png'), fullPage: true });
  });
});
