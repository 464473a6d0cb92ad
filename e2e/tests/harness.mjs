// Test harness: starts the release `pocket-id` binary on a free port with a temporary data
// directory, and launches Debian's Chromium through playwright-core.
import { spawn } from 'node:child_process';
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
  const child = spawn(bin, [], {
    cwd: dataDir,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      APP_URL: url,
      LOG_LEVEL: 'warn',
      DB_CONNECTION_STRING: join(dataDir, 'data', 'pocket-id.db'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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

/** Collects console errors, page errors and failed requests (CSP violations show up here). */
export function watchProblems(page) {
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  return problems;
}
