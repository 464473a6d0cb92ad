#!/usr/bin/env node
// Usage: node genkeys.mjs <RS256|ES256|EdDSA> <outfile>
//
// Writes a private JWK Set with exactly one signing key for the given JWS alg:
//   RS256 -> RSA-2048, ES256 -> EC P-256, EdDSA -> OKP Ed25519.
// Each key carries use: 'sig', alg, and kid = its RFC 7638 thumbprint (SHA-256, base64url).
// Kept separate from provider.mjs so key generation is not counted in server start-up time.
import { writeFileSync } from 'node:fs';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

const OPTIONS = {
  RS256: { modulusLength: 2048 },
  ES256: { crv: 'P-256' },
  EdDSA: { crv: 'Ed25519' },
};

const [alg, outfile] = process.argv.slice(2);
if (!alg || !outfile || !OPTIONS[alg]) {
  process.stderr.write('usage: node genkeys.mjs <RS256|ES256|EdDSA> <outfile>\n');
  process.exit(2);
}

const { privateKey } = await generateKeyPair(alg, { ...OPTIONS[alg], extractable: true });
const jwk = await exportJWK(privateKey);
const kid = await calculateJwkThumbprint(jwk, 'sha256');
const key = { ...jwk, use: 'sig', alg, kid };

writeFileSync(outfile, `${JSON.stringify({ keys: [key] }, null, 2)}\n`, { mode: 0o600 });
process.stdout.write(`${JSON.stringify({ alg, kty: key.kty, crv: key.crv, kid, outfile })}\n`);
