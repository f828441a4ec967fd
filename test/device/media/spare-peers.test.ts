import { setImmediate as settle } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type OfferingPeer, SparePeers } from '../../../device/media/spare-peers.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';

class FakePeer implements OfferingPeer {
  static made = 0;
  readonly n = ++FakePeer.made;
  closed = false;
  readonly failOffer: boolean;
  constructor(failOffer = false) {
    this.failOffer = failOffer;
  }
  async createOffer(): Promise<string> {
    if (this.failOffer) throw new Error('no interfaces');
    return `offer-${this.n}`;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function pool(size: number, options: { failEvery?: boolean } = {}) {
  const clock = new FakeClock();
  const made: FakePeer[] = [];
  const errors: unknown[] = [];
  const spares = new SparePeers<FakePeer>({
    size,
    maxAgeMs: 60_000,
    refillDelayMs: 2000,
    clock,
    make: () => {
      const peer = new FakePeer(options.failEvery);
      made.push(peer);
      return peer;
    },
    onError: (err) => errors.push(err),
  });
  return { clock, made, errors, spares };
}

/** Fires due timers and lets the pool's offer promises settle. */
async function run(clock: FakeClock, ms: number): Promise<void> {
  clock.advance(ms);
  for (let i = 0; i < 10; i++) await settle();
}

describe('SparePeers', () => {
  it('keeps `size` offers ready, hands out the oldest, and refills after the delay', async () => {
    const { clock, made, spares } = pool(2);
    expect(spares.take()).toBeUndefined();
    spares.start();
    await run(clock, 0);
    expect(spares.size).toBe(2);
    const first = spares.take();
    expect(first?.sdp).toBe('offer-1');
    expect(first?.peer).toBe(made[0]);
    expect(spares.size).toBe(1);
    await run(clock, 1999);
    expect(spares.size).toBe(1);
    await run(clock, 1);
    expect(spares.size).toBe(2);
    expect(spares.take()?.sdp).toBe('offer-2');
    await spares.close();
  });

  it('replaces spares once they are older than maxAgeMs (their host addresses may be stale)', async () => {
    const { clock, made, spares } = pool(1);
    spares.start();
    await run(clock, 0);
    const old = made[0]!;
    await run(clock, 60_000);
    expect(old.closed).toBe(true);
    expect(spares.size).toBe(1);
    expect(spares.take()?.peer).toBe(made[1]);
    await spares.close();
  });

  it('reports a peer that cannot make its offer, closes it, and tries again at the next refill', async () => {
    const { clock, made, errors, spares } = pool(2, { failEvery: true });
    spares.start();
    await run(clock, 0);
    expect(spares.size).toBe(0);
    expect(errors).toHaveLength(1);
    expect(made.every((p) => p.closed)).toBe(true);
    expect(spares.take()).toBeUndefined();
    await run(clock, 2000);
    expect(errors).toHaveLength(2);
    await spares.close();
  });

  it('closes its spares when closed and makes no more', async () => {
    const { clock, made, spares } = pool(3);
    spares.start();
    await run(clock, 0);
    await spares.close();
    expect(made.map((p) => p.closed)).toEqual([true, true, true]);
    spares.take();
    await run(clock, 10_000);
    expect(made).toHaveLength(3);
  });

  it('size 0 never makes a peer', async () => {
    const { clock, made, spares } = pool(0);
    spares.start();
    await run(clock, 10_000);
    expect(spares.take()).toBeUndefined();
    expect(made).toHaveLength(0);
  });
});
