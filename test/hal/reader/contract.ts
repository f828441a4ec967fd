/**
 * What every CardReaderDriver must do, whatever the hardware behind it. A driver's test file calls
 * describeReaderContract with a harness that builds a fresh, unstarted driver and a way to bring a card
 * to one of its readers. Runs against sim (sim-contract.test.ts), OSDP on a pty (osdp-contract.test.ts)
 * and PC/SC with pcscd + vpcd (test/pcsc/pcsc-contract.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CardReaderDriver, CardReaderEvents } from '../../../hal/reader/types.ts';
import { holdsWithin, until } from '../../../scripts/lab/until.ts';

export interface ReaderContractHarness {
  /** A fresh driver, not started. */
  driver: CardReaderDriver;
  /** The reader cards are presented to; it must attach after start. */
  reader: string;
  /** Brings a card with this UID (upper-case hex, 4 or 7 bytes) to the reader. */
  present(uid: string): Promise<void>;
  /** Takes it away again (nothing to do where a read is momentary). */
  remove(): Promise<void>;
  /** How long one event may take to arrive (pcscd polls vpcd every 400 ms). */
  eventTimeoutMs: number;
  /** Releases the lab (daemons, ptys) after the driver was stopped. */
  close(): Promise<void>;
}

type Recorded = { [K in keyof CardReaderEvents]: [K, CardReaderEvents[K]] }[keyof CardReaderEvents];
const CONTRACT_EVENTS = ['card', 'card.removed', 'reader.attached', 'reader.detached', 'error'] as const;

export function describeReaderContract(name: string, setup: () => Promise<ReaderContractHarness>): void {
  describe(`CardReaderDriver contract: ${name}`, () => {
    let h: ReaderContractHarness;
    let events: Recorded[];
    const cards = () => events.filter((e) => e[0] === 'card').map((e) => e[1] as CardReaderEvents['card']);
    const wait = (check: () => boolean, what: string) => until(check, what, h.eventTimeoutMs);

    beforeEach(async () => {
      h = await setup();
      events = [];
      for (const event of CONTRACT_EVENTS) h.driver.on(event, (p) => events.push([event, p] as Recorded));
    });
    afterEach(async () => {
      await h.driver.stop();
      await h.close();
    });

    async function startAttached(): Promise<void> {
      await h.driver.start();
      await wait(() => h.driver.attachedReaders().includes(h.reader), `reader "${h.reader}" to attach`);
    }

    it('start resolves, the reader attaches with one event, attachedReaders lists it', async () => {
      await startAttached();
      // Other readers of the same driver (vpcd has two slots) may attach too; this one attaches once.
      const attached = events.filter((e) => e[0] === 'reader.attached' && e[1].reader === h.reader);
      expect(attached).toHaveLength(1);
    });

    it('a card is one card event (normalised UID, reader name), then its removal; the next card likewise', async () => {
      await startAttached();
      await h.present('04A2B3C4');
      await wait(() => cards().length === 1, 'the card');
      expect(cards()[0]).toMatchObject({ uid: '04A2B3C4', reader: h.reader });
      expect(cards()[0]!.at).toBeTypeOf('number');
      await h.remove();
      await wait(() => events.some((e) => e[0] === 'card.removed'), 'the removal');
      expect(events.find((e) => e[0] === 'card.removed')).toEqual(['card.removed', { reader: h.reader }]);
      await h.present('04A2B3C4D5E6F7');
      await wait(() => cards().length === 2, 'the next card');
      expect(cards()[1]).toMatchObject({ uid: '04A2B3C4D5E6F7', reader: h.reader });
      await h.remove();
      expect(events.filter((e) => e[0] === 'error')).toEqual([]);
    });

    it('a listener that throws does not break the driver or the other listeners', async () => {
      h.driver.on('card', () => {
        throw new Error('listener bug');
      });
      await startAttached();
      await h.present('04A2B3C4');
      await wait(() => cards().length === 1, 'the card');
      await h.remove();
      await h.present('04A2B3C4D5E6F7');
      await wait(() => cards().length === 2, 'the next card');
      await h.remove();
    });

    it('stop releases everything and emits nothing afterwards', async () => {
      await startAttached();
      await h.driver.stop();
      expect(h.driver.attachedReaders()).toEqual([]);
      const before = events.length;
      await h.present('04A2B3C4').catch(() => undefined);
      // An absence: give a late event the time one would take, then look.
      await holdsWithin(() => events.length > before, h.eventTimeoutMs / 2);
      expect(events.slice(before)).toEqual([]);
      await h.remove().catch(() => undefined);
    });
  });
}
