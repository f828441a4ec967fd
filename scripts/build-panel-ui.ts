/**
 * Builds the panel page (panel-ui/) into dist/panel-ui/: one browser bundle plus the page and its styles
 * (every .html and .css file at the top of panel-ui/), a flat folder the panel's local API serves from
 * memory.
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { build } from 'rolldown';

const out = new URL('../dist/panel-ui/', import.meta.url);
const source = new URL('../panel-ui/', import.meta.url);
mkdirSync(out, { recursive: true });
await build({
  input: new URL('src/main.ts', source).pathname,
  platform: 'browser',
  output: { file: new URL('main.js', out).pathname, format: 'esm', minify: true, sourcemap: true },
  logLevel: 'warn',
});
for (const file of readdirSync(source).filter((f) => /\.(html|css)$/.test(f)))
  copyFileSync(new URL(file, source), new URL(file, out));
console.log(`panel page built in ${out.pathname}`);
