/**
 * The PC/SC driver against the real stack: pcscd + vpcd + scripts/lab/virtual-card.ts, inside the lab
 * namespace. Card events get 2 s (pcscd polls vpcd every 400 ms); nothing here asserts on speed.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PcscCardReaderDriver } from '../../hal/reader/pcsc.ts';
import { type NfcReader, openNfcPcsc } from '../../hal/reader/pcsc-lib.ts';
import type { CardReaderEvents } from '../../hal/reader/types.ts';
import { HardwareError, ValidationError } from '../../lib/errors.ts';
import { type PcscdHandle, startPcscd } from '../../scripts/lab/pcscd.ts';
import { holdsWithin } from '../../scripts/lab/until.ts';
import {
  MIFARE_CLASSIC_1K_ATR,
  VirtualCard,
  type VirtualCardOptions,
} from '../../scripts/lab/virtual-card.ts';

const CARD_TIMEOUT = 2000;
type Recorded = {
  [K in keyof CardReaderEvents]: { event: K; payload: CardReaderEvents[K] };
}[keyof CardReaderEvents];

let pcscd: PcscdHandle;
let driver: PcscCardReaderDriver;
const events: Recorded[] = [];
const waiters = new Set<() => void>();
const cards: VirtualCard[] = [];

/** Resolves with the first event of that kind recorded from `from` on (an index into `events`). */
function eventAfter<K extends keyof CardReaderEvents>(
  event: K,
  from: number,
  timeoutMs = CARD_TIMEOUT,
  match: (payload: CardReaderEvents[K]) => boolean = () => true,
): Promise<CardReaderEvents[K]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const hit = events
        .slice(from)
        .find((e) => e.event === event && match(e.payload as CardReaderEvents[K]));
      if (!hit) return false;
      cleanup();
      resolve(hit.payload as CardReaderEvents[K]);
      return true;
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no "${event}" within ${timeoutMs} ms; saw ${JSON.stringify(events.slice(from))}`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      waiters.delete(check);
    };
    if (!check()) waiters.add(check);
  });
}

function card(options: Omit<VirtualCardOptions, 'port'>): VirtualCard {
  const c = new VirtualCard({ ...options, port: pcscd.port });
  cards.push(c);
  return c;
}

beforeAll(async () => {
  pcscd = await startPcscd();
  driver = new PcscCardReaderDriver();
  for (const event of ['card', 'card.removed', 'reader.attached', 'reader.detached', 'error'] as const) {
    driver.on(event, (payload) => {
      events.push({ event, payload } as Recorded);
      for (const waiter of [...waiters]) waiter();
    });
  }
  const from = events.length;
  await driver.start();
  await eventAfter('reader.attached', from);
  expect(driver.attachedReaders()).toContain(pcscd.readerName);
});

afterEach(async () => {
  await Promise.all(cards.splice(0).map((c) => c.remove()));
  // A reported card's removal arrives up to a poll later; it must not land in the next test's events.
  const lastCard = events.findLastIndex((e) => e.event === 'card');
  const lastRemoval = events.findLastIndex((e) => e.event === 'card.removed');
  if (lastCard > lastRemoval) await eventAfter('card.removed', lastCard);
});

afterAll(async () => {
  await driver?.stop();
  await pcscd?.stop();
});

describe('PcscCardReaderDriver with pcscd + vpcd', () => {
  it.each([
    ['4-byte', '04a2b3c4', '04A2B3C4'],
    ['7-byte', '04:A2:B3:C4:D5:E6:F7', '04A2B3C4D5E6F7'],
  ])('reports a %s UID card with reader name and ATR, then its removal', async (_, uid, expected) => {
    const c = card({ uid });
    let from = events.length;
    await c.insert();
    const presented = await eventAfter('card', from);
    expect(presented).toMatchObject({ uid: expected, atr: MIFARE_CLASSIC_1K_ATR, reader: pcscd.readerName });
    expect(presented.at).toBeTypeOf('number');
    expect(c.apdus).toContain('FFCA000000');
    from = events.length;
    await c.remove();
    expect(await eventAfter('card.removed', from)).toEqual({ reader: pcscd.readerName });
  });

  it.each([
    [
      'a GET DATA failure status',
      (apdu: Buffer) => (apdu[1] === 0xca ? Buffer.from('6A81', 'hex') : undefined),
      HardwareError,
      /6A81/,
    ],
    [
      'a 3-byte UID',
      (apdu: Buffer) => (apdu[1] === 0xca ? Buffer.from('0102039000', 'hex') : undefined),
      ValidationError,
      /3 bytes/,
    ],
    [
      'an all-zero UID',
      (apdu: Buffer) => (apdu[1] === 0xca ? Buffer.from('000000009000', 'hex') : undefined),
      ValidationError,
      /all zeros/,
    ],
    [
      'a bare status word',
      (apdu: Buffer) => (apdu[1] === 0xca ? Buffer.from('90', 'hex') : undefined),
      HardwareError,
      /1 bytes/,
    ],
  ])('turns %s into an error event, never a card', async (_, respond, type, message) => {
    const bad = card({ uid: '04A2B3C4', respond });
    const from = events.length;
    await bad.insert();
    const { reader, error } = await eventAfter('error', from);
    expect(reader).toBe(pcscd.readerName);
    expect(error).toBeInstanceOf(type);
    expect(error.message).toMatch(message);
    await bad.remove();
    // The driver keeps working; the bad card produced neither card nor card.removed.
    const good = card({ uid: '04112233' });
    await good.insert();
    expect((await eventAfter('card', from)).uid).toBe('04112233');
    expect(events.slice(from).map((e) => e.event)).toEqual(['error', 'card']);
  });

  it('turns a garbage ATR into an error event without reading the UID', async () => {
    const bad = card({ uid: '04A2B3C4', atr: '3B8F8001804F0CA0' });
    const from = events.length;
    await bad.insert();
    const { error } = await eventAfter('error', from);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/ATR is malformed/);
    expect(bad.apdus).not.toContain('FFCA000000');
    expect(events.slice(from).some((e) => e.event === 'card')).toBe(false);
  });

  it('stops cleanly: a process that starts and stops the driver exits by itself', {
    timeout: 60_000,
  }, async () => {
    const driverUrl = new URL('../../hal/reader/pcsc.ts', import.meta.url).href;
    const script = `
      import { PcscCardReaderDriver } from ${JSON.stringify(driverUrl)};
      const d = new PcscCardReaderDriver();
      const attached = new Promise((r) => d.on('reader.attached', r));
      console.log('starting');
      await d.start();
      console.log('started');
      await attached;
      console.log('attached');
      await d.stop();
      console.log('stopped');
      // Unref'd, so it never keeps the child alive itself: if something else does, the failure names it.
      setTimeout(() => console.log('still alive 10 s after stop, held by:', process.getActiveResourcesInfo().join(', ')), 10_000).unref();`;
    // Generous: under a loaded CI machine the child's start-up alone can take seconds. What matters is
    // that it exits by itself; the stage it reached is in the failure message if it does not.
    const run = promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 45_000,
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    const { stdout } = await run.catch((err: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`child did not exit cleanly; it printed: ${err.stdout ?? ''} ${err.stderr ?? ''}`);
    });
    expect(stdout).toContain('stopped');
  });

  it('survives pcscd being killed and restarted', async () => {
    const c = card({ uid: '04A2B3C4D5E6F7' });
    let from = events.length;
    await c.insert();
    await eventAfter('card', from);

    from = events.length;
    await pcscd.kill('SIGKILL');
    const onCardsReader = (e: Recorded) => 'reader' in e.payload && e.payload.reader === pcscd.readerName;
    await eventAfter('reader.detached', from, CARD_TIMEOUT, (p) => p.reader === pcscd.readerName);
    const lost = events.slice(from);
    // The card on the reader is reported gone before its reader (vpcd's other, empty slot may go first).
    const removedAt = lost.findIndex((e) => e.event === 'card.removed' && onCardsReader(e));
    expect(removedAt).toBeGreaterThanOrEqual(0);
    expect(removedAt).toBeLessThan(lost.findIndex((e) => e.event === 'reader.detached' && onCardsReader(e)));
    const subsystemError = await eventAfter('error', from);
    expect(subsystemError.error).toBeInstanceOf(HardwareError);
    // vpcd shows two slots ("00 00" and "00 01"); the second may end a moment after the first.
    await holdsWithin(() => driver.attachedReaders().length === 0, CARD_TIMEOUT);
    expect(driver.attachedReaders()).toEqual([]);
    await c.remove();

    from = events.length;
    pcscd = await startPcscd({ port: pcscd.port });
    // Reopening waits for the driver's backoff (at most 5 s), so allow more than a card event.
    expect(await eventAfter('reader.attached', from, 15_000)).toEqual({ reader: pcscd.readerName });

    const again = card({ uid: '04A2B3C4' });
    from = events.length;
    await again.insert();
    expect((await eventAfter('card', from)).uid).toBe('04A2B3C4');
  });
});

describe('the virtual MIFARE Classic 1K through nfc-pcsc', () => {
  it('authenticates with the right key only, and reads and writes blocks', async () => {
    const KEY_A = 0x60;
    const secret = 'A0A1A2A3A4A5';
    const c = card({
      uid: '04A2B3C4',
      keys: { 1: { a: secret } },
      blocks: { 4: '00112233445566778899AABBCCDDEEFF' },
    });
    const context = openNfcPcsc();
    const readers: NfcReader[] = [];
    context.on('error', () => {});
    type MifareReader = NfcReader & {
      authenticate(block: number, keyType: number, key: string): Promise<boolean>;
      read(block: number, length: number, blockSize: number): Promise<Buffer>;
      write(block: number, data: Buffer, blockSize: number): Promise<boolean>;
    };
    const cardSeen = new Promise<MifareReader>((resolve, reject) => {
      context.on('reader', (reader) => {
        readers.push(reader);
        reader.on('error', reject);
        reader.on('card', () => resolve(reader as MifareReader));
      });
      setTimeout(() => reject(new Error('no card within 2 s')), CARD_TIMEOUT + 1000);
    });
    try {
      await c.insert();
      const reader = await cardSeen;
      await expect(reader.read(4, 16, 16)).rejects.toThrow(/0x6982/);
      await expect(reader.authenticate(4, KEY_A, 'FFFFFFFFFFFF')).rejects.toThrow(/0x6300/);
      await expect(reader.authenticate(4, KEY_A, secret)).resolves.toBe(true);
      expect((await reader.read(4, 16, 16)).toString('hex').toUpperCase()).toBe(
        '00112233445566778899AABBCCDDEEFF',
      );
      const data = Buffer.from('CAFEBABE'.repeat(4), 'hex');
      await reader.write(5, data, 16);
      expect(await reader.read(5, 16, 16)).toEqual(data);
      await expect(reader.read(8, 16, 16)).rejects.toThrow(/0x6982/);
      expect(c.apdus.some((a) => a.startsWith('FF8200'))).toBe(true);
      expect(c.apdus.some((a) => a.startsWith('FF86000005'))).toBe(true);
    } finally {
      for (const r of readers) r.close();
      context.close();
    }
  });
});
