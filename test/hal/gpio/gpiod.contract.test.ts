import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { GpiodGpioDriver } from '../../../hal/gpio/gpiod.ts';
import { parseGpiodetect, parseGpiomonLine } from '../../../hal/gpio/gpiod-tools.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { ConfigError, HardwareError } from '../../../lib/errors.ts';
import { until } from '../../../scripts/lab/until.ts';
import { alive } from '../../support/pids.ts';
import { runGpioContract } from './contract.ts';
import { FakeGpiod } from './fake-gpiod/index.ts';
import { recordingLogger } from './recording-logger.ts';

const CHIPS = [
  { name: 'gpiochip0', label: 'pinctrl-bcm2711', lines: 58 },
  { name: 'gpiochip1', label: 'raspberrypi-exp-gpio', lines: 8 },
];

/** Resolves when gpiomon (a live one) holds the line, i.e. edges from now on are seen. */
async function monitored(fake: FakeGpiod, line: number, chip = 'gpiochip0'): Promise<void> {
  await until(() => {
    const holder = fake.holder(chip, line);
    return holder?.tool === 'gpiomon' && alive(holder.pid);
  }, `gpiomon on ${chip}:${line}`);
}

/** Changes an input's level and resolves once the driver has received the edge; fails if it never does. */
async function setInput(
  driver: GpiodGpioDriver,
  fake: FakeGpiod,
  line: number,
  high: boolean,
): Promise<void> {
  await monitored(fake, line);
  if (fake.level('gpiochip0', line) === high) return;
  let received = false;
  const off = driver.onRawEdge((e) => {
    if (e.line === line && e.high === high) received = true;
  });
  try {
    fake.setLevel('gpiochip0', line, high);
    await until(
      () => received,
      `the driver to receive the ${high ? 'rising' : 'falling'} edge on line ${line}`,
    );
  } finally {
    off();
  }
  expect(fake.level('gpiochip0', line)).toBe(high);
}

runGpioContract('gpiod (fake libgpiod tools)', async () => {
  const fake = new FakeGpiod(CHIPS);
  const clock = new FakeClock(0);
  const driver = new GpiodGpioDriver({ clock, tools: fake.tools });
  return {
    driver,
    clock,
    chip: 'pinctrl-bcm2711',
    relayPhysical: (line) => fake.level('gpiochip0', line),
    presetInput: (line, high) => fake.setLevel('gpiochip0', line, high),
    setInput: (line, high) => setInput(driver, fake, line, high),
    dispose: async () => {
      driver.close();
      await driver.idle();
      fake.dispose();
    },
  };
});

