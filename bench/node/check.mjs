#!/usr/bin/env node
// Usage: node check.mjs <base-url> [expected-alg]
//   env CLIENT_SECRET (default bench-secret-0123456789abcdefghij),
//       REDIRECT_URI  (default http://127.0.0.1:9/cb)
//
// Self-test of a running provider.mjs: exercises every flow the benchmark uses and exits 1 on
// the first failure (2 on bad usage). Prints one line per step and a JSON summary last.
// The order matters: the refresh-token reuse test (last) revokes the whole grant, as
// node-oidc-provider does on reuse.
import { createHash, randomBytes } from 'node:crypto';
import {
  createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify,
} from 'jose';

const [baseArg, expectedAlg] = process.argv.slice(2);
if (!baseArg) {
  process.stderr.write('usage: node check.mjs <base-url> [RS256|ES256|EdDSA]\n');
  process.exit(2);
}
const BASE = baseArg.replace(/\/+$/, '');
const CLIENT_ID = 'bench';
const CLIENT_SECRET = process.env.CLIENT_SECRET || 'bench-secret-0123456789abcdefghij';
const REDIRECT_URI = process.env.REDIRECT_URI || 'http://127.0.0.1:9/cb';
const RESOURCE = 'urn:bench:api';
const SCOPE = 'openid profile email';
const BASIC = `Basic ${Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`).toString('base64')}`;

const summary = {};
let step = '';

function fail(msg, extra) {
  process.stdout.write(`FAIL [${step}] ${msg}${extra === undefined ? '' : ` ${JSON.stringify(extra)}`}\n`);
  process.exit(1);
}
function ok(msg) { process.stdout.write(`ok   [${step}] ${msg}\n`); }
function assert(cond, msg, extra) { if (!cond) fail(msg, extra); }

// --- a small path-aware cookie jar (host-only cookies, which is all the provider sets) -------
class CookieJar {
  #cookies = new Map(); // `${name}\0${path}` -> { name, value, path, expires }

  store(url, res) {
    const reqPath = new URL(url).pathname;
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = reqPath.slice(0, reqPath.lastIndexOf('/')) || '/';
      let expires = Infinity;
      for (const attr of attrs) {
        const [k, v = ''] = attr.split('=');
        const key = k.toLowerCase();
        if (key === 'path') path = v || '/';
        else if (key === 'expires') expires = Date.parse(v);
        else if (key === 'max-age') expires = Date.now() + Number(v) * 1000;
      }
      const id = `${name}\0${path}`;
      if (expires <= Date.now() || value === '') this.#cookies.delete(id);
      else this.#cookies.set(id, { name, value, path, expires });
    }
  }

  header(url) {
    const p = new URL(url).pathname;
    const now = Date.now();
    const out = [];
    // longer paths first, as browsers do
    const all = [...this.#cookies.values()].sort((a, b) => b.path.length - a.path.length);
    for (const c of all) {
      if (c.expires <= now) continue;
      const match = p === c.path || p.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`);
      if (match) out.push(`${c.name}=${c.value}`);
    }
    return out.join('; ');
  }
}

async function getJson(url, init = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: res.status, headers: res.headers, body, bytes: Buffer.byteLength(text) };
}

