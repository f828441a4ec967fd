/**
 * The kiosk session: the one program cage runs (bin/portvakt-kiosk starts cage with it; built into
 * dist/kiosk-session.js by `npm run build`). It keeps Chromium on the
 * panel page (browser-runner.ts) and darkens the screen at night (night-blanker.ts, idle-watch.ts).
 * It ends on SIGTERM/SIGINT, and when the compositor goes away (its Wayland socket closes): it then
 * stops the browser and swayidle and lights the screen, so nothing of the kiosk outlives cage.
 *
 * Usage (inside cage, which sets WAYLAND_DISPLAY): node scripts/kiosk/kiosk-session.ts --config FILE
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import { SystemClock } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import { createRootLogger } from '../../lib/log/logger.ts';
import { Backlight } from './backlight.ts';
import { BrowserRunner } from './browser-runner.ts';
import { IdleWatch } from './idle-watch.ts';
import { DEFAULT_KIOSK_CONFIG_PATH, type KioskConfig, loadKioskConfig, minuteOfDay } from './kiosk-config.ts';
import { NightBlanker } from './night-blanker.ts';

const log = createRootLogger().child({ module: 'kiosk' });
const clock = new SystemClock();

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The night blanker with its idle source, or undefined when blanking is off or there is no backlight. */
function startBlanking(config: KioskConfig, runner: BrowserRunner): (() => void) | undefined {
  const { blanking } = config;
  if (!blanking.enabled) return undefined;
  const screen = Backlight.find(blanking.backlight, log);
  if (!screen) {
    log.warn('no backlight in /sys/class/backlight: the screen stays lit at night (docs/kiosk.md)');
    return undefined;
  }
  const blanker = new NightBlanker({
    clock,
    schedule: {
      fromMinute: minuteOfDay(blanking.from),
      toMinute: minuteOfDay(blanking.to),
      timeZone: blanking.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    },
    screen,
    input: runner,
    log,
  });
  const idle = new IdleWatch(blanking.idleSeconds, clock, log);
  idle.events.on('idle', () => blanker.idle());
  idle.events.on('active', () => blanker.active());
  blanker.start();
  idle.start();
  log.info({ backlight: screen.dir, from: blanking.from, to: blanking.to }, 'night blanking on');
  return () => {
    idle.stop();
    blanker.stop();
  };
}

/** Resolves when the compositor is gone: a connection to its Wayland socket, never spoken on, closes. */
function compositorGone(): Promise<void> {
  const runtimeDir = process.env['XDG_RUNTIME_DIR'];
  const display = process.env['WAYLAND_DISPLAY'];
  if (!runtimeDir || !display) return new Promise(() => {});
  return new Promise((resolve) => {
    const socket = connect(display.startsWith('/') ? display : join(runtimeDir, display));
    socket.on('close', () => resolve());
    socket.on('error', () => {});
    socket.on('data', () => {});
  });
}

async function main(): Promise<void> {
  const configPath = argValue('--config') ?? DEFAULT_KIOSK_CONFIG_PATH;
  const config = loadKioskConfig(configPath);
  const runtimeDir = process.env['XDG_RUNTIME_DIR'];
  if (!runtimeDir) throw new Error('XDG_RUNTIME_DIR is not set (cage and the kiosk need a runtime dir)');
  const runner = new BrowserRunner({ config, runtimeDir, clock, log });
  runner.start();
  const stopBlanking = startBlanking(config, runner);

  const reason = await Promise.race([
    new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
    }),
    compositorGone().then(() => 'the compositor ended'),
  ]);
  log.info({ reason }, 'kiosk session ending');
  stopBlanking?.();
  await runner.stop();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    log.error({ err: errorMessage(err) }, 'kiosk session failed');
    process.exit(1);
  },
);
