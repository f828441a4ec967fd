/**
 * A software update from the hub, end to end, on the SD card image under emulation (docs/updates.md):
 * the card is built with a throw-away release keyring pinned; a hub with its release catalogue and bundle
 * server and a Mosquitto run on the host (the guest reaches them at qemu's 10.0.2.2); the panel, booted
 * from slot A and provisioned through the card's config partition, gets a hub-signed update.install.
 *  1. A good bundle (the same image, a newer release version) is downloaded, verified and installed by
 *     RAUC into slot B; the panel reboots into it once (the harness plays the Pi firmware's tryboot), is
 *     healthy there, marks it good and reports update.confirmed: B is the primary.
 *  2. A bundle whose panel cannot start (its panel.env gives Node a flag it refuses, and the guard's grace
 *     period is shortened on that root only) is installed into A and tried once; the panel never gets
 *     healthy, the guard marks the slot bad and reboots, the firmware starts B again, and the panel there
 *     reports update.rolled_back.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runHubCli } from '../../cloud-sync/hub/cli.ts';
import { type BootedMachine, EmulatedPanel, readFat, writeFat } from '../../scripts/image/qemu-boot.ts';
import { freePort } from '../../scripts/lab/free-port.ts';
import { until } from '../../scripts/lab/until.ts';
import { type Lab, startLab } from '../e2e/sync/harness.ts';
import { adminApi } from '../support/hub.ts';
import { tempDir } from '../support/temp-dir.ts';

const OUT = join(import.meta.dirname, '../../build/image-ab');
const PANEL = 'pa';
const MINUTE = 60_000;

let work: string;
let lab: Lab;
let panel: EmulatedPanel;
let machine: BootedMachine;
let card: string;
const releases: Record<string, string> = {};

function sh(command: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env }, stdio: 'pipe' });
}

/** One build of the card with the test's keyring pinned and a release version of its own. */
function buildImage(buildId: string, keyring: string): string {
  const out = join(OUT, buildId);
  execFileSync('scripts/image/build.sh', {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      PORTVAKT_IMAGE_OUT: out,
      PORTVAKT_RELEASE_KEYRING: keyring,
      PORTVAKT_BUILD_ID: buildId,
      PORTVAKT_IMAGE_COMPRESS: '0',
    },
  });
  return out;
}

/** Replaces (or adds) a file in an ext4 image, without mounting it. */
function putIntoExt4(image: string, path: string, content: string): void {
  const local = join(work, 'put.tmp');
  writeFileSync(local, content);
  const dir = path.slice(0, path.lastIndexOf('/'));
  const script = [`mkdir ${dir}`, `rm ${path}`, `write ${local} ${path}`, `sif ${path} mode 0100644`].join(
    '\n',
  );
  writeFileSync(join(work, 'debugfs.cmds'), script);
  // debugfs reports the mkdir of an existing folder and the rm of a missing file, and goes on.
  sh('debugfs', ['-w', '-f', join(work, 'debugfs.cmds'), image]);
}

async function addRelease(file: string): Promise<string> {
  const out: string[] = [];
  const io = { out: (t: string) => void out.push(t), err: () => {}, env: {}, stdin: async () => '' };
  const code = await runHubCli(
    ['release', 'add', '--file', file, '--keyring', releases['keyring']!, '-d', lab.hubDir],
    io,
  );
  expect(code).toBe(0);
  return (JSON.parse(out.join('')) as { id: string }).id;
}

