/**
 * Builds the panel page (panel-ui/) into dist/panel-ui/: one browser bundle plus the page and its styles,
 * a flat folder the panel's local API serves from memory.
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
for (const file of ['index.html', 'style.css'])
  copyFileSync(new URL(`../panel-ui/${file}`, import.meta.url), new URL(file, out));
console.log(`panel page built in ${out.pathname}`);
