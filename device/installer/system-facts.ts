/**
 * Facts about the panel's host for the installer's self-test: whether the clock is synchronized, how
 * much room the data folder has, and which software runs. Each is read when asked (an installer's
 * screen, not a hot path), asynchronously and with a time bound, and says "unknown" rather than fail.
 */
import { execFile } from 'node:child_process';
import { access, readFile, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClockSyncState } from '../../cloud-sync/protocol/installer-api.ts';

const COMMAND_TIMEOUT_MS = 2000;

/** systemd's view of NTP: timedatectl where it answers, timesyncd's flag file otherwise. */
export async function clockSync(): Promise<{ sync: ClockSyncState; source: string | null }> {
  const answer = await run('timedatectl', ['show', '-p', 'NTPSynchronized', '--value']);
  if (answer === 'yes') return { sync: 'synchronized', source: 'timedatectl' };
  if (answer === 'no') return { sync: 'not_synchronized', source: 'timedatectl' };
  // timesyncd creates this file once it has synchronized (and removes it at boot).
  if (await exists('/run/systemd/timesync/synchronized'))
    return { sync: 'synchronized', source: 'timesyncd' };
  return { sync: 'unknown', source: null };
}

export async function diskSpace(
  path: string,
): Promise<{ path: string; freeBytes: number; totalBytes: number }> {
  const s = await statfs(path);
  return { path, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
}

let software: Promise<{ version: string; commit: string | null }> | undefined;

/** package.json's version (the nearest one up from this file, source or bundle) and the git commit. */
export function softwareVersion(): Promise<{ version: string; commit: string | null }> {
  software ??= (async () => {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (let i = 0; i < 4; i++, dir = dirname(dir)) {
      try {
        const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (pkg.name !== 'portvakt') continue;
        const commit = await run('git', ['-C', dir, 'rev-parse', '--short=12', 'HEAD']);
        return {
          version: pkg.version ?? 'unknown',
          commit: commit && /^[0-9a-f]{7,40}$/.test(commit) ? commit : null,
        };
      } catch {
        // not here: one folder up
      }
    }
    return { version: 'unknown', commit: null };
  })();
  return software;
}

function run(command: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: COMMAND_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout) =>
      resolve(err ? undefined : stdout.trim()),
    );
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
