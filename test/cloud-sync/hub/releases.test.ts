/**
 * The hub's release catalogue with real `rauc info` (good, unsigned, corrupt, wrongly signed bundles),
 * the signed update.install it sends (verified as a panel verifies it), and the panel's update.* events
 * moving its update status — events produced by the panel's own Updater on the sim engine.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runHubCli } from '../../../cloud-sync/hub/cli.ts';
import { BundleServer } from '../../../cloud-sync/hub/releases/bundle-server.ts';
import { ReleaseCatalogue } from '../../../cloud-sync/hub/releases/catalogue.ts';
import { applyUpdateEvents } from '../../../cloud-sync/hub/releases/update-status.ts';
import { loadOrCreateKeys } from '../../../cloud-sync/hub/signer/keys.ts';
import { UpdateSender } from '../../../cloud-sync/hub/signer/update-sender.ts';
import { openHubStore } from '../../../cloud-sync/hub/store/hub-store.ts';
import { importPublicKey, verifyCommand } from '../../../cloud-sync/protocol/signing.ts';
import { openStore } from '../../../device/store/store.ts';
import { SimEngine } from '../../../device/update/sim-engine.ts';
import { Updater } from '../../../device/update/updater.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { sha256File, updateFixtures } from '../../support/rauc-bundles.ts';
import { tempDir } from '../../support/temp-dir.ts';

let fx: ReturnType<typeof updateFixtures>;
beforeAll(() => {
  fx = updateFixtures();
});

function hub() {
  const dataDir = tempDir('portvakt-hub-releases-');
  const clock = new FakeClock();
  const store = openHubStore(join(dataDir, 'hub.db'), { clock, logger: silentLogger });
  store.entities.create('buildings', { id: 'b1', name: 'Storgatan 12', timeZone: 'Europe/Stockholm' });
  store.entities.create('panels', { id: 'p1', name: 'Entrance', buildingId: 'b1' });
  const catalogue = new ReleaseCatalogue({ store, dataDir, keyring: fx.keys.keyring, clock });
  const published: Array<{ topic: string; payload: unknown }> = [];
  const mqtt = {
    publish: async (topic: string, payload: unknown) => void published.push({ topic, payload }),
  };
  return { dataDir, clock, store, catalogue, mqtt, published };
}

describe('release catalogue', () => {
  it('adds a good bundle once, keeps its bytes, names its version, sha256 and size', async () => {
    const h = hub();
    const release = await h.catalogue.add(fx.good);
    expect(release).toMatchObject({
      id: expect.stringMatching(/^rel-[0-9a-f]{16}$/),
      version: fx.goodVersion,
      compatible: 'portvakt-rpi-arm64',
      sha256: sha256File(fx.good),
      sizeBytes: statSync(fx.good).size,
    });
    expect(sha256File(h.catalogue.path(release.id))).toBe(release.sha256);
    expect(await h.catalogue.add(fx.good)).toEqual(release);
    expect(h.store.releases.list()).toEqual([release]);
  });

  it.each([
    ['unsigned', () => fx.unsigned, /bundle refused: .*Signature size is 0/],
    ['corrupt', () => fx.corrupt, /bundle refused: .*(CMS|signature)/i],
    ['wrongly signed', () => fx.wronglySigned, /bundle refused: signature verification failed/],
  ])('refuses a %s bundle with a clear error and stores nothing', async (_name, file, message) => {
    const h = hub();
    await expect(h.catalogue.add(file())).rejects.toThrow(message);
    expect(h.store.releases.list()).toEqual([]);
  });

  it('refuses a missing file and names it', async () => {
    const h = hub();
    await expect(h.catalogue.add('/nonexistent.raucb')).rejects.toThrow(/no file \/nonexistent.raucb/);
  });

  it('sends a signed update.install a panel verifies, and follows the panel events to confirmed', async () => {
    const h = hub();
    const release = await h.catalogue.add(fx.good);
    const keys = await loadOrCreateKeys(h.dataDir, silentLogger);
    const sender = new UpdateSender({
      store: h.store,
      keys,
      mqtt: h.mqtt,
      clock: h.clock,
      logger: silentLogger,
      bundleBaseUrl: 'https://hub.example/',
    });
    const sent = await sender.start('p1', release.id);
    expect(h.store.releases.panelUpdate('p1')).toMatchObject({ state: 'requested', nonce: sent.nonce });
    const [message] = h.published;
    expect(message?.topic).toMatch(/p1\/commands$/);
    const verified = await verifyCommand([await importPublicKey(keys.publicKeyText)], message?.payload, {
      deviceId: 'p1',
      now: h.clock.now(),
    });
    expect(verified.ok && verified.body.command).toEqual({
      type: 'update.install',
      releaseId: release.id,
      version: release.version,
      url: `https://hub.example/releases/${release.id}.raucb`,
      sha256: release.sha256,
      sizeBytes: release.sizeBytes,
      allowDowngrade: false,
    });

    const ev = (seq: number, type: string, data: Record<string, unknown>) => ({
      id: `e${seq}`,
      seq,
      ts: seq,
      type,
      doorId: null,
      readerId: null,
      data: { releaseId: release.id, version: release.version, ...data },
    });
    applyUpdateEvents(h.store, h.clock, 'p1', [
      ev(1, 'update.started', { fromVersion: '0.1.0' }),
      ev(2, 'update.progress', { phase: 'downloading', percent: 50 }),
    ]);
    expect(h.store.releases.panelUpdate('p1')).toMatchObject({ state: 'downloading', percent: 50 });
    // An event of another release (an older request, resent late) changes nothing.
    applyUpdateEvents(h.store, h.clock, 'p1', [
      {
        ...ev(3, 'update.failed', { reason: 'no_space' }),
        data: { releaseId: 'rel-old', reason: 'no_space' },
      },
    ]);
    expect(h.store.releases.panelUpdate('p1')).toMatchObject({ state: 'downloading' });
    applyUpdateEvents(h.store, h.clock, 'p1', [
      ev(4, 'update.installed', {}),
      ev(5, 'update.confirmed', { slot: 'B' }),
    ]);
    expect(h.store.releases.panelUpdate('p1')).toMatchObject({ state: 'confirmed', percent: null });
    applyUpdateEvents(h.store, h.clock, 'p1', [
      ev(6, 'update.rolled_back', { runningVersion: '0.1.0', slot: 'A' }),
    ]);
    expect(h.store.releases.panelUpdate('p1')).toMatchObject({
      state: 'rolled_back',
      detail: 'running 0.1.0 on slot A',
    });
  });

  it('refuses to start an update of an unknown release or panel', async () => {
    const h = hub();
    const keys = await loadOrCreateKeys(h.dataDir, silentLogger);
    const sender = new UpdateSender({
      store: h.store,
      keys,
      mqtt: h.mqtt,
      clock: h.clock,
      logger: silentLogger,
      bundleBaseUrl: 'https://hub.example',
    });
    await expect(sender.start('p1', 'rel-0000000000000000')).rejects.toThrow(/no release/);
    await expect(sender.start('nope', 'rel-0000000000000000')).rejects.toThrow();
    expect(h.published).toEqual([]);
  });

  it('`release add` adds a bundle from the command line and refuses a wrongly signed one', async () => {
    const h = hub();
    h.store.close();
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      out: (t: string) => void out.push(t),
      err: (t: string) => void err.push(t),
      env: {},
      stdin: async () => '',
    };
    const args = (file: string) => [
      'release',
      'add',
      '--file',
      file,
      '--keyring',
      fx.keys.keyring,
      '-d',
      h.dataDir,
    ];
    expect(await runHubCli(args(fx.good), io)).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ version: fx.goodVersion, sha256: sha256File(fx.good) });
    expect(await runHubCli(args(fx.wronglySigned), io)).not.toBe(0);
    expect(err.join('')).toMatch(/bundle refused: signature verification failed/);
  });

  it('serves catalogue bundles to a panel that installs one (sim engine), and nothing else', async () => {
    const h = hub();
    const release = await h.catalogue.add(fx.good);
    const server = new BundleServer({
      catalogue: h.catalogue,
      isRelease: (id) => h.store.releases.get(id) !== undefined,
      host: '127.0.0.1',
      port: 0,
      maxConcurrent: 2,
      logger: silentLogger,
    });
    await server.start();
    try {
      const base = `http://127.0.0.1:${server.address().port}`;
      expect((await fetch(`${base}/releases/rel-0000000000000000.raucb`)).status).toBe(404);
      expect((await fetch(`${base}/releases/../hub.db`)).status).toBe(404);
      expect((await fetch(`${base}/releases/${release.id}.raucb`, { method: 'POST' })).status).toBe(405);
      const panelDir = tempDir('portvakt-panel-');
      const panelStore = openStore(join(panelDir, 'panel.db'), {
        clock: h.clock,
        logger: silentLogger,
        reserveBytes: 0,
      });
      const engine = new SimEngine({
        keyring: fx.keys.keyring,
        stateFile: join(panelDir, 'slots.json'),
        initialVersion: fx.version,
      });
      const updater = new Updater({
        engine,
        dir: join(panelDir, 'update'),
        runningVersion: fx.version,
        audit: panelStore.audit,
        clock: h.clock,
        logger: silentLogger,
        reserveBytes: 0,
      });
      const started = updater.start({
        type: 'update.install',
        releaseId: release.id,
        version: release.version,
        url: `${base}/releases/${release.id}.raucb`,
        sha256: release.sha256,
        sizeBytes: release.sizeBytes,
        allowDowngrade: false,
      });
      expect(started).toEqual({ ok: true });
      await updater.idle();
      expect(engine.state()).toMatchObject({ booted: 'B', versions: { B: release.version } });
      // The panel's events, as the event consumer hands them over, move the hub's status.
      h.store.releases.setPanelUpdate('p1', {
        releaseId: release.id,
        version: release.version,
        state: 'requested',
        percent: null,
        reason: null,
        detail: null,
        nonce: null,
        updatedAt: 0,
      });
      applyUpdateEvents(h.store, h.clock, 'p1', panelStore.audit.after(0, 500));
      expect(h.store.releases.panelUpdate('p1')).toMatchObject({ state: 'rebooting' });
      panelStore.close();
    } finally {
      await server.stop();
    }
  });
});