/** `[all] boot_partition` of autoboot.txt, as the guest reads it. */
async function primaryPartition(): Promise<number> {
  await machine.waitForLab(5 * MINUTE);
  const result = await machine.exec('cat /boot/config/autoboot.txt', 120_000);
  return Number(/\[all\][^[]*boot_partition=(\d)/.exec(result.output)?.[1]);
}

const status = async () =>
  ((await adminApi(lab.hub)('GET', `/api/v1/panels/${PANEL}`)).body as { update?: { state: string } }).update;

async function waitForUpdateState(state: string, timeoutMs: number): Promise<void> {
  await until(
    async () => (await status())?.state === state,
    `the hub's update status of ${PANEL} to become ${state}`,
    timeoutMs,
    3000,
  ).catch(async (err: unknown) => {
    throw new Error(
      `${String(err)} (last: ${JSON.stringify(await status())})\n--- console (tail) ---\n${machine.console().slice(-8000)}`,
    );
  });
}

beforeAll(async () => {
  work = tempDir('portvakt-update-ab-');
  const keys = join(work, 'keys');
  mkdirSync(keys);
  sh('scripts/image/release-key.sh', [keys]);
  releases['keyring'] = join(keys, 'keyring.pem');
  const cert = join(keys, 'release.cert.pem');
  const key = join(keys, 'release.key.pem');

  const v1 = buildImage('ab1', releases['keyring']);
  const v2 = buildImage('ab2', releases['keyring']);
  const v3 = buildImage('ab3', releases['keyring']);
  // v3 cannot start its panel, and gives up on its trial after 90 s instead of 10 minutes (its panel is
  // never healthy, so any grace period ends the same way; a good root keeps the shipped 10 minutes).
  putIntoExt4(join(v3, 'rootfs.ext4'), '/etc/portvakt/panel.env', 'NODE_OPTIONS=--no-such-node-flag\n');
  putIntoExt4(
    join(v3, 'rootfs.ext4'),
    '/etc/systemd/system/portvakt-update-guard.timer.d/test.conf',
    '[Timer]\nOnBootSec=\nOnBootSec=90s\n',
  );
  for (const [name, dir] of [
    ['good', v2],
    ['broken', v3],
  ] as const) {
    releases[name] = join(work, `${name}.raucb`);
    sh('scripts/image/bundle.sh', ['--cert', cert, '--key', key, '--in', dir, '--out', releases[name]!]);
  }

  const bundlePort = await freePort();
  lab = await startLab({
    panelIds: [PANEL],
    releases: {
      keyring: releases['keyring'],
      publicUrl: `http://10.0.2.2:${bundlePort}`,
      host: '127.0.0.1',
      port: bundlePort,
    },
  });
  const provisioned = lab.panels[PANEL]!.config;
  (provisioned['sync'] as Record<string, unknown>)['brokerUrl'] = `mqtt://10.0.2.2:${lab.broker.port}`;
  provisioned['store'] = { path: '/var/lib/portvakt/panel.db' };
  provisioned['api'] = { ...(provisioned['api'] as object), host: '0.0.0.0', port: 8080 };

  card = join(work, 'card.img');
  execFileSync('cp', ['--sparse=always', join(v1, 'portvakt-arm64.img'), card]);
  writeFat(card, 1, 'portvakt/panel.yaml', stringify(provisioned));
  panel = new EmulatedPanel({ image: card, workDir: work, forward: [8080] });
  panel.on('rebooted', (next) => {
    machine = next;
  });
  machine = await panel.start();
});

afterAll(async () => {
  await panel?.stop();
  await lab?.stop();
});

describe('updates on the emulated panel', () => {
  it('boots slot A and reports in to the hub', async () => {
    await machine.waitForHealth(15 * MINUTE);
    expect(machine.selection).toEqual({ partition: 2, tryboot: false });
    await until(
      async () => (await adminApi(lab.hub)('GET', `/api/v1/panels/${PANEL}`)).body.online === true,
      'the panel online at the hub',
      5 * MINUTE,
      2000,
    );
  });

  it('installs a good bundle into B, tries it once, confirms it, and B becomes the primary', async () => {
    const releaseId = await addRelease(releases['good']!);
    const sent = await adminApi(lab.hub)('POST', `/api/v1/panels/${PANEL}/update`, { releaseId });
    expect(sent.status).toBe(202);
    await waitForUpdateState('confirmed', 40 * MINUTE);
    expect(machine.selection).toEqual({ partition: 3, tryboot: true });
    // The guest's view of the config partition (the card file is not consistent while the guest runs).
    expect(await primaryPartition()).toBe(3);
  });

  it('rolls back by itself from a bundle whose panel never gets healthy', async () => {
    const releaseId = await addRelease(releases['broken']!);
    const sent = await adminApi(lab.hub)('POST', `/api/v1/panels/${PANEL}/update`, { releaseId });
    expect(sent.status).toBe(202);
    await waitForUpdateState('rolled_back', 50 * MINUTE);
    // Back on B, the primary, which the failed trial never replaced.
    expect(machine.selection).toEqual({ partition: 3, tryboot: false });
    expect(await primaryPartition()).toBe(3);
  });

  it('leaves the card with B as the primary and no armed trial', async () => {
    await panel.stop();
    expect(readFat(card, 1, 'autoboot.txt')).toMatch(/\[all\][^[]*boot_partition=3/);
    expect(readFat(card, 1, 'tryboot.flag')).toBeUndefined();
  });
});
