#!/usr/bin/env node
// Usage: node selftest.mjs [port] [alg ...]      (default: 3100 RS256 ES256 EdDSA)
//
// For each alg: writes a key with genkeys.mjs into a temporary directory, starts
// `node provider.mjs` with NODE_ENV=production (the way the harness does), times
// spawn -> READY line, runs check.mjs against it, then stops the server with SIGTERM to its
// PID and waits for it to exit. Exits non-zero if any check fails or a server does not stop.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [portArg, ...algArgs] = process.argv.slice(2);
const port = Number(portArg || 3100);
const algs = algArgs.length ? algArgs : ['RS256', 'ES256', 'EdDSA'];
const dir = mkdtempSync(join(tmpdir(), 'bench-node-'));
let failed = false;

function startProvider(env) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(process.execPath, [join(here, 'provider.mjs')], {
      env: { ...process.env, NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^READY (\{.*\})$/m.exec(out);
      if (m) {
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        resolve({ child, ready: JSON.parse(m[1]), ms, stderr: () => err, stdout: () => out });
      }
    });
    child.on('exit', (code) => reject(new Error(`provider exited (${code}) before READY:\n${err}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) { resolve(child.exitCode); return; }
    const timer = setTimeout(() => { child.kill('SIGKILL'); }, 5000);
    child.once('exit', (code, signal) => { clearTimeout(timer); resolve(code ?? signal); });
    child.kill('SIGTERM');
  });
}

const results = [];
for (const alg of algs) {
  const jwksFile = join(dir, `${alg}.json`);
  const g = spawnSync(process.execPath, [join(here, 'genkeys.mjs'), alg, jwksFile], { encoding: 'utf8' });
  if (g.status !== 0) { process.stderr.write(g.stderr); process.exit(1); }

  const s = await startProvider({ PORT: String(port), ALG: alg, JWKS_FILE: jwksFile });
  process.stdout.write(`== ${alg}: spawn -> READY ${s.ms.toFixed(0)} ms, ${s.stdout().trim()}\n`);

  const base = `http://127.0.0.1:${port}`;
  const c = spawnSync(process.execPath, [join(here, 'check.mjs'), base, alg], { encoding: 'utf8' });
  process.stdout.write(c.stdout);
  if (c.stderr) process.stdout.write(c.stderr);

  const exit = await stop(s.child);
  const extraStdout = s.stdout().trim().split('\n').length !== 1;
  const serverErrors = s.stderr().split('\n').filter((l) => /server_error|interaction error/.test(l));
  const pass = c.status === 0 && exit === 0 && !extraStdout && serverErrors.length === 0;
  if (!pass) failed = true;
  results.push({ alg, ready_ms: Math.round(s.ms), check: c.status === 0 ? 'PASS' : 'FAIL', exit, stdout_lines: s.stdout().trim().split('\n').length, server_errors: serverErrors.length });
  process.stdout.write(`== ${alg}: check ${c.status === 0 ? 'PASS' : 'FAIL'}, SIGTERM -> exit ${exit}\n`);
}

rmSync(dir, { recursive: true, force: true });
process.stdout.write(`RESULTS ${JSON.stringify(results)}\n`);
process.exit(failed ? 1 : 0);
