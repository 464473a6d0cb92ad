// Test harness: starts the release `pocket-id` binary on a free port with a temporary data
// directory, runs its CLI against the same data, launches Debian's Chromium through
// playwright-core, and adds CDP WebAuthn virtual authenticators.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const OUTPUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'output');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts the server; `env` adds variables. Resolves once /healthz answers 204. */
export async function startServer(env = {}) {
  const bin = process.env.POCKET_ID_BIN;
  if (!bin) throw new Error('POCKET_ID_BIN must point at the release pocket-id binary');
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'pocket-id-e2e-'));
  const url = `http://localhost:${port}`;
  const logs = [];
  // Run from an empty folder so no .env of the developer leaks in; SQLite lives in dataDir.
  const serverEnv = {
    PATH: process.env.PATH,
    PORT: String(port),
    HOST: '127.0.0.1',
    APP_URL: url,
    LOG_LEVEL: 'warn',
    DB_CONNECTION_STRING: join(dataDir, 'data', 'pocket-id.db'),
    ...env,
  };
  const child = spawn(bin, [], { cwd: dataDir, env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => logs.push(String(d)));
  child.stderr.on('data', (d) => logs.push(String(d)));
  const exited = new Promise((resolve) => child.once('exit', resolve));

  const deadline = Date.now() + 15000;
  for (;;) {
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.status === 204) break;
    } catch {
      /* not listening yet */
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`server did not start (exit ${child.exitCode}):\n${logs.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    dataDir,
    logs,
    /** Runs `pocket-id <args>` with the server's environment and working directory; returns
     *  stdout, throws with stderr when the command fails. */
    runCli(args) {
      const r = spawnSync(bin, args, { cwd: dataDir, env: serverEnv, encoding: 'utf8', timeout: 30000 });
      if (r.status !== 0) {
        throw new Error(`pocket-id ${args.join(' ')} exited ${r.status}: ${r.stderr || r.error}`);
      }
      return r.stdout;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Launches headless Chromium with the flags this sandboxed, offline machine needs. */
export async function launchBrowser() {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/**
 * Collects console errors, page errors and failed requests (CSP violations show up here).
 * Chromium logs every 4xx answer as a console error; `expected` lists the API answers a test
 * provokes on purpose, as `{ path, status }`. The session probe (`GET /api/users/me` → 401 when
 * signed out) is always expected: that is how the SPA learns it is signed out.
 */
export function watchProblems(page, expected = []) {
  const allowed = [{ path: '/api/users/me', status: 401 }, ...expected];
  const problems = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const status = Number(m.text().match(/status of (\d{3})/)?.[1]);
    const path = m.location()?.url ? new URL(m.location().url).pathname : '';
    if (allowed.some((a) => a.status === status && a.path === path)) return;
    problems.push(`console: ${m.text()} (${m.location()?.url ?? 'no url'})`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A full page load cancels the previous page's pending fetches; not a fault.
    if (r.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`);
  });
  return problems;
}

/**
 * Enables the CDP WebAuthn domain for `page` (TOOLCHAIN §7). `add()` creates a virtual
 * authenticator with resident keys and user verification that answers without a touch.
 */
export async function virtualAuthenticators(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  return {
    async add({ transport = 'internal' } = {}) {
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport,
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
          automaticPresenceSimulation: true,
        },
      });
      return {
        id: authenticatorId,
        /** The credentials this authenticator holds. */
        async credentials() {
          return (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
        },
        /** Stores a credential (as `credentials()` returns it) on this authenticator. */
        addCredential(credential) {
          return cdp.send('WebAuthn.addCredential', { authenticatorId, credential });
        },
        /** With `false` the authenticator waits for a touch that never comes (it stays silent). */
        setPresence(enabled) {
          return cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled });
        },
        remove() {
          return cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Relying-party tests (rp-*.test.mjs): the first administrator, the admin API and a callback
// server standing in for the client application.

/**
 * Hides passkey autofill in `context`: Chromium's virtual authenticators answer a conditional
 * request at once, as if the user had picked the passkey, so pages sign in only on a click.
 */
export async function hidePasskeyAutofill(context) {
  await context.addInitScript(() => {
    if (window.PublicKeyCredential) {
      Object.defineProperty(PublicKeyCredential, 'isConditionalMediationAvailable', {
        value: async () => false,
      });
    }
  });
}

/**
 * Creates the first administrator through the SPA's setup page and registers a passkey on the
 * page's virtual authenticator (which must exist). Ends signed in on /settings/account.
 */
export async function setupAdmin(page, serverUrl, user) {
  await page.goto(serverUrl + '/setup');
  await page.getByTestId('setup-first-name').fill(user.firstName);
  await page.getByTestId('setup-last-name').fill(user.lastName);
  await page.getByTestId('setup-username').fill(user.username);
  await page.getByTestId('setup-email').fill(user.email);
  await page.getByTestId('setup-submit').click();
  await page.getByTestId('add-passkey-button').click();
  await page.waitForURL((u) => u.pathname === '/settings/account');
}

/**
 * Calls the REST API from inside the page (same origin, the session cookie). Resolves with
 * `{ status, body }`, `body` parsed as JSON when it is JSON.
 */
export async function apiCall(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const init = { method, headers: {} };
      if (body !== undefined) {
        init.headers['content-type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
      const r = await fetch(path, init);
      const text = await r.text();
      let parsed = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON */
      }
      return { status: r.status, body: parsed };
    },
    { method, path, body },
  );
}

/** `POST /api/oidc/clients` with `body`; throws unless 201. Resolves with the client. */
export async function createOidcClient(page, body) {
  const r = await apiCall(page, 'POST', '/api/oidc/clients', body);
  if (r.status !== 201) throw new Error(`create client: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** `POST /api/oidc/clients/{id}/secrets`; throws unless 201. Resolves with the secret. */
export async function createOidcClientSecret(page, clientId) {
  const r = await apiCall(page, 'POST', `/api/oidc/clients/${encodeURIComponent(clientId)}/secrets`);
  if (r.status !== 201 || !r.body?.secret) {
    throw new Error(`create secret: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return r.body.secret;
}

/**
 * A tiny HTTP server on 127.0.0.1 standing in for the relying party's redirect targets: every
 * request is answered with a small page and recorded in `requests` (full URLs); POSTs (form_post
 * responses) also in `posts` as `{ url, body }`, the body as received.
 */
export async function startCallbackServer() {
  const { createServer: createHttpServer } = await import('node:http');
  const requests = [];
  const posts = [];
  const srv = createHttpServer(async (req, res) => {
    const url = new URL(req.url, `http://${req.headers.host}`);
    requests.push(url);
    if (req.method === 'POST') {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      posts.push({ url, body: Buffer.concat(chunks).toString('utf8') });
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Relying party</title><h1>Relying party: ${url.pathname}</h1>`);
  });
  await new Promise((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${srv.address().port}`;
  return {
    base,
    requests,
    posts,
    close: () =>
      new Promise((resolve) => {
        srv.closeAllConnections?.();
        srv.close(resolve);
      }),
  };
}
