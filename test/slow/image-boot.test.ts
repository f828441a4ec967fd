/**
 * The SD card image, booted: `npm run build:image` (cached while its inputs are unchanged), a
 * provisioning file on the card's config partition, then qemu-system-aarch64 playing the Pi firmware
 * (scripts/image/qemu-boot.ts). The panel must come up healthy through a forwarded port, having taken and
 * deleted the provisioning file, on a read-only root with its state on PV-DATA; a stalled panel
 * (SIGSTOP) must be aborted by systemd's watchdog and started again. Figures (build, boot-to-ready,
 * watchdog) are printed and written to build/image/boot-figures.txt.
 *
 * Slow suite only (`npm run test:slow`): a first build takes ~10–20 minutes, a boot several minutes
 * under TCG.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BootedMachine, EmulatedPanel, readFat, writeFat } from '../../scripts/image/qemu-boot.ts';
import { until } from '../../scripts/lab/until.ts';
import { tempDir } from '../support/temp-dir.ts';

const OUT = 'build/image';
const FIGURES = join(OUT, 'boot-figures.txt');
const WATCHDOG_SEC = 20;

/** A panel with simulated hardware whose API the forwarded port can reach (the guest's 10.0.2.15). */
const PROVISION = `panel:
  id: image-test
  name: Emulated panel
hardware:
  gpio: sim
  reader: sim
doors:
  - id: door-1
    name: Entrance
    relay: { chip: gpiochip0, line: 17 }
    pulseMs: 5000
    failMode: secure
readers:
  - id: reader-1
    name: sim
    doors: [door-1]
store:
  path: /var/lib/portvakt/panel.db
api:
  host: 0.0.0.0
  port: 8080
`;

function figure(name: string, value: string | number): void {
  const line = `${name}=${value}`;
  process.stdout.write(`image-boot: ${line}\n`);
  appendFileSync(FIGURES, `${line}\n`);
}

let panel: EmulatedPanel;
let machine: BootedMachine;
let card: string;

async function run(command: string): Promise<string> {
  const result = await machine.exec(command, 120_000);
  if (result.code !== 0) throw new Error(`guest: ${command} exited ${result.code}: ${result.output}`);
  return result.output.trim();
}

beforeAll(async () => {
  const started = performance.now();
  execFileSync('scripts/image/build.sh', {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, PORTVAKT_IMAGE_COMPRESS: process.env.PORTVAKT_IMAGE_COMPRESS ?? '0' },
  });
  const info = readFileSync(join(OUT, 'build-info.txt'), 'utf8');
  appendFileSync(FIGURES, `# ${new Date().toISOString()}\n${info}`);
  figure('build_or_cache_check_s', ((performance.now() - started) / 1000).toFixed(0));

  const work = tempDir('portvakt-image-boot-');
  card = join(work, 'card.img');
  // A copy (sparse): the boot writes to the card, the build output stays as built.
  execFileSync('cp', ['--sparse=always', join(OUT, 'portvakt-arm64.img'), card]);
  writeFat(card, 1, 'portvakt/panel.yaml', PROVISION);
  panel = new EmulatedPanel({ image: card, workDir: work, forward: [8080] });
  machine = await panel.start();
});

afterAll(async () => {
  await panel?.stop();
});

describe('the panel image under emulation', () => {
  it('boots to a healthy panel through the forwarded port', async () => {
    const ms = await machine.waitForHealth(15 * 60_000).catch((err: unknown) => {
      throw new Error(`${String(err)}\n--- console (tail) ---\n${machine.console().slice(-6000)}`);
    });
    figure('boot_to_ready_s', (ms / 1000).toFixed(1));
    expect(machine.selection).toEqual({ partition: 2, tryboot: false });
  });

  it('took the provisioning file: installed 0600 for portvakt on PV-DATA, deleted from the card', async () => {
    await machine.waitForLab(5 * 60_000);
    expect(await run('stat -c "%a %U" /var/lib/portvakt/panel.yaml')).toBe('600 portvakt');
    expect(await run('test -e /boot/config/portvakt/panel.yaml; echo $?')).toBe('1');
    expect(await run('journalctl -b -u portvakt-firstboot.service -o cat')).toContain(
      'installed the provisioning file',
    );
    expect(await run('grep -c "id: image-test" /var/lib/portvakt/panel.yaml')).toBe('1');
  });

  it('runs on a read-only root with its state on PV-DATA', async () => {
    expect((await run('findmnt -no OPTIONS /')).split(',')).toContain('ro');
    expect(await run('findmnt -no SOURCE / | xargs lsblk -no PARTLABEL')).toBe('PV-ROOT-A');
    expect(await run('findmnt -no SOURCE /var/lib/portvakt | xargs lsblk -no PARTLABEL')).toBe('PV-DATA');
    expect(await run('touch /etc/probe 2>&1; echo $?')).toMatch(/Read-only file system[\s\S]*1$/);
    expect(await run('ls /var/lib/portvakt')).toContain('panel.db');
    // systemd made a transient machine-id on the read-only root
    expect(await run('cat /etc/machine-id')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('a stalled panel (SIGSTOP) is aborted by the watchdog and started again, and is healthy again', async () => {
    const mainPid = async () => Number(await run('systemctl show -p MainPID --value portvakt-panel.service'));
    const before = await mainPid();
    expect(before).toBeGreaterThan(0);
    const stoppedAt = Number(await run(`date +%s.%N; kill -STOP ${before}`));
    const after = await until(
      async () => {
        const pid = await mainPid();
        return pid !== before && pid > 0 ? pid : 0;
      },
      'a new panel process after the watchdog',
      5 * 60_000,
      2000,
    );
    expect(after).not.toBe(before);
    const journal = await run('journalctl -b -u portvakt-panel.service -o short-unix --no-pager');
    const timeout = /^(\d+\.\d+) .*Watchdog timeout/m.exec(journal);
    expect(timeout, journal.slice(-3000)).not.toBeNull();
    const killedAfter = Number(timeout![1]) - stoppedAt;
    figure('watchdog_kill_after_stop_s', killedAfter.toFixed(1));
    // The guest's own clock: WatchdogSec, plus the up to WatchdogSec/3 since the last ping was due.
    expect(killedAfter).toBeLessThanOrEqual(WATCHDOG_SEC + 5);
    expect(journal).toMatch(
      /Killing process \d+ \(node\) with signal SIGABRT|Main process exited, code=(dumped|killed)/,
    );
    const healthyAgain = performance.now();
    await machine.waitForHealth(10 * 60_000);
    figure('watchdog_restart_to_healthy_s', ((performance.now() - healthyAgain) / 1000).toFixed(1));
    expect(await run('systemctl is-active portvakt-panel.service')).toBe('active');
  });

  it('the card keeps no copy of the provisioning file after shutdown', async () => {
    await panel.stop();
    expect(readFat(card, 1, 'portvakt/panel.yaml')).toBeUndefined();
    expect(readFat(card, 1, 'autoboot.txt')).toContain('boot_partition=2');
  });
});
