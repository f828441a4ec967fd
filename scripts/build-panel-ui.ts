/**
 * Builds the panel page (panel-ui/) into dist/panel-ui/: a browser bundle per page (the visitor page,
 * and pairing.html that an unpaired panel shows) plus the pages and their styles, a flat folder the
 * panel's local API serves from memory.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { build } from 'rolldown';

const out = new URL('../dist/panel-ui/', import.meta.url);
mkdirSync(out, { recursive: true });
await build({
  input: new URL('../panel-ui/src/main.ts', import.meta.url).pathname,
  platform: 'browser',
  output: { file: new URL('main.js', out).pathname, format: 'esm', minify: true, sourcemap: true },
  logLevel: 'warn',
});
await build({
  input: new URL('../panel-ui/src/pairing/main.ts', import.meta.url).pathname,
  platform: 'browser',
  output: { file: new URL('pairing.js', out).pathname, format: 'esm', minify: true, sourcemap: true },
  logLevel: 'warn',
});
for (const file of ['index.html', 'style.css', 'pairing.html', 'pairing.css'])
  copyFileSync(new URL(`../panel-ui/${file}`, import.meta.url), new URL(file, out));
console.log(`panel page built in ${out.pathname}`);
