/**
 * The panel's update flow end to end with the sim engine (real `rauc info` against a real keyring, slots
 * in a state file), a real HTTP server and the real audit log: what the hub would see in the outbox, in
 * order, and that nothing is installed whenever a check fails.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpdateInstallCommand } from '../../../cloud-sync/protocol/update-command.ts';
import { openStore } from '../../../device/store/store.ts';
import { SimEngine } from '../../../device/update/sim-engine.ts';
import { Updater } from '../../../device/update/updater.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { sha256File, updateFixtures } from '../../support/rauc-bundles.ts';
import { tempDir } from '../../support/temp-dir.ts';

let fx: ReturnType<typeof updateFixtures>;
let server: Server;
let base: string;
/** Served paths → bundle files. */
const files = new Map<string, string>();

beforeAll(async () => {
  fx = updateFixtures();
  files.set('/good', fx.good);
  files.set('/wrong', fx.wronglySigned);
  files.set('/corrupt', fx.corrupt);
  server = createServer((req, res) => {
    const file = files.get(req.url ?? '');
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

function panel(options: { initialVersion?: string; reserveBytes?: number; dir?: string } = {}) {
  const dir = options.dir ?? tempDir('portvakt-update-');
  const clock = new FakeClock();
  const store = openStore(join(dir, 'panel.db'), { clock, logger: silentLogger, reserveBytes: 0 });
  const reboots: string[] = [];
  const engine = new SimEngine({
    keyring: fx.keys.keyring,
    stateFile: join(dir, 'sim-slots.json'),
    initialVersion: options.initialVersion ?? fx.version,
    onReboot: (kind) => reboots.push(kind),
  });
  const updater = new Updater({
    engine,
    dir: join(dir, 'update'),
    runningVersion: 'unused: the sim knows its slots',
    audit: store.audit,
    clock,
    logger: silentLogger,
    reserveBytes: options.reserveBytes ?? 0,
  });
  const events = () =>
    store.audit
      .after(0, 500)
      .filter((e) => e.type.startsWith('update.'))
      .map((e): Record<string, unknown> => ({ type: e.type, ...e.data }));
  return { dir, store, engine, updater, reboots, events };
}

function command(
  path: string,
  file: string,
  overrides: Partial<UpdateInstallCommand> = {},
): UpdateInstallCommand {
  return {
    type: 'update.install',
    releaseId: 'rel-1',
    version: fx.goodVersion,
    url: `${base}${path}`,
    sha256: sha256File(file),
    sizeBytes: statSync(file).size,
    allowDowngrade: false,
    ...overrides,
  };
}

const release = () => ({ releaseId: 'rel-1', version: fx.goodVersion });

describe('panel updates (sim engine, real rauc info, real HTTP)', () => {
  it('installs a good bundle, reboots into the trial slot and confirms it there', async () => {
    const p = panel();
    expect(p.updater.start(command('/good', fx.good))).toEqual({ ok: true });
    await p.updater.idle();
    const r = release();
    const events = p.events();
    // A local download arrives in a few chunks: some of its steps, in order, from 0 to 100.
    const downloading = events.filter((e) => e['phase'] === 'downloading').map((e) => e['percent']);
    expect(downloading[0]).toBe(0);
    expect(downloading.at(-1)).toBe(100);
    expect(downloading).toEqual([...downloading].sort((a, b) => Number(a) - Number(b)));
    expect(events.filter((e) => e['phase'] !== 'downloading')).toEqual([
      { type: 'update.started', ...r, fromVersion: fx.version },
      { type: 'update.progress', ...r, phase: 'verifying' },
      ...[0, 50, 100].map((percent) => ({ type: 'update.progress', ...r, phase: 'installing', percent })),
      { type: 'update.installed', ...r },
      { type: 'update.progress', ...r, phase: 'rebooting' },
    ]);
    expect(events.findIndex((e) => e['phase'] === 'downloading')).toBe(1);
    expect(p.reboots).toEqual(['trial']);
    expect(p.engine.state()).toMatchObject({ booted: 'B', primary: 'A', versions: { B: fx.goodVersion } });
    expect(existsSync(join(p.dir, 'update/bundle.raucb'))).toBe(false);
    p.store.close();

    // The restart on slot B: healthy, so it is confirmed and becomes the primary.
    const after = panel({ dir: p.dir });
    await after.updater.confirmAfterBoot();
    expect(after.events().at(-1)).toEqual({ type: 'update.confirmed', ...r, slot: 'B' });
    expect(after.engine.state()).toMatchObject({ booted: 'B', primary: 'B' });
    expect(after.engine.runningVersion()).toBe(fx.goodVersion);
    // Reported once: a later start reports nothing more.
    await after.updater.confirmAfterBoot();
    expect(after.events().filter((e) => e.type === 'update.confirmed')).toHaveLength(1);
  });

  it('reports a rollback when the trial slot was marked bad and the old one runs again', async () => {
    const p = panel();
    p.updater.start(command('/good', fx.good));
    await p.updater.idle();
    // The guard on the unhealthy trial boot: mark bad, reboot; the firmware starts the primary.
    await p.engine.markBad();
    await p.engine.reboot();
    p.store.close();
    const after = panel({ dir: p.dir });
    await after.updater.confirmAfterBoot();
    expect(after.events().at(-1)).toEqual({
      type: 'update.rolled_back',
      ...release(),
      runningVersion: fx.version,
      slot: 'A',
    });
    expect(after.engine.state()).toMatchObject({ booted: 'A', primary: 'A', trial: null });
  });

  it.each([
    [
      'a bundle swapped at the URL (sha256 differs)',
      () => command('/good', fx.good, { sha256: 'ab'.repeat(32) }),
      'checksum_mismatch',
    ],
    [
      'more bytes than the command allows',
      () => command('/good', fx.good, { sizeBytes: 10_000 }),
      'too_large',
    ],
    ['a wrongly signed bundle', () => command('/wrong', fx.wronglySigned), 'bundle_refused'],
    ['a corrupt bundle', () => command('/corrupt', fx.corrupt), 'bundle_refused'],
    [
      'a bundle of another version than the command says',
      () => command('/good', fx.good, { version: '0.9.9' }),
      'version_mismatch',
    ],
    ['a URL that answers 404', () => command('/missing', fx.good), 'download_failed'],
  ])('fails on %s, installs nothing', async (_name, cmd, reason) => {
    const p = panel();
    expect(p.updater.start(cmd())).toEqual({ ok: true });
    await p.updater.idle();
    const last = p.events().at(-1);
    expect(last).toMatchObject({ type: 'update.failed', reason });
    expect(p.engine.state()).toMatchObject({ booted: 'A', primary: 'A', trial: null, versions: { B: null } });
    expect(p.reboots).toEqual([]);
    expect(existsSync(join(p.dir, 'update/bundle.raucb'))).toBe(false);
    // Nothing pending: the next update may start.
    expect(p.updater.start(command('/good', fx.good)).ok).toBe(true);
    await p.updater.idle();
  });

  it('refuses a downgrade unless the command allows it', async () => {
    const p = panel({ initialVersion: '9.0.0' });
    expect(p.updater.start(command('/good', fx.good))).toMatchObject({ ok: false, reason: 'downgrade' });
    expect(p.events()).toEqual([]);
    expect(p.updater.start(command('/good', fx.good, { allowDowngrade: true }))).toEqual({ ok: true });
    await p.updater.idle();
    expect(p.events().at(-1)).toMatchObject({ phase: 'rebooting' });
  });

  it('refuses when the data partition lacks room for the bundle and the reserve', () => {
    const p = panel({ reserveBytes: Number.MAX_SAFE_INTEGER / 2 });
    expect(p.updater.start(command('/good', fx.good))).toMatchObject({ ok: false, reason: 'no_space' });
    expect(p.events()).toEqual([]);
  });

  it('runs one update at a time, and none while an installed one waits for its reboot report', async () => {
    const p = panel();
    expect(p.updater.start(command('/good', fx.good)).ok).toBe(true);
    expect(p.updater.start(command('/good', fx.good))).toMatchObject({ ok: false, reason: 'busy' });
    await p.updater.idle();
    expect(p.updater.start(command('/good', fx.good))).toMatchObject({ ok: false, reason: 'busy' });
  });
});
