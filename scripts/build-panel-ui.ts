/**
 * Builds the panel page (panel-ui/) into dist/panel-ui/: a browser bundle per page (visitor, installer,
 * and pairing.html that an unpaired panel shows) plus the pages and their styles
 * (every .html and .css file at the top of panel-ui/), a flat folder the panel's local API serves from
 * memory.
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { build } from 'rolldown';

const out = new URL('../dist/panel-ui/', import.meta.url);
const source = new URL('../panel-ui/', import.meta.url);
mkdirSync(out, { recursive: true });
// The visitor page, the installer page (installer.html) and the unpaired panel's (pairing.html): a bundle each.
for (const [entry, file] of [
  ['src/main.ts', 'main.js'],
  ['src/installer/main.ts', 'installer.js'],
  ['src/pairing/main.ts', 'pairing.js'],
]) {
  await build({
    input: new URL(entry!, source).pathname,
    platform: 'browser',
    output: { file: new URL(file!, out).pathname, format: 'esm', minify: true, sourcemap: true },
    logLevel: 'warn',
  });
}
for (const file of readdirSync(source).filter((f) => /\.(html|css)$/.test(f)))
  copyFileSync(new URL(file, source), new URL(file, out));
console.log(`panel page built in ${out.pathname}`);
