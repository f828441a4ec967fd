/**
 * Builds the hub's browser apps: the resident web app (cloud-sync/hub/web/resident) bundled with
 * rolldown for the browser into one flat folder the hub serves at /app/ — app.js (with its source map),
 * app.css, index.html. `node scripts/build-web.ts [--out DIR]`; default dist/web/resident, where the hub
 * looks by default.
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'rolldown';

const ROOT = resolve(import.meta.dirname, '..');
const APP = join(ROOT, 'cloud-sync/hub/web/resident');
export const DEFAULT_OUT = join(ROOT, 'dist/web/resident');
const STATIC_FILES = ['index.html', 'app.css'];

export async function buildResidentApp(outDir = DEFAULT_OUT): Promise<void> {
  // Flat and exact: the hub serves whatever the folder lists, so nothing stale may stay behind.
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await build({
    input: join(APP, 'main.ts'),
    platform: 'browser',
    // The browser build of mqtt.js (its package exports it under the "browser" condition).
    resolve: { conditionNames: ['browser', 'import', 'default'] },
    logLevel: 'warn',
    output: {
      dir: outDir,
      format: 'esm',
      entryFileNames: 'app.js',
      codeSplitting: false,
      minify: true,
      sourcemap: true,
    },
  });
  for (const name of STATIC_FILES) await copyFile(join(APP, name), join(outDir, name));
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const out = resolve(values.out ?? DEFAULT_OUT);
  await buildResidentApp(out);
  process.stdout.write(`resident web app built into ${out}\n`);
}
