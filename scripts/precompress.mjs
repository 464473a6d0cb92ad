// Writes brotli (.br, quality 11) and gzip (.gz, level 9) copies of the SPA's text and wasm files
// beside them, for the server to send to clients that accept them. Uses only Node's zlib.
import { readdirSync, readFileSync, writeFileSync, unlinkSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const dir = process.argv[2];
if (!dir) { console.error('usage: precompress.mjs <dist dir>'); process.exit(2); }
const compressible = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.svg', '.json', '.txt', '.webmanifest', '.ico']);

function walk(d) {
  return readdirSync(d).flatMap((name) => {
    const p = join(d, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const files = walk(dir);
for (const f of files) if (f.endsWith('.br') || f.endsWith('.gz')) unlinkSync(f);
let raw = 0, br = 0;
for (const f of walk(dir)) {
  if (!compressible.has(extname(f))) continue;
  const data = readFileSync(f);
  if (data.length < 512) continue;
  const b = brotliCompressSync(data, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  });
  const g = gzipSync(data, { level: 9 });
  writeFileSync(`${f}.br`, b);
  writeFileSync(`${f}.gz`, g);
  raw += data.length; br += b.length;
}
console.log(`precompressed ${dir}: ${raw} bytes -> ${br} bytes brotli`);
