// Interoperability with a real Python relying party: PyPI `authlib` + `requests`
// (e2e/rp/authlib_rp.py) runs the client side of the authorization-code flow with PKCE S256,
// state and nonce; this test does the user's part in the browser (setup, consent) and checks
// what the library got: the ID token (signature verified against the JWKS, claims validated by
// authlib), userinfo, introspection, refresh rotation and revocation.
//
// Python: POCKET_ID_PYTHON, else the venv scripts/bootstrap.sh --test creates
// (~/.cache/pocket-id-rs/venv), else python3 on PATH. authlib must import: the test fails, not
// skips, without it.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
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

const RP_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'rp', 'authlib_rp.py');
const VENV_PYTHON = join(homedir(), '.cache', 'pocket-id-rs', 'venv', 'bin', 'python');
const PYTHON = process.env.POCKET_ID_PYTHON || (existsSync(VENV_PYTHON) ? VENV_PYTHON : 'python3');

const APP_NAME = 'E2E Authlib';
const CLIENT_ID = 'rp-authlib';
const CLIENT_NAME = 'Python Wiki';
const SCOPE = 'openid profile email groups';
const ADMIN = { firstName: 'Grace', lastName: 'Hopper', username: 'grace', email: 'grace@example.com' };

let server;
let rp;
let browser;
let page;
let problems;
let me;
let secret;
let callbackUrl;

const shot = (name) => page.screenshot({ path: join(OUTPUT_DIR, `${name}.png`), fullPage: true });
const byTestId = (id) => page.getByTestId(id);

/**
 * Starts the Python relying party. `next()` resolves with its next JSON message, `reply(obj)`
 * answers it; a message of step `error` or an early exit rejects with its stderr.
 */
