/**
 * The real panel process with its data folder on a small tmpfs that is then filled to the last block
 * (lab namespace only: the mount is private to it). A full disk must not take the doors: a granted card
 * opens, the exit button releases, /healthz says the storage is degraded, and once space returns the
 * alarm and every event held meanwhile are stored, in order. A panel restarted on the full disk starts,
 * locks and serves its doors.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../scripts/lab/until.ts';
import { inLab } from '../hal/gpio/fake-sysfs.ts';
import { INSTALLER, panelConfig } from '../support/configs.ts';
import { api } from '../support/http.ts';
import { type PanelProcess, startPanel, writeConfig } from '../support/panel-process.ts';
import { seedCards } from '../support/seed.ts';
import { tempDir } from '../support/temp-dir.ts';

const CARD = '04A1B2C3';
const TAP = '/api/v1/sim/readers/entrance-reader/tap';
const EXIT = '/api/v1/sim/inputs/entrance.exitButton';

/** Writes zeros until the file system says ENOSPC: every block of the tmpfs is taken. */
function fill(path: string): void {
  const fd = openSync(path, 'a');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
  try {
    for (;;) writeSync(fd, chunk, 0, 512);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

describe.runIf(inLab)('a panel whose data folder is full', () => {
  let mountDir: string;
  let dir: string;
  let configPath: string;
  let panel: PanelProcess | undefined;
  const filler = () => join(dir, 'filler');

  beforeAll(() => {
    mountDir = tempDir();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0700', 'tmpfs', mountDir]);
    dir = mountDir;
    const configDir = tempDir();
    configPath = writeConfig(configDir, panelConfig({ storePath: join(dir, 'panel.db'), pulseMs: 1500 }));
  });
  afterAll(async () => {
    await panel?.stop();
    execFileSync('umount', ['-l', mountDir]);
  });

  const relay = async () => (await api(panel!.base, 'GET', '/api/v1/sim/relays')).body.relays[0];
  const door = async () => (await api(panel!.base, 'GET', '/api/v1/doors')).body.doors[0];
  const press = async () => {
    await api(panel!.base, 'POST', EXIT, { active: true });
    await api(panel!.base, 'POST', EXIT, { active: false });
  };

  it('keeps opening for cards and the exit button, and writes the alarm and the held events once space returns', async () => {
    panel = await startPanel(['--config', configPath]);
    seedCards(join(dir, 'panel.db'), 'entrance', [CARD]);
    expect((await api(panel.base, 'GET', '/healthz')).status).toBe(200);
    fill(filler());

    const before = (await relay()).energizeCount;
    const tap = await api(panel.base, 'POST', TAP, { uid: CARD });
    expect(tap).toMatchObject({ status: 200, body: { granted: true } });
    expect(await relay()).toMatchObject({ energized: true, energizeCount: before + 1 });
    await until(async () => (await door()).locked, 'the card pulse to end', 5000);

    await press();
    expect(await door()).toMatchObject({ locked: false });
    expect((await relay()).energizeCount).toBe(before + 2);

    const health = await api(panel.base, 'GET', '/healthz');
    expect(health).toMatchObject({
      status: 503,
      body: { status: 'degraded', storage: { state: 'degraded' } },
    });
    expect(health.body.storage.code).toMatch(/^SQLITE_FULL|^SQLITE_IOERR/);
    // Another card's tap is answered with its own decision (no stale listener from the full disk).
    const unknown = await api(panel.base, 'POST', TAP, { uid: '04FFFFFF' });
    expect(unknown).toMatchObject({ status: 200, body: { granted: false, reason: 'unknown_card' } });

    // The reserve was released for the alarm: it is stored while the disk is still full.
    const stored = async () =>
      (
        (await api(panel!.base, 'GET', '/api/v1/events?after=0&limit=1000', undefined, INSTALLER)).body
          .events as { type: string }[]
      ).map((e) => e.type);
    await until(
      async () => (await stored()).includes('storage.degraded'),
      'the alarm on the full disk',
      5000,
    );

    rmSync(filler());
    await until(
      async () => (await api(panel!.base, 'GET', '/healthz')).status === 200,
      'the storage to recover',
      10_000,
    );
    const events = (await api(panel.base, 'GET', '/api/v1/events?after=0&limit=1000', undefined, INSTALLER))
      .body.events as {
      seq: number;
      type: string;
      data: Record<string, unknown>;
    }[];
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1)); // in order, nothing lost
    const types = events.map((e) => e.type);
    const from = types.indexOf('storage.degraded');
    expect(from).toBeGreaterThan(-1);
    expect(types.filter((t) => t === 'storage.degraded')).toHaveLength(1);
    const episode = types.slice(from);
    const order = [
      'access.granted',
      'door.unlocked',
      'door.exit_requested',
      'door.unlocked',
      'access.denied',
    ];
    let at = 0;
    for (const type of episode) if (type === order[at]) at++;
    expect(at).toBe(order.length);
    expect(episode.at(-1)).toBe('storage.recovered');
    expect(events.at(-1)?.data).toMatchObject({ dropped: {} });
  });

  it('restarted on the full disk, starts, locks and serves its doors', async () => {
    await panel?.stop();
    panel = undefined;
    fill(filler());
    panel = await startPanel(['--config', configPath]);
    expect(await door()).toMatchObject({ locked: true });
    expect(await relay()).toMatchObject({ energized: false });
    expect(await api(panel.base, 'GET', '/healthz')).toMatchObject({
      status: 503,
      body: { storage: { state: 'degraded' } },
    });
    const tap = await api(panel.base, 'POST', TAP, { uid: CARD });
    expect(tap).toMatchObject({ status: 200, body: { granted: true } });
    expect(await door()).toMatchObject({ locked: false });
    await until(async () => (await door()).locked, 'the card pulse to end', 5000);
    await press();
    expect(await door()).toMatchObject({ locked: false });

    rmSync(filler());
    await until(
      async () => (await api(panel!.base, 'GET', '/healthz')).status === 200,
      'the storage to recover',
      10_000,
    );
    const types = (
      (await api(panel.base, 'GET', '/api/v1/events?after=0&limit=1000', undefined, INSTALLER)).body
        .events as { type: string }[]
    ).map((e) => e.type);
    const restart = types.lastIndexOf('storage.degraded');
    expect(types.slice(restart)).toEqual(
      expect.arrayContaining([
        'system.started',
        'access.granted',
        'door.exit_requested',
        'storage.recovered',
      ]),
    );
  });
});
