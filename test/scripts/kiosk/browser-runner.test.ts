/**
 * The browser runner on fake time with a stand-in browser (a shell script, a real process): it waits
 * for the panel to answer before the first start, starts the browser again after it ends with a backoff
 * that doubles up to 30 s, and comes back to 1 s after a browser that ran for a minute.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import {
  BrowserRunner,
  HEALTHY_RUN_MS,
  RESTART_MAX_MS,
  RESTART_MIN_MS,
} from '../../../scripts/kiosk/browser-runner.ts';
import { parseKioskConfig } from '../../../scripts/kiosk/kiosk-config.ts';
import { until } from '../../../scripts/lab/until.ts';

describe('the browser runner', () => {
  let dir: string;
  let server: Server | undefined;
  let runner: BrowserRunner | undefined;
  afterEach(async () => {
    await runner?.stop();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    rmSync(dir, { recursive: true, force: true });
  });

  it('waits for the panel, then restarts the browser with a doubling backoff, reset by a long run', async () => {
    dir = mkdtempSync(join(tmpdir(), 'portvakt-runner-'));
    // The stand-in browser ends at once, or with `long` present runs until `end` appears.
    const browser = join(dir, 'browser.sh');
    writeFileSync(
      browser,
      `#!/bin/sh\n[ -e ${dir}/long ] || exit 1\nwhile [ ! -e ${dir}/end ]; do sleep 0.02; done\n`,
    );
    chmodSync(browser, 0o755);
    // A port nothing listens on yet: the panel is still starting.
    server = createServer((_req, res) => res.end('{"status":"ok"}'));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;

    const clock = new FakeClock();
    const config = parseKioskConfig(
      `{ url: "http://127.0.0.1:${port}/panel/", chromium: { path: "${browser}" } }`,
    );
    runner = new BrowserRunner({ config, runtimeDir: dir, clock, log: silentLogger });
    const started: number[] = [];
    const restartIn: number[] = [];
    runner.events.on('started', ({ pid }) => started.push(pid));
    runner.events.on('ended', ({ restartInMs }) => restartIn.push(restartInMs));
    runner.start();

    // Not before the panel answers.
    await until(() => clock.pendingTimers() > 0, 'the first wait for the panel');
    clock.advance(5000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(started).toEqual([]);
    server = createServer((_req, res) => res.end('{"status":"ok"}'));
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    // Looks before it moves time: the browser may already have ended, its backoff not to be shortened.
    const advanceUntil = async (what: string, check: () => boolean) =>
      until(() => {
        if (check()) return true;
        clock.advance(100);
        return false;
      }, what);
    await advanceUntil('the first start', () => started.length === 1);

    // Each quick end doubles the wait, up to the cap; nothing starts before it is over.
    const expected = [1, 2, 4, 8, 16, 30, 30].map((s) => s * 1000);
    const leftover = join(dir, 'portvakt-kiosk', 'profile', 'left-by-a-visitor');
    for (const [i, delay] of expected.entries()) {
      await until(() => restartIn.length === i + 1, `end ${i + 1}`);
      if (i === 0) writeFileSync(leftover, '');
      expect(restartIn[i]).toBe(delay);
      clock.advance(delay - 1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(started).toHaveLength(i + 1);
      if (i === expected.length - 1) writeFileSync(join(dir, 'long'), '');
      clock.advance(1);
      await until(() => started.length === i + 2, `start ${i + 2}`);
    }
    expect(Math.max(...restartIn)).toBe(RESTART_MAX_MS);

    // A browser that ran for a minute ended for a new reason: the next start is quick again.
    clock.advance(HEALTHY_RUN_MS);
    writeFileSync(join(dir, 'end'), '');
    await until(() => restartIn.length === expected.length + 1, 'the long run to end');
    expect(restartIn.at(-1)).toBe(RESTART_MIN_MS);
    // Each start gets a fresh, empty profile: nothing of one browser's session reaches the next.
    expect(existsSync(join(dir, 'portvakt-kiosk', 'profile'))).toBe(true);
    expect(existsSync(leftover)).toBe(false);
  }, 30_000);
});