function startRelyingParty(args, env) {
  const child = spawn(PYTHON, [RP_SCRIPT, ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    async next() {
      const { value, done } = await lines.next();
      if (done) throw new Error(`authlib_rp.py exited (${await exited}) without answering:\n${stderr}`);
      const message = JSON.parse(value);
      if (message.step === 'error') {
        throw new Error(`authlib_rp.py: ${message.type}: ${message.error}\n${message.traceback}\n${stderr}`);
      }
      return message;
    },
    reply(obj) {
      child.stdin.write(JSON.stringify(obj) + '\n');
    },
    async exitCode() {
      child.stdin.end();
      return exited;
    },
    kill() {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
    stderr: () => stderr,
  };
}

before(async () => {
  const probe = spawnSync(PYTHON, ['-c', 'import authlib, requests; print(authlib.__version__)'], {
    encoding: 'utf8',
  });
  if (probe.status !== 0) {
    throw new Error(
      `${PYTHON} cannot import authlib/requests (run scripts/bootstrap.sh --test, or set POCKET_ID_PYTHON):\n${probe.stderr || probe.error}`,
    );
  }

  server = await startServer({ UI_CONFIG_DISABLED: 'true', APP_NAME });
  rp = await startCallbackServer();
  callbackUrl = `${rp.base}/auth/callback`;
  browser = await launchBrowser();
  const context = await browser.newContext();
  await hidePasskeyAutofill(context);
  page = await context.newPage();
  page.setDefaultTimeout(10000);
  problems = watchProblems(page);
  await (await virtualAuthenticators(page)).add();

  await setupAdmin(page, server.url, ADMIN);
  me = (await apiCall(page, 'GET', '/api/users/me')).body;
  await createOidcClient(page, {
    id: CLIENT_ID,
    name: CLIENT_NAME,
    callbackURLs: [callbackUrl],
    isPublic: false,
    pkceEnabled: true,
  });
  secret = await createOidcClientSecret(page, CLIENT_ID);
});

after(async () => {
  await browser?.close();
  await rp?.close();
  await server?.stop();
});

describe('authlib (PyPI)', () => {
  let result;

  test('authorization code + PKCE: authlib builds the request, the browser consents', async () => {
    const relyingParty = startRelyingParty(
      ['--issuer', server.url, '--client-id', CLIENT_ID, '--redirect-uri', callbackUrl, '--scope', SCOPE],
      { CLIENT_SECRET: secret },
    );
    try {
      const { step, url } = await relyingParty.next();
      assert.equal(step, 'authorize');
      const request = new URL(url);
      assert.equal(`${request.origin}${request.pathname}`, `${server.url}/authorize`);
      assert.equal(request.searchParams.get('code_challenge_method'), 'S256');
      assert.ok(request.searchParams.get('code_challenge'));
      assert.ok(request.searchParams.get('nonce'));
      assert.ok(request.searchParams.get('state'));

      await page.goto(url);
      await page.waitForURL((u) => u.pathname === '/interaction');
      await byTestId('consent-title').waitFor();
      assert.equal(
        await byTestId('consent-title').textContent(),
        `Allow ${CLIENT_NAME} to access your account?`,
      );
      await shot('rp-authlib-consent');
      await byTestId('consent-allow').click();
      await page.waitForURL((u) => u.href.startsWith(callbackUrl));
      const landed = new URL(page.url());
      assert.equal(landed.searchParams.get('state'), request.searchParams.get('state'));
      relyingParty.reply({ callback: landed.href });

      const done = await relyingParty.next();
      assert.equal(done.step, 'done');
      result = done.result;
      assert.equal(await relyingParty.exitCode(), 0, relyingParty.stderr());
    } finally {
      relyingParty.kill();
    }
  });

  test('the ID token: signature verified against the JWKS, claims validated by authlib', () => {
    assert.equal(result.issuer, server.url);
    assert.equal(result.token_type.toLowerCase(), 'bearer');
    assert.ok(result.has_refresh_token);
    assert.deepEqual(result.scope.split(' ').sort(), SCOPE.split(' ').sort());
    const c = result.id_token_claims;
    assert.equal(c.iss, server.url);
    assert.equal(c.sub, me.id);
    assert.deepEqual([c.aud].flat(), [CLIENT_ID]);
    assert.ok(c.nonce, 'nonce echoed (authlib compared it with its own)');
    assert.ok(c.at_hash, 'at_hash present (authlib checked it against the access token)');
    assert.equal(c.email, ADMIN.email);
    assert.equal(c.email_verified, me.emailVerified);
    assert.equal(c.preferred_username, ADMIN.username);
    assert.equal(c.name, `${ADMIN.firstName} ${ADMIN.lastName}`);
    assert.deepEqual(c.groups, []);
    assert.equal(result.tampered_signature_rejected, true);
  });

  test('userinfo and introspection', () => {
    assert.equal(result.userinfo.status, 200);
    const info = result.userinfo.claims;
    assert.equal(info.sub, me.id);
    assert.equal(info.email, ADMIN.email);
    assert.equal(info.preferred_username, ADMIN.username);
    assert.equal(info.name, `${ADMIN.firstName} ${ADMIN.lastName}`);
    const at = result.introspection;
    assert.equal(at.active, true);
    assert.equal(at.sub, me.id);
    assert.equal(at.client_id, CLIENT_ID);
    assert.equal(at.iss, server.url);
  });

  test('refresh rotates the tokens; the refreshed ID token keeps the subject', () => {
    const r = result.refresh;
    assert.equal(r.rotated, true);
    assert.equal(r.new_access_token, true);
    assert.equal(r.userinfo_status, 200);
    assert.equal(r.userinfo_sub, me.id);
    assert.ok(r.id_token_claims, 'an ID token on refresh (verified and validated by authlib)');
    assert.equal(r.id_token_claims.sub, me.id);
    assert.equal(r.id_token_claims.auth_time, result.id_token_claims.auth_time);
  });

  test('revoking the refresh token ends the grant', () => {
    const r = result.revocation;
    assert.equal(r.status, 200);
    assert.equal(r.introspection_active, false);
    assert.equal(r.refresh_error, 'invalid_grant');
    assert.equal(r.userinfo_status, 401);
    assert.match(r.userinfo_www_authenticate ?? '', /^Bearer /);
    assert.equal(r.userinfo_error, 'invalid_token');
    assert.equal(result.old_refresh_error, 'invalid_grant');
  });

  test('no browser errors along the way', () => {
    assert.deepEqual(problems, []);
  });
});