describe('GpiodGpioDriver', () => {
  let fake: FakeGpiod;
  let driver: GpiodGpioDriver;
  // A clock per test: "a restart timer is pending" must not be satisfied by another test's timer.
  let clock: FakeClock;
  const logger = recordingLogger();

  function setup(): void {
    fake = new FakeGpiod(CHIPS);
    clock = new FakeClock(0);
    logger.entries.length = 0;
    driver = new GpiodGpioDriver({ clock, logger, tools: fake.tools, restartDelayMs: 500 });
  }
  afterEach(async () => {
    driver.close();
    await driver.idle();
    fake.dispose();
  });

  it('holds a relay line with gpioset --mode=wait, one process per level, on the resolved chip name', async () => {
    setup();
    const relay = driver.openRelay('strike', { chip: 'pinctrl-bcm2711', line: 4, activeLow: true });
    relay.setEnergized(true);
    await until(
      () =>
        fake.calls().includes('gpioset --mode=wait gpiochip0 4=0') &&
        fake.level('gpiochip0', 4) === false &&
        fake.holder('gpiochip0', 4) !== undefined,
      'energized',
    );
    expect(fake.calls().filter((c) => c.startsWith('gpioset'))).toEqual([
      'gpioset --mode=wait gpiochip0 4=1',
      'gpioset --mode=wait gpiochip0 4=0',
    ]);
    expect(logger.warnings()).toEqual([]);
  });

  it('restarts a gpioset that dies, at the current state, and logs it', async () => {
    setup();
    const relay = driver.openRelay('strike', { chip: 'gpiochip0', line: 4, activeLow: false });
    relay.setEnergized(true);
    await until(
      () => fake.level('gpiochip0', 4) && fake.holder('gpiochip0', 4) !== undefined,
      'energized and held',
    );
    const first = fake.holder('gpiochip0', 4)!;
    const timers = clock.pendingTimers();
    process.kill(first.pid, 'SIGKILL');
    await until(() => clock.pendingTimers() > timers, 'restart scheduled');
    expect(logger.warnings().map((w) => w.msg)).toContain('gpioset exited unexpectedly; restarting it');
    fake.setLevel('gpiochip0', 4, false); // what the kernel may do to a released line
    clock.advance(500);
    await until(() => {
      const h = fake.holder('gpiochip0', 4);
      return h !== undefined && h.pid !== first.pid && alive(h.pid) && fake.level('gpiochip0', 4);
    }, 'new gpioset');
    expect(relay.isEnergized()).toBe(true);
  });

  it("logs a tool's stderr and keeps retrying while the line is busy", async () => {
    setup();
    fake.setLevel('gpiochip0', 6, false);
    const { spawn } = await import('node:child_process');
    const other = spawn(fake.tools.gpioset, ['--mode=signal', 'gpiochip0', '6=0'], { stdio: 'ignore' });
    onTestFinished(() => {
      other.kill('SIGKILL');
    });
    await until(() => fake.holder('gpiochip0', 6)?.pid === other.pid, 'line taken');
    const relay = driver.openRelay('strike', { chip: 'gpiochip0', line: 6, activeLow: false });
    await until(() => logger.warnings().some((w) => JSON.stringify(w.obj).includes('busy')), 'stderr logged');
    expect(logger.warnings().map((w) => w.obj)).toContainEqual({
      stderr: 'gpioset: error setting the GPIO line values: Device or resource busy',
    });
    relay.setEnergized(true); // recorded now, driven once the line is free
    const exited = new Promise((r) => other.once('exit', r));
    other.kill('SIGTERM');
    await exited;
    await until(() => clock.pendingTimers() > 0, 'restart scheduled');
    clock.advance(500);
    await until(
      () => fake.level('gpiochip0', 6) && fake.holder('gpiochip0', 6)?.tool === 'gpioset',
      'energized',
    );
  });

  it('restarts gpiomon and re-reads the level it missed meanwhile', async () => {
    setup();
    const door = driver.openInput('door', {
      chip: 'pinctrl-bcm2711',
      line: 17,
      activeLow: false,
      debounceMs: 0,
    });
    await monitored(fake, 17);
    const timers = clock.pendingTimers();
    process.kill(fake.holder('gpiochip0', 17)!.pid, 'SIGKILL');
    await until(() => clock.pendingTimers() > timers, 'restart scheduled');
    fake.setLevel('gpiochip0', 17, true);
    clock.advance(500);
    expect(door.isActive()).toBe(true);
    await monitored(fake, 17);
    expect(fake.calls().filter((c) => c.startsWith('gpiomon'))).toEqual([
      'gpiomon --line-buffered gpiochip0 17',
      'gpiomon --line-buffered gpiochip0 17',
    ]);
  });

  it('reopens a line right after closing it, waiting for the old process to let go', async () => {
    setup();
    const first = driver.openRelay('strike', { chip: 'gpiochip0', line: 4, activeLow: false });
    first.setEnergized(true);
    first.close();
    const second = driver.openRelay('strike', { chip: 'gpiochip0', line: 4, activeLow: false });
    second.setEnergized(true);
    await until(
      () => fake.level('gpiochip0', 4) && fake.holder('gpiochip0', 4) !== undefined,
      'energized by the new relay',
    );
    second.close();
    driver.openInput('rex', { chip: 'gpiochip0', line: 4, activeLow: false, debounceMs: 0 });
    await monitored(fake, 4);
    expect(logger.warnings()).toEqual([]);
  });

  it('logs and retries when gpioset cannot be started at all', async () => {
    setup();
    const broken = new GpiodGpioDriver({
      clock,
      logger,
      tools: { ...fake.tools, gpioset: '/nonexistent/gpioset' },
      restartDelayMs: 500,
    });
    const relay = broken.openRelay('strike', { chip: 'gpiochip0', line: 4, activeLow: false });
    relay.setEnergized(true);
    expect(relay.isEnergized()).toBe(true);
    await until(() => logger.warnings().length > 0, 'failure logged');
    const { err } = logger.warnings()[0]!.obj as { err?: Error };
    expect(err?.message).toMatch(/^\/nonexistent\/gpioset not found/);
    broken.close();
    await broken.idle();
  });

  it('names the valid chips and line range, and fails clearly when a tool is missing', () => {
    setup();
    const open = (chip: string, line: number) => () =>
      driver.openRelay('strike', { chip, line, activeLow: false });
    expect(open('pinctrl-rp1', 4)).toThrow(ConfigError);
    expect(open('pinctrl-rp1', 4)).toThrow(
      'GPIO chip "pinctrl-rp1" not found; valid chips: pinctrl-bcm2711 (gpiochip0, lines 0-57), ' +
        'raspberrypi-exp-gpio (gpiochip1, lines 0-7)',
    );
    expect(open('gpiochip1', 8)).toThrow(/line 8 is out of range .*valid lines are 0-7/);
    const missing = new GpiodGpioDriver({ clock, tools: { gpiodetect: '/nonexistent/gpiodetect' } });
    expect(() => missing.openRelay('strike', { chip: 'gpiochip0', line: 4, activeLow: false })).toThrow(
      HardwareError,
    );
    expect(() => missing.openRelay('strike', { chip: 'gpiochip0', line: 4, activeLow: false })).toThrow(
      /\/nonexistent\/gpiodetect not found/,
    );
  });
});

describe('gpiod tool output parsing', () => {
  it('parses gpiomon events as libgpiod 1.6 prints them', () => {
    expect(parseGpiomonLine('event:  RISING EDGE offset: 17 timestamp: [    1234.000000001]')).toEqual({
      offset: 17,
      rising: true,
    });
    expect(parseGpiomonLine('event: FALLING EDGE offset: 4 timestamp: [1700000000.123456789]')).toEqual({
      offset: 4,
      rising: false,
    });
    expect(parseGpiomonLine('garbage')).toBeUndefined();
  });

  it('parses gpiodetect', () => {
    expect(
      parseGpiodetect('gpiochip0 [pinctrl-bcm2711] (58 lines)\ngpiochip1 [raspberrypi-exp-gpio] (8 lines)\n'),
    ).toEqual([
      { name: 'gpiochip0', label: 'pinctrl-bcm2711', lines: 58 },
      { name: 'gpiochip1', label: 'raspberrypi-exp-gpio', lines: 8 },
    ]);
  });
});
