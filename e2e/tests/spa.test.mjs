// The SPA embedded in the release binary: it loads under our CSP, renders the application
// name it gets from the API, and deep links are served the SPA.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launchBrowser, watchProblems, OUTPUT_DIR } from './harness.mjs';

const APP_NAME = 'E2E Identity';
let server;
let browser;

before(async () => {
  // UI_CONFIG_DISABLED makes the environment the source of the app name, so a page that shows
  // it must have read it from /api/application-configuration.
  server = await startServer({ UI_CONFIG_DISABLED: 'true', APP_NAME });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('/ leads a visitor to /login, which shows the app name from the API, without console or CSP errors', async () => {
  const page = await browser.newPage();
  const problems = watchProblems(page);
  const configResponse = page.waitForResponse((r) => r.url().endsWith('/api/application-configuration'));
  await page.goto(server.url + '/');
  assert.equal((await configResponse).status(), 200);
  await page.waitForURL((u) => u.pathname === '/login');
  await page.getByTestId('login-title').waitFor();
  assert.equal(await page.getByTestId('login-title').textContent(), `Sign in to ${APP_NAME}`);
  assert.equal(await page.getByTestId('app-name').textContent(), APP_NAME);
  assert.equal(await page.title(), APP_NAME);
  assert.equal(await page.getByTestId('api-docs-link').getAttribute('href'), '/api/docs');
  assert.equal(
    await page.getByTestId('oidc-discovery-link').getAttribute('href'),
    '/.well-known/openid-configuration',
  );
  await page.screenshot({ path: join(OUTPUT_DIR, 'home.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a deep link gets the SPA (index.html); signed out, it redirects to /login', async () => {
  const res = await fetch(server.url + '/settings/account');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.equal(res.headers.get('cache-control'), 'no-store');

  const page = await browser.newPage();
  const problems = watchProblems(page);
  await page.goto(server.url + '/settings/account');
  await page.getByTestId('app-name').filter({ hasText: APP_NAME }).waitFor();
  await page.waitForURL((u) => u.pathname === '/login');
  assert.equal(new URL(page.url()).search, '?redirect=%2Fsettings%2Faccount');
  await page.getByTestId('login-title').waitFor();
  await page.screenshot({ path: join(OUTPUT_DIR, 'deep-link.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('hashed assets are served precompressed and cached immutably', async () => {
  const html = await (await fetch(server.url + '/')).text();
  const wasm = html.match(/\/[\w-]+_bg\.wasm/)?.[0];
  assert.ok(wasm, 'index.html references the wasm module');
  const res = await fetch(server.url + wasm, { headers: { 'accept-encoding': 'br' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-encoding'), 'br');
  assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(res.headers.get('content-type'), 'application/wasm');
});

test('dark mode follows the system preference', async () => {
  const ctx = await browser.newContext({ colorScheme: 'dark' });
  const page = await ctx.newPage();
  await page.goto(server.url + '/login');
  await page.getByTestId('login-title').waitFor();
  const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.screenshot({ path: join(OUTPUT_DIR, 'home-dark.png'), fullPage: true });
  await ctx.close();
  const lightCtx = await browser.newContext({ colorScheme: 'light' });
  const lightPage = await lightCtx.newPage();
  await lightPage.goto(server.url + '/login');
  await lightPage.getByTestId('login-title').waitFor();
  const light = await lightPage.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await lightCtx.close();
  assert.notEqual(dark, light, 'background differs between dark and light');
});

test('the API reference page renders the OpenAPI document offline', async () => {
  const page = await browser.newPage();
  const problems = watchProblems(page);
  await page.goto(server.url + '/api/docs');
  await page.getByText('/api/application-configuration').first().waitFor();
  await page.screenshot({ path: join(OUTPUT_DIR, 'api-docs.png'), fullPage: false });
  assert.deepEqual(problems, []);
  await page.close();
});