function token(params) {
  return getJson(DISCOVERY.token_endpoint, {
    method: 'POST',
    headers: { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
}

function introspect(tokenValue) {
  return getJson(DISCOVERY.introspection_endpoint, {
    method: 'POST',
    headers: { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: tokenValue }).toString(),
  });
}

function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

// GET /auth ... following redirects by hand with the jar, until Location starts with the
// redirect URI. Returns the code and how many HTTP requests it took.
async function mintCode(jar, { challenge, scope = SCOPE }) {
  const state = randomBytes(8).toString('hex');
  const q = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  let url = `${DISCOVERY.authorization_endpoint}?${q}`;
  const hops = [];
  for (let n = 1; n <= 10; n += 1) {
    const headers = {};
    const cookie = jar.header(url);
    if (cookie) headers.cookie = cookie;
    const res = await fetch(url, { redirect: 'manual', headers });
    jar.store(url, res);
    const body = await res.text();
    const location = res.headers.get('location');
    hops.push(`${res.status} ${new URL(url).pathname}`);
    if (!location) fail(`no redirect from ${url}`, { status: res.status, body: body.slice(0, 300) });
    const next = new URL(location, url).href;
    if (next.startsWith(REDIRECT_URI)) {
      const cb = new URL(next).searchParams;
      if (cb.get('error')) fail('authorization error', Object.fromEntries(cb));
      assert(cb.get('state') === state, 'state mismatch', Object.fromEntries(cb));
      assert(cb.get('code'), 'no code in redirect', Object.fromEntries(cb));
      return { code: cb.get('code'), requests: n, hops, iss: cb.get('iss') };
    }
    url = next;
  }
  return fail('too many redirects', hops);
}

let DISCOVERY;
let JWKS;
let jwksFn;
let ALG;

async function verifyJwt(jwt, { typ, audience }) {
  const header = decodeProtectedHeader(jwt);
  assert(header.alg === ALG, `JWT alg ${header.alg}, want ${ALG}`, header);
  if (typ) assert(header.typ === typ, `JWT typ ${header.typ}, want ${typ}`, header);
  assert(header.kid === JWKS.keys[0].kid, 'JWT kid is not the JWKS key', header);
  const { payload } = await jwtVerify(jwt, jwksFn, {
    issuer: DISCOVERY.issuer, audience, algorithms: [ALG],
  }).catch((e) => fail(`JWT does not verify: ${e.message}`, decodeJwt(jwt)));
  return { header, payload };
}

// --- discovery --------------------------------------------------------------------------------
step = 'discovery';
{
  const r = await getJson(`${BASE}/.well-known/openid-configuration`);
  assert(r.status === 200, 'status', r.status);
  DISCOVERY = r.body;
  for (const k of ['issuer', 'authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'introspection_endpoint']) {
    assert(typeof DISCOVERY[k] === 'string', `missing ${k}`);
  }
  const algs = DISCOVERY.id_token_signing_alg_values_supported;
  assert(Array.isArray(algs) && algs.length === 1, 'want exactly one id_token alg', algs);
  [ALG] = algs;
  if (expectedAlg) assert(ALG === expectedAlg, `advertised ${ALG}, want ${expectedAlg}`);
  assert(DISCOVERY.code_challenge_methods_supported?.includes('S256'), 'no S256');
  summary.alg = ALG;
  summary.discovery_bytes = r.bytes;
  summary.endpoints = Object.fromEntries(['issuer', 'authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'introspection_endpoint', 'jwks_uri']
    .map((k) => [k, DISCOVERY[k].startsWith(BASE) ? DISCOVERY[k].slice(BASE.length) : DISCOVERY[k]]));
  ok(`issuer ${DISCOVERY.issuer}, alg ${ALG}, ${r.bytes} B`);
}

// --- JWKS -------------------------------------------------------------------------------------
step = 'jwks';
{
  const r = await getJson(DISCOVERY.jwks_uri);
  assert(r.status === 200, 'status', r.status);
  JWKS = r.body;
  assert(JWKS.keys?.length === 1, 'want one key', JWKS);
  const [k] = JWKS.keys;
  assert(k.alg === ALG && k.use === 'sig' && k.kid, 'key alg/use/kid', k);
  for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert(!(priv in k), `private member ${priv} published`);
  jwksFn = createLocalJWKSet(JWKS);
  summary.jwks_bytes = r.bytes;
  ok(`${k.kty}${k.crv ? `/${k.crv}` : ''} kid ${k.kid}, ${r.bytes} B`);
}

// --- client credentials -----------------------------------------------------------------------
step = 'client_credentials';
{
  const r = await token({ grant_type: 'client_credentials' });
  assert(r.status === 200, 'status', r.body);
  assert(r.body.token_type === 'Bearer' && r.body.expires_in === 3600, 'token_type/expires_in', r.body);
  const { payload } = await verifyJwt(r.body.access_token, { typ: 'at+jwt', audience: RESOURCE });
  assert(payload.client_id === CLIENT_ID && payload.sub === CLIENT_ID, 'client_id/sub', payload);
  assert(payload.exp - payload.iat === 3600, 'lifetime', payload);
  summary.client_credentials = { status: r.status, body_bytes: r.bytes, access_token: 'JWT at+jwt', claims: Object.keys(payload) };
  ok(`JWT at+jwt ${ALG} verified, aud ${payload.aud}, ${r.bytes} B`);
}

// --- code minting -----------------------------------------------------------------------------
step = 'mint';
const jar = new CookieJar();
const pkces = [pkcePair(), pkcePair(), pkcePair()];
const minted = [];
{
  for (const p of pkces) {
    const t0 = performance.now();
    const m = await mintCode(jar, { challenge: p.challenge });
    m.ms = +(performance.now() - t0).toFixed(1);
    assert(m.iss === DISCOVERY.issuer, 'iss parameter in the redirect', m.iss);
    minted.push({ ...m, verifier: p.verifier });
    ok(`code in ${m.requests} request(s) (${m.hops.join(' -> ')}), ${m.ms} ms`);
  }
  assert(minted[0].requests === 3, 'first mint should take 3 requests', minted[0].requests);
  assert(minted[1].requests === 1 && minted[2].requests === 1, 'later mints should take 1 request');
  summary.mint_requests = minted.map((m) => m.requests);
  summary.mint_hops = minted.map((m) => m.hops);
}

// --- code exchange ----------------------------------------------------------------------------
step = 'code_exchange';
let rt1;
let codeAt;
{
  // a wrong PKCE verifier is refused
  const bad = await token({
    grant_type: 'authorization_code', code: minted[1].code, redirect_uri: REDIRECT_URI, code_verifier: pkcePair().verifier,
  });
  assert(bad.status === 400 && bad.body.error === 'invalid_grant', 'wrong code_verifier must be refused', bad.body);
  ok(`wrong code_verifier refused: ${bad.body.error} (${bad.body.error_description})`);

  const r = await token({
    grant_type: 'authorization_code', code: minted[0].code, redirect_uri: REDIRECT_URI, code_verifier: minted[0].verifier,
  });
  assert(r.status === 200, 'status', r.body);
  const { id_token: idt, access_token: at, refresh_token: rt } = r.body;
  assert(idt && at && rt, 'want id_token, access_token and refresh_token', Object.keys(r.body));
  assert(r.body.expires_in === 3600, 'expires_in', r.body.expires_in);
  const atv = await verifyJwt(at, { typ: 'at+jwt', audience: RESOURCE });
  assert(atv.payload.sub === 'bench-user' && atv.payload.client_id === CLIENT_ID, 'AT sub/client_id', atv.payload);
  assert(atv.payload.scope === SCOPE, 'AT scope', atv.payload.scope);
  const idv = await verifyJwt(idt, { audience: CLIENT_ID });
  // (node-oidc-provider puts no at_hash into ID tokens from the token endpoint)
  assert(idv.payload.sub === 'bench-user' && idv.payload.email === 'bench-user@example.com', 'ID token sub/email', idv.payload);
  assert(idv.payload.exp - idv.payload.iat === 3600, 'ID token lifetime', idv.payload);
  let rtIsJwt = true;
  try { decodeProtectedHeader(rt); } catch { rtIsJwt = false; }
  assert(!rtIsJwt, 'refresh token should be opaque');
  rt1 = rt;
  codeAt = at;
  summary.code_exchange = {
    body_bytes: r.bytes,
    returns: Object.keys(r.body),
    scope: r.body.scope,
    access_token: `JWT at+jwt aud ${atv.payload.aud}`,
    id_token_claims: Object.keys(idv.payload),
    refresh_token_chars: rt.length,
  };
  ok(`id_token + JWT AT (scope "${atv.payload.scope}") + opaque RT (${rt.length} chars), ${r.bytes} B`);

  // the third code works too (several codes of one session can be redeemed)
  const r3 = await token({
    grant_type: 'authorization_code', code: minted[2].code, redirect_uri: REDIRECT_URI, code_verifier: minted[2].verifier,
  });
  assert(r3.status === 200 && r3.body.refresh_token && r3.body.id_token, 'third code', r3.body);
  ok('third code redeemed as well');
}

// --- refresh (twice) --------------------------------------------------------------------------
step = 'refresh';
let rtLatest;
{
  let prev = rt1;
  const seen = new Set([rt1]);
  for (let i = 1; i <= 2; i += 1) {
    const r = await token({ grant_type: 'refresh_token', refresh_token: prev });
    assert(r.status === 200, `refresh ${i} status`, r.body);
    const { access_token: at, refresh_token: rt, id_token: idt } = r.body;
    assert(at && rt, 'want access_token and refresh_token', Object.keys(r.body));
    assert(!seen.has(rt), 'refresh token not rotated');
    seen.add(rt);
    const atv = await verifyJwt(at, { typ: 'at+jwt', audience: RESOURCE });
    assert(atv.payload.sub === 'bench-user', 'AT sub', atv.payload);
    if (idt) await verifyJwt(idt, { audience: CLIENT_ID });
    if (i === 1) summary.refresh = { body_bytes: r.bytes, returns: Object.keys(r.body), access_token: `JWT at+jwt aud ${atv.payload.aud}` };
    ok(`refresh ${i}: rotated, JWT AT${idt ? ' + id_token' : ''}, ${r.bytes} B`);
    prev = rt;
  }
  rtLatest = prev;
}

// --- userinfo ---------------------------------------------------------------------------------
step = 'userinfo';
let uiAt;
{
  // the code-flow JWT access token is refused by /me (it has an audience)
  const j = await getJson(DISCOVERY.userinfo_endpoint, { headers: { authorization: `Bearer ${codeAt}` } });
  assert(j.status === 401, 'JWT access token at userinfo: want 401', { status: j.status, body: j.body });
  ok(`JWT access token refused by userinfo: ${j.status} ${j.headers.get('www-authenticate')}`);

  // the userinfo token: refresh with an explicit scope containing openid -> opaque AT
  const r = await token({ grant_type: 'refresh_token', refresh_token: rtLatest, scope: SCOPE });
  assert(r.status === 200, 'status', r.body);
  uiAt = r.body.access_token;
  let isJwt = true;
  try { decodeProtectedHeader(uiAt); } catch { isJwt = false; }
  assert(!isJwt, 'want an opaque access token for userinfo', uiAt.slice(0, 40));
  assert(r.body.refresh_token && r.body.refresh_token !== rtLatest, 'rotated refresh token');
  rtLatest = r.body.refresh_token;
  ok(`refresh with scope="${SCOPE}" -> opaque AT (${uiAt.length} chars)`);

  const u = await getJson(DISCOVERY.userinfo_endpoint, { headers: { authorization: `Bearer ${uiAt}` } });
  assert(u.status === 200, 'status', u.body);
  const want = {
    sub: 'bench-user', email: 'bench-user@example.com', email_verified: true, name: 'Bench User', given_name: 'Bench', family_name: 'User', preferred_username: 'bench-user',
  };
  for (const [k, v] of Object.entries(want)) assert(u.body[k] === v, `claim ${k}`, u.body);
  summary.userinfo = { token: 'opaque (refresh_token grant with scope=openid profile email)', body_bytes: u.bytes, claims: Object.keys(u.body) };
  ok(`GET /me 200 ${JSON.stringify(u.body)}`);
}

// --- introspection ----------------------------------------------------------------------------
step = 'introspection';
{
  const a = await introspect(uiAt);
  assert(a.status === 200 && a.body.active === true, 'opaque access token', a.body);
  assert(a.body.client_id === CLIENT_ID && a.body.sub === 'bench-user' && a.body.token_type === 'Bearer', 'AT fields', a.body);
  ok(`opaque access token: active ${a.body.active}, scope "${a.body.scope}", ${a.bytes} B`);

  const rr = await introspect(rtLatest);
  assert(rr.status === 200 && rr.body.active === true, 'refresh token', rr.body);
  ok(`refresh token: active ${rr.body.active}, ${rr.bytes} B`);

  const j = await introspect(codeAt);
  assert(j.status === 400 && j.body.error === 'unsupported_token_type', 'JWT access token introspection: want 400 unsupported_token_type', j.body);
  ok(`JWT access token: ${j.status} ${j.body.error}`);

  const n = await introspect('not-a-token');
  assert(n.status === 200 && n.body.active === false, 'unknown token inactive', n.body);
  summary.introspection = {
    access_token_opaque: { active: a.body.active, body_bytes: a.bytes },
    refresh_token: { active: rr.body.active, body_bytes: rr.bytes },
    access_token_jwt: `${j.status} ${j.body.error}`,
  };
}

// --- refresh-token reuse (destructive: revokes the grant) -------------------------------------
step = 'refresh_reuse';
{
  const r = await token({ grant_type: 'refresh_token', refresh_token: rt1 });
  assert(r.status === 400 && r.body.error === 'invalid_grant', 'reused refresh token must be refused', r.body);
  ok(`old refresh token refused: ${r.body.error} (${r.body.error_description})`);
  const after = await introspect(rtLatest);
  assert(after.body.active === false, 'grant should be revoked after reuse', after.body);
  ok('reuse revoked the grant (latest refresh token now inactive)');
  summary.refresh_reuse = `${r.body.error}; grant revoked`;
}

step = 'done';
process.stdout.write(`SUMMARY ${JSON.stringify(summary)}\n`);
process.stdout.write('PASS\n');
