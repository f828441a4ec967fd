/**
 * The arm64 container image (Dockerfile.arm, `npm run build:container`), run with podman under qemu
 * emulation on this x86 host: the simulator panel becomes ready and healthy, a card tap on the demo
 * building's entrance reader is granted, its state survives a restart on the volume, `podman stop` ends
 * it cleanly (tini forwards SIGTERM; the panel locks its doors and exits 0, no SIGKILL after a timeout),
 * and the panel runs as uid 10001, not root. Builds the image first when it is missing (minutes).
 * Slow suite: `npm run test:slow`. Needs root (rootful podman).
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CARDS } from '../../device/sim/demo-building.ts';
import { freePort } from '../../scripts/lab/free-port.ts';
import { until } from '../../scripts/lab/until.ts';
import { tempDir } from '../support/temp-dir.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const IMAGE = process.env['PORTVAKT_IMAGE'] ?? 'localhost/portvakt:arm64';
const NAME = `portvakt-container-test-${process.pid}`;
const PANEL_UID = 10001;
// Emulated arm64 runs Node ~20x slower than native: generous bounds, never measurements.
const READY_TIMEOUT_MS = 5 * 60_000;
const env = { ...process.env, CONTAINERS_CONF: join(ROOT, 'scripts/arm64/containers.conf') };
const run = promisify(execFile);

async function podman(...args: string[]): Promise<string> {
  const { stdout } = await run('podman', args, { env, maxBuffer: 16 << 20 });
  return stdout.trim();
}

const dataDir = tempDir('portvakt-container-');
let port = 0;

async function healthz(): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5000) })).status;
  } catch {
    return 0;
  }
}

async function tap(uid: string): Promise<{ granted: boolean }> {
  const reply = await fetch(`http://127.0.0.1:${port}/api/v1/sim/readers/entrance-reader/tap`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ uid }),
  });
  expect(reply.status).toBe(200);
  return (await reply.json()) as { granted: boolean };
}

/** Starts the stopped (or new) container and waits for /healthz; returns the seconds it took. */
async function startAndWaitReady(): Promise<number> {
  const started = Date.now();
  await podman('start', NAME);
  await until(
    async () => (await healthz()) === 200,
    'the panel in the container to answer /healthz 200',
    READY_TIMEOUT_MS,
    500,
  );
  return (Date.now() - started) / 1000;
}

/** Stops the container; returns its exit code and the seconds `podman stop` took. */
async function stop(): Promise<{ exitCode: number; seconds: number }> {
  const started = Date.now();
  await podman('stop', '--time', '30', NAME);
  const seconds = (Date.now() - started) / 1000;
  return { exitCode: Number(await podman('inspect', '--format', '{{.State.ExitCode}}', NAME)), seconds };
}

function auditEvents(): { first: number; count: number } {
  const db = new Database(join(dataDir, 'sim/panel.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT count(*) AS count, min(seq) AS first FROM audit_events').get() as {
      count: number;
      first: number;
    };
    return row;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  execFileSync(join(ROOT, 'scripts/arm64/binfmt.sh'), { env, stdio: 'inherit' });
  const exists = await run('podman', ['image', 'exists', IMAGE], { env }).then(
    () => true,
    () => false,
  );
  if (!exists) execFileSync(join(ROOT, 'scripts/arm64/build-container.sh'), { env, stdio: 'inherit' });
  // The volume is a host directory owned by the panel's fixed uid, as an operator would prepare it.
  chownSync(dataDir, PANEL_UID, PANEL_UID);
  port = await freePort();
  await podman('rm', '--force', '--ignore', NAME);
  await podman(
    'create',
    '--arch',
    'arm64',
    '--name',
    NAME,
    '--publish',
    `127.0.0.1:${port}:8080`,
    '--volume',
    `${dataDir}:/var/lib/portvakt`,
    IMAGE,
  );
});

afterAll(async () => {
  await podman('rm', '--force', '--ignore', '--time', '5', NAME).catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Dockerfile.arm under emulation', () => {
  it('runs the simulator panel: ready, healthy, a resident card granted, as uid 10001', async () => {
    const seconds = await startAndWaitReady();
    console.log(`container_panel_ready_s ${seconds.toFixed(1)} (arm64 under qemu-user)`);
    // The image's own HEALTHCHECK (node fetching /healthz), run now rather than on its 30 s timer.
    await podman('healthcheck', 'run', NAME);
    expect(await podman('inspect', '--format', '{{.State.Health.Status}}', NAME)).toBe('healthy');

    expect(await tap(DEMO_CARDS.resident)).toMatchObject({ granted: true });
    expect(await tap(DEMO_CARDS.unknown)).toMatchObject({ granted: false });

    // Every process in the container (tini, the panel, its media process) runs as portvakt.
    const users = (await podman('top', NAME, 'user', 'comm')).split('\n').slice(1);
    expect(users.length).toBeGreaterThanOrEqual(2);
    for (const line of users) expect(line.trim().split(/\s+/)[0]).toBe('portvakt');
    expect(await podman('exec', NAME, 'id', '-u')).toBe(String(PANEL_UID));

    // The media process starts GStreamer on a call: the image must have every element the pipelines
    // name (hal/camera/pipelines.ts), or a ring would fail only then.
    const elements = [
      'videotestsrc',
      'audiotestsrc',
      'v4l2src',
      'alsasrc',
      'vp8enc',
      'x264enc',
      'opusenc',
      'opusdec',
      'rtpbin',
      'jpegenc',
    ];
    const missing = await podman(
      'exec',
      NAME,
      'sh',
      '-c',
      `for e in ${elements.join(' ')}; do gst-inspect-1.0 $e >/dev/null 2>&1 || echo $e; done`,
    );
    expect(missing).toBe('');
  });

  it('stops cleanly on SIGTERM through tini: doors locked, exit code 0', async () => {
    const { exitCode, seconds } = await stop();
    console.log(`container_stop_s ${seconds.toFixed(1)}`);
    // 137 would be podman's SIGKILL after the timeout: SIGTERM never reached the panel.
    expect(exitCode).toBe(0);
    expect(await podman('logs', NAME)).toContain('stopping: locking doors');
  });

  it('keeps its state on the volume across a restart', async () => {
    const before = auditEvents();
    expect(before.count).toBeGreaterThanOrEqual(2);
    await startAndWaitReady();
    expect(await tap(DEMO_CARDS.resident)).toMatchObject({ granted: true });
    expect((await stop()).exitCode).toBe(0);
    const after = auditEvents();
    expect(after.first).toBe(before.first);
    expect(after.count).toBeGreaterThan(before.count);
  });
});
