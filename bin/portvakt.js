#!/usr/bin/env node
// Runs the built panel (dist/, `npm run build`) when present — smaller and faster to start — and the
// TypeScript sources otherwise.
//
// First it makes sure the panel's Node runs with the V8 flags below, which can only be set when the
// process starts (V8 sizes its young generation at start; `v8.setFlagsFromString` later has no effect on
// it): if they are missing, it replaces itself (`process.execve`: same process id, so systemd and
// friends see no change) with `node <flags> bin/portvakt.js <same arguments>`. A flag the operator set
// on the command line or in NODE_OPTIONS wins; where execve is unavailable the panel runs without.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * `--max-semi-space-size=1`: a 2 MB young generation. Left alone, V8 grows it to 16–32 MB under a steady
 * allocation rate (1,000 card taps a second) and keeps it, and the old generation's limit grows with
 * it: the panel's resident set rose 12–17 MB over five minutes of taps and swung by 20 MB and more
 * between major collections; with the cap it stays within 1–2 MB and swings by under 1 MB
 * (rss_growth_mb_under_load, `npm run bench -- --only soak`). The live heap is ~20 MB; scavenging
 * 2 MB is quick, and tap_to_relay_p99_ms does not get worse.
 * Measured for issue 15 and left out (panel_total_idle_rss_mb, `npm run bench -- --only process`):
 * `--lite-mode` (−12 MB here, but it turns WebAssembly off, which Node's TypeScript loader needs to run
 * the sources), `--jitless` (−9 MB, same), `--no-turbofan --no-maglev` (−8 MB, but parsing a 10k
 * building's snapshot took 2.3× as long), `--single-threaded` and `--v8-pool-size=1` (≤ 2 MB).
 * The runtime environment (MALLOC_ARENA_MAX) is in deploy/systemd/panel.env; a media process has its
 * own flags (MEDIA_NODE_FLAGS, device/media/media-link.ts); a media thread shares the panel's.
 */
const PANEL_NODE_FLAGS = ['--max-semi-space-size=1'];

const flagName = (flag) => flag.split('=')[0];
const alreadySet = (flag) =>
  [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some(
    (arg) => flagName(arg) === flagName(flag),
  );
const missing = PANEL_NODE_FLAGS.filter((flag) => !alreadySet(flag));
if (missing.length > 0 && typeof process.execve === 'function') {
  const self = fileURLToPath(import.meta.url);
  try {
    process.execve(
      process.execPath,
      [process.execPath, ...missing, ...process.execArgv, self, ...process.argv.slice(2)],
      process.env,
    );
  } catch (err) {
    // Not fatal: the panel runs as well without, only with a larger memory swing under load.
    process.stderr.write(`portvakt: could not restart Node with ${missing.join(' ')} (${err.message})\n`);
  }
}

const built = new URL('../dist/cli.js', import.meta.url);
await import(existsSync(built) ? built.href : new URL('../device/cli.ts', import.meta.url).href);
