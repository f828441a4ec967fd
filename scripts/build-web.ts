/**
 * Builds the hub's browser apps, each bundled with rolldown for the browser into one flat folder the hub
 * serves — app.js (with its source map), app.css, index.html: the resident web app
 * (cloud-sync/hub/web/resident, at /app/) and WebAdmin (cloud-sync/hub/web/admin, at /admin/).
 * `node scripts/build-web.ts [--out DIR] [--admin-out DIR]`; defaults dist/web/resident and
 * dist/web/admin, where the hub looks by default.
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'rolldown';

const ROOT = resolve(import.meta.dirname, '..');
const WEB = join(ROOT, 'cloud-sync/hub/web');
export const DEFAULT_OUT = join(ROOT, 'dist/web/resident');
export const DEFAULT_ADMIN_OUT = join(ROOT, 'dist/web/admin');
const STATIC_FILES = ['index.html', 'app.css'];

async function buildApp(appDir: string, outDir: string): Promise<void> {
  // Flat and exact: the hub serves whatever the folder lists, so nothing stale may stay behind.
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await build({
    input: join(appDir, 'main.ts'),
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
  for (const name of STATIC_FILES) await copyFile(join(appDir, name), join(outDir, name));
}

export function buildResidentApp(outDir = DEFAULT_OUT): Promise<void> {
  return buildApp(join(WEB, 'resident'), outDir);
}

export function buildAdminApp(outDir = DEFAULT_ADMIN_OUT): Promise<void> {
  return buildApp(join(WEB, 'admin'), outDir);
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, 'admin-out': { type: 'string' } } });
  const out = resolve(values.out ?? DEFAULT_OUT);
  const adminOut = resolve(values['admin-out'] ?? DEFAULT_ADMIN_OUT);
  await buildResidentApp(out);
  process.stdout.write(`resident web app built into ${out}\n`);
  await buildAdminApp(adminOut);
  process.stdout.write(`WebAdmin built into ${adminOut}\n`);
}
