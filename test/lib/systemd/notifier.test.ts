import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import {
  type NotifySender,
  SystemdNotifier,
  systemdNotifierFromEnv,
  watchdogMsFromEnv,
} from '../../../lib/systemd/notifier.ts';

class RecordingSender implements NotifySender {
  readonly sent: string[][] = [];
  send(assignments: string[]): void {
    this.sent.push(assignments);
  }
  pings(): number {
    return this.sent.filter((m) => m.join() === 'WATCHDOG=1').length;
  }
}

function notifier(watchdogMs: number | undefined) {
  const clock = new FakeClock(0);
  const sender = new RecordingSender();
  const n = new SystemdNotifier({ sender, clock, logger: silentLogger, watchdogMs });
  return { clock, sender, n };
}

describe('SystemdNotifier', () => {
  it('sends READY=1 with a status, then pings every WatchdogSec/3 from the event loop', () => {
    const { clock, sender, n } = notifier(20_000);
    expect(n.pingIntervalMs).toBe(6666);
    clock.advance(30_000);
    expect(sender.sent).toEqual([]); // nothing before ready: a panel that never starts is restarted
    n.ready('ready: panel p1');
    expect(sender.sent[0]).toEqual(['READY=1', 'STATUS=ready: panel p1']);
    clock.advance(6665);
    expect(sender.pings()).toBe(0);
    clock.advance(1);
    expect(sender.pings()).toBe(1);
    clock.advance(6666 * 3);
    expect(sender.pings()).toBe(4);
  });

  it('a second ready (a paired panel restarting in place) does not start a second ping timer', () => {
    const { clock, sender, n } = notifier(3000);
    n.ready();
    n.ready();
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(3000);
    expect(sender.pings()).toBe(3);
  });

  it('STOPPING=1 ends the pings and later calls send nothing', () => {
    const { clock, sender, n } = notifier(3000);
    n.ready();
    clock.advance(1000);
    n.stopping('stopping (SIGTERM): locking doors');
    expect(sender.sent.at(-1)).toEqual(['STOPPING=1', 'STATUS=stopping (SIGTERM): locking doors']);
    const count = sender.sent.length;
    clock.advance(60_000);
    n.status('late');
    n.ready();
    expect(sender.sent.length).toBe(count);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('without a watchdog it sends READY and STATUS and never pings', () => {
    const { clock, sender, n } = notifier(undefined);
    n.ready();
    n.status('a\nmulti-line\r\nstatus');
    clock.advance(600_000);
    expect(sender.sent).toEqual([['READY=1'], ['STATUS=a multi-line status']]);
  });

  it('caps a huge WATCHDOG_USEC at a ping a minute', () => {
    expect(notifier(24 * 3600_000).n.pingIntervalMs).toBe(60_000);
  });
});

describe('systemd environment', () => {
  it('reads WATCHDOG_USEC only for this process and only when it is a number', () => {
    expect(watchdogMsFromEnv({ WATCHDOG_USEC: '20000000' }, 42)).toBe(20_000);
    expect(watchdogMsFromEnv({ WATCHDOG_USEC: '20000000', WATCHDOG_PID: '42' }, 42)).toBe(20_000);
    expect(watchdogMsFromEnv({ WATCHDOG_USEC: '20000000', WATCHDOG_PID: '7' }, 42)).toBeUndefined();
    expect(watchdogMsFromEnv({ WATCHDOG_USEC: '20s' }, 42)).toBeUndefined();
    expect(watchdogMsFromEnv({ WATCHDOG_USEC: '0' }, 42)).toBeUndefined();
    expect(watchdogMsFromEnv({}, 42)).toBeUndefined();
  });

  it('makes no notifier without NOTIFY_SOCKET (simulator, container)', () => {
    const deps = { sender: new RecordingSender(), clock: new FakeClock(0), logger: silentLogger, pid: 1 };
    expect(systemdNotifierFromEnv({ WATCHDOG_USEC: '1000000' }, deps)).toBeUndefined();
    expect(
      systemdNotifierFromEnv({ NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: '3000000' }, deps)?.pingIntervalMs,
    ).toBe(1000);
  });
});
