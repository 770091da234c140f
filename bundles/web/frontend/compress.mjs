// After `vite build`: a Brotli (.br, quality 11) and a gzip (.gz, level 9) copy of every text file of dist/ that
// compression makes smaller, made once at build time with Node's own zlib. The hub's WebApp servlet sends the copy the
// browser accepts (Content-Encoding, Vary: Accept-Encoding), so patients on a weak connection download ~a third.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const TEXT = /\.(js|mjs|css|html|svg|json|txt|webmanifest|wasm)$/;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const f = path.join(dir, name);
    if (statSync(f).isDirectory()) yield* files(f);
    else if (TEXT.test(name)) yield f;
  }
}

let plain = 0;
let br = 0;
for (const f of files('dist')) {
  const data = readFileSync(f);
  const b = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
  const g = gzipSync(data, { level: 9 });
  if (b.length < data.length) writeFileSync(`${f}.br`, b);
  if (g.length < data.length) writeFileSync(`${f}.gz`, g);
  plain += data.length;
  br += Math.min(b.length, data.length);
}
console.log(`compressed dist/: ${(plain / 1024).toFixed(1)} KB of text → ${(br / 1024).toFixed(1)} KB with Brotli`);
