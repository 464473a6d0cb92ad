// The administration pages for users, groups and API keys in a real browser: the settings
// navigation (admin section for administrators only), a group created through its dialog, a
// user created with field checks, a custom claim, a group membership and a login code; the
// user table's search, filter and sort; a username conflict shown under the field; deleting a
// user; an API key created through the copy-once dialog and used with fetch against
// /api/users; and a non-administrator sent away from /settings/admin/*. The steps share one
// server and one page, in order. Screenshots of every page land in e2e/output/admin-*.png.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  startServer,
  launchBrowser,
  watchProblems,
  virtualAuthenticators,
  hidePasskeyAutofill,
  setupAdmin,
  apiCall,
  OUTPUT_DIR,
} from './harness.mjs';

let server;
let browser;
let context;
let page;
let problems;
let alanId;
let loginCode;

const shot = (name, p = page) =>
  p.screenshot({ path: join(OUTPUT_DIR, `admin-${name}.png`), fullPage: true });
const byTestId = (id) => page.getByTestId(id);
const path = (p = page) => new URL(p.url()).pathname;

/** The usernames in the user table, in order, once the table shows `count` rows. */
async function tableUsernames(count) {
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="users-table-row"]').length === n,
    count,
  );
  return byTestId('user-username').allTextContents();
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  context = await browser.newContext();
  await hidePasskeyAutofill(context);
  page = await context.newPage();
  page.setDefaultTimeout(10000);
  problems = watchProblems(page, [
    // The duplicate username the conflict test sends on purpose.
    { path: '/api/users', status: 409 },
    // The configuration page (which holds the signup tokens button) probes for custom images.
    { path: '/api/application-images/logo', status: 404 },
    { path: '/api/application-images/default-profile-picture', status: 404 },
  ]);
  const authenticators = await virtualAuthenticators(page);
  await authenticators.add();
  await setupAdmin(page, server.url, {
    firstName: 'Ada',
    lastName: 'Lovelace',
    username: 'ada',
    email: 'ada@example.com',
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('admin: users, groups and API keys', () => {
  test('administrators see the admin section of the settings navigation', async () => {
    await byTestId('settings-nav').waitFor();
    assert.equal(await byTestId('nav-account').getAttribute('aria-current'), 'page');
    await byTestId('settings-nav-admin').waitFor();
    const labels = await byTestId('settings-nav-admin').locator('a').allTextContents();
    const expected = [
      'Users',
      'User Groups',
      'OIDC Clients',
      'API Keys',
      'Application Configuration',
      'Global Audit Log',
    ];
    // These, in this order (other admin pages may sit between them).
    assert.deepEqual(
      labels.filter((l) => expected.includes(l)),
      expected,
    );
    await byTestId('nav-admin-user-groups').click();
    await page.waitForURL((u) => u.pathname === '/settings/admin/user-groups');
    assert.equal(await byTestId('nav-admin-user-groups').getAttribute('aria-current'), 'page');
    assert.equal(await byTestId('nav-account').getAttribute('aria-current'), null);
  });

  test('a group is created through its dialog, its name suggested from the friendly name', async () => {
    await byTestId('groups-table-empty').waitFor();
    await byTestId('group-add').click();
    await byTestId('group-create-dialog').waitFor();
    await byTestId('group-create-submit').click();
    assert.equal(
      await byTestId('group-create-friendly-name-error').textContent(),
      'Friendly name is required',
    );
    await byTestId('group-create-friendly-name').fill('Research Team');
    assert.equal(await byTestId('group-create-name').inputValue(), 'research_team');
    await shot('group-create-dialog');
    await byTestId('group-create-submit').click();
    await page.waitForURL((u) => u.pathname.startsWith('/settings/admin/user-groups/'));
    assert.equal(await byTestId('user-group-title').textContent(), 'Research Team');
    await byTestId('group-members-list').waitFor();
    // Only the administrator exists so far; nobody is a member.
    assert.equal(await byTestId('group-members-list-option').count(), 1);
    assert.equal(await byTestId('group-members-list-option').isChecked(), false);
    await byTestId('group-clients-empty').or(byTestId('group-clients-list-empty')).waitFor();
  });

  test('a user is created: the shared rules check the fields first, then the user page opens', async () => {
    await byTestId('nav-admin-users').click();
    await page.waitForURL((u) => u.pathname === '/settings/admin/users');
    await tableUsernames(1);
    await byTestId('user-add').click();
    await byTestId('user-create-dialog').waitFor();
    await byTestId('user-create-username').fill('.alan');
    await byTestId('user-create-submit').click();
    assert.equal(await byTestId('user-create-first-name-error').textContent(), 'First name is required');
    assert.equal(await byTestId('user-create-email-error').textContent(), 'Email is required');
    assert.match(await byTestId('user-create-username-error').textContent(), /must start and end/);
    await byTestId('user-create-first-name').fill('Alan');
    await byTestId('user-create-last-name').fill('Turing');
    await byTestId('user-create-username').fill('alan');
    await byTestId('user-create-email').fill('alan@example.com');
    await byTestId('user-create-locale').selectOption('en');
    await shot('user-create-dialog');
    await byTestId('user-create-submit').click();
    await page.waitForURL((u) => /^\/settings\/admin\/users\/[0-9a-f-]{36}$/.test(u.pathname));
    alanId = path().split('/').pop();
    assert.equal(await byTestId('user-title').textContent(), 'Alan Turing');
    assert.equal(await byTestId('user-edit-email').inputValue(), 'alan@example.com');
    assert.equal(await byTestId('user-edit-locale').inputValue(), 'en');
    assert.equal(await byTestId('user-edit-is-admin').isChecked(), false);
    await byTestId('user-passkeys-none').waitFor();
  });

  test('a profile picture is uploaded and reset', async () => {
    // A 1×1 PNG.
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    await byTestId('user-picture-input').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="user-picture-image"]')?.getAttribute('src')?.endsWith('?v=1'),
    );
    assert.equal(await byTestId('user-picture-error').count(), 0);
    await byTestId('user-picture-reset').click();
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="user-picture-image"]')?.getAttribute('src')?.endsWith('?v=2'),
    );
    assert.equal(await byTestId('user-picture-error').count(), 0);
  });

  test('custom claims are checked like the API does and saved', async () => {
    await byTestId('user-claims-add').click();
    await byTestId('user-claims-key').fill('sub');
    await byTestId('user-claims-value').fill('x');
    await byTestId('user-claims-save').click();
    assert.match(await byTestId('user-claims-key-error').textContent(), /^Key /);
    await byTestId('user-claims-key').fill('department');
    await byTestId('user-claims-value').fill('research');
    await byTestId('user-claims-add').click();
    await byTestId('user-claims-key').nth(1).fill('level');
    await byTestId('user-claims-value').nth(1).fill('3');
    await byTestId('user-claims-save').click();
    await byTestId('custom-claims-saved').waitFor();
    const user = await apiCall(page, 'GET', `/api/users/${alanId}`);
    assert.equal(user.status, 200);
    assert.deepEqual(
      user.body.customClaims.map((c) => [c.key, c.value]).sort(),
      [
        ['department', 'research'],
        ['level', '3'],
      ],
    );
  });

  test('the user joins the group; the group page lists them as a member', async () => {
    const option = page.locator('[data-testid="user-groups-list-option"][data-title="Research Team"]');
    await option.check();
    await byTestId('user-groups-save').click();
    await byTestId('user-groups-saved').waitFor();
    const groups = await apiCall(page, 'GET', `/api/users/${alanId}/groups`);
    assert.deepEqual(
      groups.body.map((g) => g.name),
      ['research_team'],
    );
  });

  test('the details form saves the flags and shows the API answer', async () => {
    await byTestId('user-edit-display-name').fill('Alan M. Turing');
    await byTestId('user-edit-email-verified').check();
    await byTestId('user-edit-save').click();
    await byTestId('user-edit-saved').waitFor();
    assert.equal(await byTestId('user-title').textContent(), 'Alan M. Turing');
    const user = await apiCall(page, 'GET', `/api/users/${alanId}`);
    assert.equal(user.body.emailVerified, true);
    assert.equal(user.body.displayName, 'Alan M. Turing');
  });

  test('a login code is created with its /lc link', async () => {
    await byTestId('login-code-create').click();
    await byTestId('login-code-result').waitFor();
    loginCode = await byTestId('login-code-value').inputValue();
    assert.match(loginCode, /^[A-Za-z0-9]{6}$/);
    assert.equal(await byTestId('login-code-link').inputValue(), `${server.url}/lc/${loginCode}`);
    await shot('user-detail');
  });

  test('the group page shows the member ticked', async () => {
    await page.goto(server.url + '/settings/admin/user-groups');
    await byTestId('group-link').first().waitFor();
    assert.equal(await byTestId('group-user-count').textContent(), '1');
    await shot('groups');
    await byTestId('group-link').click();
    await byTestId('group-members-list').waitFor();
    const alan = page.locator('[data-testid="group-members-list-option"][data-title="Alan M. Turing"]');
    assert.equal(await alan.isChecked(), true);
    await shot('group-detail');
  });

  test('the user table searches, filters and sorts on the server', async () => {
    await page.goto(server.url + '/settings/admin/users');
    // The list opens sorted by username, ascending; a click on the header flips it.
    const usernameHeader = page.locator('th:has([data-testid="users-table-sort-username"])');
    assert.deepEqual(await tableUsernames(2), ['ada', 'alan']);
    assert.equal(await usernameHeader.getAttribute('aria-sort'), 'ascending');
    await byTestId('users-table-sort-username').click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="user-username"]')?.textContent === 'alan',
    );
    assert.deepEqual(await tableUsernames(2), ['alan', 'ada']);
    assert.equal(await usernameHeader.getAttribute('aria-sort'), 'descending');
    // Another column sorts ascending first.
    await byTestId('users-table-sort-email').click();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="user-username"]')?.textContent === 'ada',
    );
    assert.deepEqual(await tableUsernames(2), ['ada', 'alan']);
    assert.equal(await usernameHeader.getAttribute('aria-sort'), 'none');
    await byTestId('users-table-filter-isAdmin').selectOption('true');
    assert.deepEqual(await tableUsernames(1), ['ada']);
    await byTestId('users-table-filter-isAdmin').selectOption('');
    await tableUsernames(2);
    await byTestId('users-table-search').fill('turing');
    assert.deepEqual(await tableUsernames(1), ['alan']);
    assert.equal(await byTestId('users-table-count').textContent(), '1 item');
    await byTestId('users-table-search').fill('nobody-here');
    await byTestId('users-table-empty').waitFor();
    assert.equal(await byTestId('users-table-empty').textContent(), 'No user matches your search.');
    await byTestId('users-table-search').fill('');
    await tableUsernames(2);
    await shot('users');
  });

  test('a taken username comes back from the API under the field', async () => {
    await byTestId('user-add').click();
    await byTestId('user-create-first-name').fill('Another');
    await byTestId('user-create-username').fill('alan');
    await byTestId('user-create-email').fill('another@example.com');
    await byTestId('user-create-submit').click();
    await byTestId('user-create-username-error').waitFor();
    assert.equal(await byTestId('user-create-username-error').textContent(), 'Username is already in use');
    await byTestId('user-create-cancel').click();
  });

  test('a user is deleted after confirming', async () => {
    const created = await apiCall(page, 'POST', '/api/users', {
      username: 'temp',
      email: 'temp@example.com',
      firstName: 'Temp',
    });
    assert.equal(created.status, 201);
    await page.goto(`${server.url}/settings/admin/users/${created.body.id}`);
    await byTestId('user-delete-button').click();
    await byTestId('user-delete-dialog').waitFor();
    await byTestId('user-delete-dialog-confirm').click();
    await page.waitForURL((u) => u.pathname === '/settings/admin/users');
    assert.deepEqual(await tableUsernames(2), ['ada', 'alan']);
    const left = await apiCall(page, 'GET', '/api/users?search=temp');
    assert.equal(left.body.pagination.totalItems, 0);
  });

  test('an API key is shown once and works with fetch against /api/users', async () => {
    await byTestId('nav-admin-api-keys').click();
    await page.waitForURL((u) => u.pathname === '/settings/admin/api-keys');
    await byTestId('api-keys-table-empty').waitFor();
    await byTestId('api-key-add').click();
    await byTestId('api-key-create-name').fill('CI');
    await byTestId('api-key-create-submit').click();
    assert.equal(
      await byTestId('api-key-create-name-error').textContent(),
      'Name must be at least 3 characters long',
    );
    await byTestId('api-key-create-name').fill('E2E automation');
    await byTestId('api-key-create-description').fill('used by the browser test');
    await byTestId('api-key-create-submit').click();
    await byTestId('api-key-token-dialog').waitFor();
    const token = await byTestId('api-key-token').inputValue();
    assert.match(token, /^[A-Za-z0-9]{32}$/);
    assert.match(await byTestId('api-key-example').inputValue(), new RegExp(`X-API-Key: ${token}`));
    await shot('api-key-token-dialog');
    await byTestId('api-key-token-close').click();
    assert.deepEqual(await byTestId('api-key-name').allTextContents(), ['E2E automation']);
    // The token is not on the page any more.
    assert.equal(await page.content().then((html) => html.includes(token)), false);
    await shot('api-keys');

    // Outside the browser: no cookie, only the key.
    const r = await fetch(`${server.url}/api/users?search=alan`, { headers: { 'X-API-Key': token } });
    assert.equal(r.status, 200);
    const body = await r.json();
    assert.deepEqual(
      body.data.map((u) => u.username),
      ['alan'],
    );
    assert.equal(body.pagination.totalItems, 1);
    const anonymous = await fetch(`${server.url}/api/users`);
    assert.equal(anonymous.status, 401);
  });

  test('a revoked API key stops working', async () => {
    const keys = await apiCall(page, 'GET', '/api/api-keys');
    assert.equal(keys.body.data.length, 1);
    await byTestId('api-key-revoke').click();
    await byTestId('api-key-revoke-dialog-confirm').click();
    await byTestId('api-keys-table-empty').waitFor();
  });

  test('the user table pages through the server', async () => {
    for (let i = 0; i < 11; i += 1) {
      const r = await apiCall(page, 'POST', '/api/users', {
        username: `bulk${String(i).padStart(2, '0')}`,
        email: `bulk${i}@example.com`,
        firstName: 'Bulk',
      });
      assert.equal(r.status, 201);
    }
    await page.goto(server.url + '/settings/admin/users');
    await tableUsernames(13);
    await byTestId('users-table-limit').selectOption('10');
    await tableUsernames(10);
    assert.equal(await byTestId('users-table-page').textContent(), 'Page 1 of 2');
    assert.equal(await byTestId('users-table-count').textContent(), '1–10 of 13');
    assert.equal(await byTestId('users-table-prev').isDisabled(), true);
    await byTestId('users-table-next').click();
    assert.deepEqual(await tableUsernames(3), ['bulk08', 'bulk09', 'bulk10']);
    assert.equal(await byTestId('users-table-page').textContent(), 'Page 2 of 2');
    assert.equal(await byTestId('users-table-next').isDisabled(), true);
    // A new search starts on page 1 again.
    await byTestId('users-table-search').fill('bulk0');
    await tableUsernames(10);
    assert.equal(await byTestId('users-table-page').textContent(), 'Page 1 of 1');
  });

  test("an administrator deletes a user's passkey after confirming", async () => {
    const me = await apiCall(page, 'GET', '/api/users/me');
    await page.goto(`${server.url}/settings/admin/users/${me.body.id}`);
    await byTestId('user-passkey-list').waitFor();
    assert.equal(await byTestId('user-passkey-item').count(), 1);
    await byTestId('user-passkey-delete').click();
    await byTestId('user-passkey-delete-dialog').waitFor();
    await byTestId('user-passkey-delete-dialog-confirm').click();
    await byTestId('user-passkeys-none').waitFor();
    await byTestId('user-passkey-notice').waitFor();
    const left = await apiCall(page, 'GET', `/api/users/${me.body.id}/webauthn-credentials`);
    assert.deepEqual(left.body, []);
  });

  test('signup tokens: the dialog checks the usage limit, shows the link once, lists and deletes', async () => {
    await page.goto(server.url + '/settings/admin/application-configuration');
    await byTestId('config-signup-tokens').click();
    await byTestId('signup-tokens-dialog').waitFor();
    await byTestId('signup-tokens-table-empty').waitFor();
    await byTestId('signup-token-usage-limit').fill('0');
    await byTestId('signup-token-create').click();
    assert.equal(await byTestId('signup-token-error').textContent(), 'Usage limit must be between 1 and 100');
    await byTestId('signup-token-usage-limit').fill('2');
    await byTestId('signup-token-ttl').selectOption('168h');
    await page.locator('[data-testid="signup-token-groups-option"][data-title="Research Team"]').check();
    await byTestId('signup-token-create').click();
    await byTestId('signup-token-created').waitFor();
    const link = await byTestId('signup-token-link').inputValue();
    assert.match(link, new RegExp(`^${server.url}/st/[A-Za-z0-9]{16}$`));
    await byTestId('signup-tokens-table-row').waitFor();
    assert.equal(await byTestId('signup-token-usage').textContent(), '0 of 2');
    assert.equal(await byTestId('signup-token-status').textContent(), 'Active');
    // The list shows only the start of the token.
    const prefix = (await byTestId('signup-token-prefix').textContent()).replace('…', '');
    assert.ok(link.split('/st/')[1].startsWith(prefix), `${link} vs ${prefix}`);
    const tokens = await apiCall(page, 'GET', '/api/signup-tokens');
    assert.deepEqual(
      tokens.body.data.map((t) => [t.usageLimit, t.userGroups.map((g) => g.name)]),
      [[2, ['research_team']]],
    );
    await shot('signup-tokens-dialog');
    await byTestId('signup-token-delete').click();
    await byTestId('signup-tokens-table-empty').waitFor();
    await byTestId('signup-tokens-close').click();
    await byTestId('signup-tokens-dialog').waitFor({ state: 'detached' });
  });

  test('a user who is not an administrator is sent away from the admin pages', async () => {
    const other = await context.browser().newContext();
    await hidePasskeyAutofill(other);
    const alanPage = await other.newPage();
    alanPage.setDefaultTimeout(10000);
    const alanProblems = watchProblems(alanPage);
    await alanPage.goto(`${server.url}/lc/${loginCode}`);
    await alanPage.waitForURL((u) => u.pathname === '/settings/account');
    await alanPage.getByTestId('settings-nav').waitFor();
    assert.equal(await alanPage.getByTestId('settings-nav-admin').count(), 0);
    await alanPage.goto(`${server.url}/settings/admin/users`);
    await alanPage.waitForURL((u) => u.pathname === '/settings/account');
    await alanPage.goto(`${server.url}/settings/audit-log/global`);
    await alanPage.waitForURL((u) => u.pathname === '/settings/account');
    await shot('non-admin-navigation', alanPage);
    assert.deepEqual(alanProblems, []);

    // The administrator sees that browser on Alan's page and signs him out everywhere.
    await page.goto(`${server.url}/settings/admin/users/${alanId}`);
    await byTestId('sessions-card').waitFor();
    await byTestId('session-item').first().waitFor();
    assert.equal(await byTestId('session-current').count(), 0, "not the administrator's browser");
    assert.equal(await byTestId('session-end').count(), 0);
    await byTestId('sessions-end-all').click();
    await byTestId('sessions-none').waitFor();
    await byTestId('sessions-notice').waitFor();
    await alanPage.goto(`${server.url}/settings/account`);
    await alanPage.waitForURL((u) => u.pathname === '/login');
    await other.close();
  });

  test('no console errors, page errors or failed requests', () => {
    assert.deepEqual(problems, []);
  });
});
