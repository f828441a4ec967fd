import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { GstProcess, type GstProcessOptions } from '../../../hal/camera/gst-process.ts';
import type { MediaProcessEvents } from '../../../hal/camera/types.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { alive, gone, spawnParentOfChild } from '../../support/pids.ts';

const LIVE = ['-q', 'audiotestsrc', 'is-live=true', '!', 'fakesink'];
// Builds fine, then fails at once when it runs (no such file): a pipeline that can never stay up.
const FAILS_AT_RUN = ['-q', 'filesrc', 'location=/nonexistent/portvakt', '!', 'fakesink'];

const started: GstProcess[] = [];
function supervised(args: string[], extra: Partial<GstProcessOptions> = {}) {
  const clock = new FakeClock();
  const gst = new GstProcess({
    name: 'test',
    args,
    clock,
    logger: silentLogger,
    restart: { initialDelayMs: 100, maxDelayMs: 1000, fastRunMs: 5000, maxFastFailures: 3 },
    ...extra,
  });
  started.push(gst);
  return { clock, gst };
}

function next<K extends keyof MediaProcessEvents>(gst: GstProcess, event: K): Promise<MediaProcessEvents[K]> {
  return new Promise((resolve) => gst.events.once(event, resolve));
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((g) => g.stop()));
});

describe('GstProcess supervision', () => {
  it('restarts a SIGKILLed gst-launch after the backoff on the injected clock', async () => {
    const { clock, gst } = supervised(LIVE);
    const first = await gst.start();
    expect(alive(first)).toBe(true);
    const exited = next(gst, 'exit');
    process.kill(first, 'SIGKILL');
    expect(await exited).toMatchObject({ signal: 'SIGKILL' });
    expect(gst.pid).toBeUndefined();
    // Nothing restarts until the clock says so.
    clock.advance(99);
    await sleep(50);
    expect(gst.pid).toBeUndefined();
    const restarted = next(gst, 'restarted');
    clock.advance(1);
    const { pid, restarts } = await restarted;
    expect(restarts).toBe(1);
    expect(pid).not.toBe(first);
    expect(alive(pid)).toBe(true);
    await gst.stop();
    expect(alive(pid)).toBe(false);
    expect(gst.pid).toBeUndefined();
  });

  it('gives up with a reason after repeated fast failures, backing off in between', async () => {
    const { clock, gst } = supervised(FAILS_AT_RUN);
    const failed = next(gst, 'failed');
    let exits = 0;
    gst.events.on('exit', () => exits++);
    await gst.start();
    for (const delay of [100, 200]) {
      await next(gst, 'exit').catch(() => undefined);
      expect(clock.pendingTimers()).toBe(1);
      clock.advance(delay - 1);
      expect(clock.pendingTimers()).toBe(1);
      clock.advance(1);
    }
    const { reason } = await failed;
    expect(exits).toBe(3);
    expect(reason).toBe(
      'test pipeline failed 3 times in a row; last: filesrc0: Resource not found. (No such file "/nonexistent/portvakt")',
    );
    expect(clock.pendingTimers()).toBe(0);
    expect(gst.pid).toBeUndefined();
  });

  it('a pipeline GStreamer cannot build fails at once, without restarts', async () => {
    const { clock, gst } = supervised(['-q', 'audiotestsrc', '!', 'no-such-element', '!', 'fakesink']);
    const failed = next(gst, 'failed');
    await gst.start();
    expect((await failed).reason).toMatch(
      /GStreamer cannot build the pipeline: no element "no-such-element"/,
    );
    expect(clock.pendingTimers()).toBe(0);
  });

  it('a missing gst-launch binary is reported, not retried forever', async () => {
    const { gst } = supervised(LIVE, { gstLaunch: '/nonexistent/gst-launch-1.0' });
    const failed = next(gst, 'failed');
    const outcome = await gst.start().then(
      () => failed.then((f) => f.reason),
      (err: Error) => err.message,
    );
    expect(outcome).toMatch(/gst-launch-1.0/);
  });

  it('stop() kills by PID and waits; a stopped process is not restarted', async () => {
    const { clock, gst } = supervised(LIVE);
    const pid = await gst.start();
    await gst.stop();
    expect(alive(pid)).toBe(false);
    clock.advance(10_000);
    expect(gst.pid).toBeUndefined();
  });

  it('no pipeline outlives its parent, even a parent killed with SIGKILL', async () => {
    const {
      parent,
      child: pid,
      exited,
    } = await spawnParentOfChild(new URL('./gst-parent.ts', import.meta.url), 'pid');
    expect(alive(pid)).toBe(true);
    parent.kill('SIGKILL');
    await exited;
    expect(await gone(pid)).toBe(true);
  });
});
