/**
 * The PC/SC driver's secure card read, through the real stack (pcscd + vpcd + the virtual DESFire EV2):
 * the driver reads the UID, runs the panel's secure read on the card while it is in the field, and
 * reports the card with the outcome — the genuine card with its credential, a clone of its UID as not
 * authentic, another building's card and a blank without the application. A read that throws is
 * card_error. Lab namespace.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PcscCardReaderDriver } from '../../hal/reader/pcsc.ts';
import type { CardPresented, SecureCardReader } from '../../hal/reader/types.ts';
import { readSecureCredential } from '../../lib/cards/secure-credential.ts';
import { blankDesfireCard, cloneDesfireCard, genuineDesfireCard } from '../../scripts/lab/desfire-cards.ts';
import { type PcscdHandle, startPcscd } from '../../scripts/lab/pcscd.ts';
import { VirtualCard, type VirtualChip } from '../../scripts/lab/virtual-card.ts';
import { BUILDING_A, BUILDING_B, CREDENTIAL, UID } from '../lib/cards/profiles.ts';

const CARD_TIMEOUT = 5000;
let pcscd: PcscdHandle;
let driver: PcscCardReaderDriver;
let readFails = false;
const cards: CardPresented[] = [];
const inserted: VirtualCard[] = [];

/** Building A's read, as the panel wires it for a reader whose doors are in a desfire building. */
const secureRead: SecureCardReader = async (_reader, _uid, channel) => {
  if (readFails) throw new Error('the key store could not be read');
  const result = await readSecureCredential(channel, BUILDING_A);
  return result.ok
    ? { ok: true, credential: result.credential.toUpperCase() }
    : { ok: false, reason: result.reason };
};

async function tap(chip: VirtualChip): Promise<CardPresented> {
  const before = cards.length;
  const card = new VirtualCard({ uid: UID, chip, port: pcscd.port });
  inserted.push(card);
  await card.insert();
  const started = Date.now();
  while (cards.length === before) {
    if (Date.now() - started > CARD_TIMEOUT) throw new Error('no card event');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return cards.at(-1)!;
}

beforeAll(async () => {
  pcscd = await startPcscd();
  driver = new PcscCardReaderDriver({ secureRead });
  driver.on('card', (card) => cards.push(card));
  await driver.start();
});

/** Takes the cards out of the field and gives pcscd (which polls vpcd every 400 ms) time to see it. */
async function removeAll(): Promise<void> {
  for (const card of inserted.splice(0)) await card.remove();
  await new Promise((resolve) => setTimeout(resolve, 900));
}

afterEach(async () => {
  await removeAll();
  readFails = false;
});

afterAll(async () => {
  await driver?.stop();
  await pcscd?.stop();
});

describe('the PC/SC driver with a secure card read', { timeout: 20_000 }, () => {
  it('reports the genuine card with the credential it proved', async () => {
    const card = await tap(genuineDesfireCard(UID, BUILDING_A, CREDENTIAL));
    expect(card.uid).toBe(UID);
    expect(card.secure).toEqual({ ok: true, credential: CREDENTIAL });
  });

  it('reports a clone of the UID as not authentic', async () => {
    const card = await tap(cloneDesfireCard(UID, BUILDING_A, CREDENTIAL));
    expect(card.uid).toBe(UID);
    expect(card.secure).toEqual({ ok: false, reason: 'card_not_authentic' });
  });

  it("reports another building's card and a blank card as having no application", async () => {
    expect((await tap(genuineDesfireCard(UID, BUILDING_B, CREDENTIAL))).secure).toEqual({
      ok: false,
      reason: 'no_application',
    });
    await removeAll();
    expect((await tap(blankDesfireCard(UID))).secure).toEqual({ ok: false, reason: 'no_application' });
  });

  it('a secure read that throws reports card_error, never a credential', async () => {
    readFails = true;
    const card = await tap(genuineDesfireCard(UID, BUILDING_A, CREDENTIAL));
    expect(card.secure).toEqual({ ok: false, reason: 'card_error' });
  });
});
