/**
 * The panel's pairing client on a fake clock, against a fake hub (the HubPairingPort, which the real hub
 * answers in test/e2e/pairing/): when it asks and polls, how it backs off, when it replaces its code,
 * what the screen shows meanwhile, and that the kit is opened only with the panel's own key.
 */
import { describe, expect, it } from 'vitest';
import {
  kitContext,
  type PairingPollReply,
  type PairingRequestBody,
  type PairingRequestReply,
  type PanelKit,
} from '../../../cloud-sync/protocol/pairing.ts';
import type { HubPairingPort } from '../../../device/pairing/hub-client.ts';
import { PairingClient } from '../../../device/pairing/pairing-client.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { newX25519KeyPair, sealTo } from '../../../lib/crypto/sealed-box.ts';
import { silentLogger } from '../../../lib/log/logger.ts';

const KIT: PanelKit = {
  panel: { id: 'entrance-a', name: 'Entrance A', timeZone: 'Europe/Oslo' },
  sync: {
    brokerUrl: 'mqtts://broker.example:8883',
    username: 'entrance-a',
    password: 'a-broker-password-0123456789',
    hubPublicKey: 'A'.repeat(43),
  },
  installerToken: 'an-installer-token-0123456789',
  installerPinHash: 'scrypt$not-checked-here',
  doors: [{ id: 'front', name: 'Front door', wired: 'relay-1' }],
};

/** A hub that answers as told, and records when it was asked what. */
class FakeHub implements HubPairingPort {
  readonly calls: { at: number; what: string }[] = [];
  down = false;
  claimed: 'no' | 'yes' | 'wrong-key' = 'no';
  gone = false;
  #n = 0;
  #publicKey = '';
  readonly clock: FakeClock;
  constructor(clock: FakeClock) {
    this.clock = clock;
  }

  async request(body: PairingRequestBody): Promise<PairingRequestReply> {
    this.calls.push({ at: this.clock.now(), what: 'request' });
    if (this.down) throw new Error('connect ECONNREFUSED');
    this.#publicKey = body.publicKey;
    this.gone = false;
    this.#n++;
    return {
      requestId: `req-${this.#n}`,
      code: `ABCD000${this.#n}`,
      pollToken: 't'.repeat(32),
      // The hub's clock is an hour ahead: the panel times the code by its lifetime.
      expiresAt: this.clock.now() + 75 * 60_000,
      ttlMs: 15 * 60_000,
    };
  }

  async poll(requestId: string): Promise<PairingPollReply | 'gone'> {
    this.calls.push({ at: this.clock.now(), what: 'poll' });
    if (this.down) throw new Error('connect ECONNREFUSED');
    if (this.gone) return 'gone';
    if (this.claimed === 'no') return { state: 'waiting', expiresAt: 0 };
    const key = this.claimed === 'yes' ? this.#publicKey : newX25519KeyPair().publicKey;
    return { state: 'claimed', kit: sealTo(key, Buffer.from(JSON.stringify(KIT)), kitContext(requestId)) };
  }
}

/** Lets the fake hub's promises settle after timers fired. */
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function world() {
  const clock = new FakeClock();
  const hub = new FakeHub(clock);
  const kits: PanelKit[] = [];
  const client = new PairingClient({
    hub,
    clock,
    logger: silentLogger,
    wiredDoors: [{ id: 'relay-1', name: 'Door on relay 1' }],
    hubUrl: 'https://hub.example',
    onKit: (kit) => {
      kits.push(kit);
    },
  });
  const start = clock.now();
  /** Seconds since start of each call of `what`. */
  const times = (what: string) => hub.calls.filter((c) => c.what === what).map((c) => (c.at - start) / 1000);
  /** Seconds between the calls (each wait starts when the previous answer arrived). */
  const gaps = (what: string) => {
    const t = hub.calls.map((c) => c.at / 1000);
    return hub.calls.flatMap((c, i) => (c.what === what && i > 0 ? [t[i]! - t[i - 1]!] : []));
  };
  const run = async (ms: number, step = 250) => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(step);
      await settle();
    }
  };
  return { clock, hub, kits, client, times, gaps, run };
}

describe('pairing client', () => {
  it('shows a code at once, then polls at 2 s, slowing by half each time to at most 10 s', async () => {
    const { client, times, gaps, run } = world();
    client.start();
    await run(250);
    expect(client.status()).toMatchObject({
      state: 'waiting',
      code: 'ABCD-0001',
      hub: 'https://hub.example',
    });
    await run(60_000);
    expect(times('request')).toEqual([0]);
    expect(gaps('poll').slice(0, 7)).toEqual([2.25, 3, 4.5, 6.75, 10, 10, 10]);
    client.stop();
  });

  it('replaces its code 30 s before it expires, and at once when the hub no longer knows it', async () => {
    const { client, hub, times, run } = world();
    client.start();
    await run(15 * 60_000, 1000);
    // The answer arrived at 1 s (the test's step): the code lives 15 min from then, replaced 30 s early.
    expect(times('request')).toEqual([0, 871]);
    expect(client.status().code).toBe('ABCD-0002');
    hub.gone = true;
    await run(11_000);
    expect(times('request')).toHaveLength(3);
    expect(client.status().code).toBe('ABCD-0003');
    client.stop();
  });

  it('backs off while the hub is unreachable (2 s doubling to a minute), then shows a code', async () => {
    const { client, hub, gaps, run } = world();
    hub.down = true;
    client.start();
    await run(250);
    expect(client.status()).toMatchObject({ state: 'error', error: 'connect ECONNREFUSED' });
    expect(client.status().code).toBeUndefined();
    await run(200_000, 250);
    expect(gaps('request')).toEqual([2.25, 4, 8, 16, 32, 60, 60]);
    hub.down = false;
    await run(61_000, 1000);
    expect(client.status()).toMatchObject({ state: 'waiting', code: 'ABCD-0001' });
    client.stop();
  });

  it('keeps a valid code on screen, with the error, while polls fail', async () => {
    const { client, hub, run } = world();
    client.start();
    await run(250);
    hub.down = true;
    await run(3000);
    expect(client.status()).toMatchObject({
      state: 'waiting',
      code: 'ABCD-0001',
      error: 'connect ECONNREFUSED',
    });
    hub.down = false;
    await run(5000);
    expect(client.status().error).toBeUndefined();
    client.stop();
  });

  it('opens the kit with its own key, hands it over once and stops polling', async () => {
    const { client, hub, kits, times, run } = world();
    client.start();
    await run(250);
    hub.claimed = 'yes';
    await run(3000);
    expect(kits).toEqual([KIT]);
    expect(client.status()).toEqual({ state: 'paired', hub: 'https://hub.example' });
    const polls = times('poll').length;
    await run(60_000, 1000);
    expect(times('poll')).toHaveLength(polls);
    client.stop();
  });

  it('refuses a kit sealed to another key, and asks for a new code', async () => {
    const { client, hub, kits, times, run } = world();
    client.start();
    await run(250);
    hub.claimed = 'wrong-key';
    await run(2500);
    expect(kits).toEqual([]);
    expect(client.status().error).toMatch(/could not be opened/);
    hub.claimed = 'no';
    await run(3000);
    expect(times('request')).toHaveLength(2);
    expect(client.status()).toMatchObject({ state: 'waiting', code: 'ABCD-0002' });
    client.stop();
  });
});
