// The account pages under a restrictive configuration: no email required, own-account editing
// off. Setup without an email, skip the passkey, and find a read-only profile with the
// "no passkey" warning.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, watchProblems, OUTPUT_DIR } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({
    UI_CONFIG_DISABLED: 'true',
    REQUIRE_USER_EMAIL: 'false',
    ALLOW_OWN_ACCOUNT_EDIT: 'false',
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('setup without email, skip the passkey, read-only profile with the no-passkey warning', async () => {
  const page = await browser.newPage();
  const problems = watchProblems(page);
  await page.goto(server.url + '/signup/setup');
  await page.getByTestId('setup-title').waitFor();
  await page.getByTestId('setup-first-name').fill('Grace');
  await page.getByTestId('setup-username').fill('grace');
  await page.getByTestId('setup-submit').click();
  await page.waitForURL((u) => u.pathname === '/signup/add-passkey');

  await page.getByTestId('skip-passkey-button').click();
  await page.waitForURL((u) => u.pathname === '/settings/account');
  await page.getByTestId('passkey-warning-none').waitFor();
  await page.getByTestId('account-edit-disabled').waitFor();
  assert.equal(await page.getByTestId('account-save').count(), 0);
  assert.equal(await page.getByTestId('account-username').getAttribute('readonly'), '');
  assert.equal(await page.getByTestId('account-username').inputValue(), 'grace');
  assert.equal(await page.getByTestId('account-email').inputValue(), '');
  assert.equal(await page.getByTestId('header-user-name').textContent(), 'Grace');
  await page.screenshot({ path: join(OUTPUT_DIR, 'account-read-only.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});
