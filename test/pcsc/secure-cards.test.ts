/**
 * Secure cards through the real PC/SC stack: pcscd + vpcd + VirtualCard carrying the virtual DESFire EV2
 * (or Classic) chip, nfc-pcsc, and hal/reader's card channel; lib/cards on top. Inside the lab namespace.
 * Set PORTVAKT_MEASURE_CARDS=1 to print the timing of a secure read against a plain UID read.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPcscCardChannel, type PcscCardChannel } from '../../hal/reader/pcsc-card-channel.ts';
import { type NfcContext, type NfcReader, openNfcPcsc } from '../../hal/reader/pcsc-lib.ts';
import { readUid } from '../../lib/cards/card-channel.ts';
import { personaliseClassic, readClassicCredential } from '../../lib/cards/classic/classic-credential.ts';
import type { ClassicEnrolmentProfile } from '../../lib/cards/classic/classic-keys.ts';
import { personaliseDesfire } from '../../lib/cards/personalise.ts';
import { readSecureCredential } from '../../lib/cards/secure-credential.ts';
import { blankDesfireCard, cloneDesfireCard, genuineDesfireCard } from '../../scripts/lab/desfire-cards.ts';
import { MifareClassic1k } from '../../scripts/lab/mifare-classic.ts';
import { type PcscdHandle, startPcscd } from '../../scripts/lab/pcscd.ts';
import { VirtualCard, type VirtualChip } from '../../scripts/lab/virtual-card.ts';
import { BUILDING_A, BUILDING_B, CREDENTIAL, UID } from '../lib/cards/profiles.ts';

const CARD_TIMEOUT = 3000;
let pcscd: PcscdHandle;
let context: NfcContext;
let reader: NfcReader;
const inserted: VirtualCard[] = [];
let onCard: (() => void) | undefined;
let onCardOff: (() => void) | undefined;

function waitFor(set: (fn: () => void) => void, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${CARD_TIMEOUT} ms`)), CARD_TIMEOUT);
    set(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Puts a chip in the field and resolves with a channel to it once nfc-pcsc has connected. */
async function present(chip: VirtualChip, uid = UID): Promise<PcscCardChannel> {
  const card = new VirtualCard({ uid, chip, port: pcscd.port });
  inserted.push(card);
  const seen = waitFor((fn) => {
    onCard = fn;
  }, 'card');
  await card.insert();
  await seen;
  return openPcscCardChannel(reader);
}

beforeAll(async () => {
  pcscd = await startPcscd();
  context = openNfcPcsc();
  context.on('error', () => {});
  reader = await new Promise<NfcReader>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no reader')), CARD_TIMEOUT);
    context.on('reader', (r) => {
      clearTimeout(timer);
      r.autoProcessing = false;
      r.on('error', () => {});
      r.on('card', () => onCard?.());
      r.on('card.off', () => onCardOff?.());
      resolve(r);
    });
  });
});

/** Takes every inserted card out of the field and waits until nfc-pcsc has seen it go. */
async function removeAll(): Promise<void> {
  for (const card of inserted.splice(0)) {
    if (!card.inserted) continue;
    const off = waitFor((fn) => {
      onCardOff = fn;
    }, 'card removal');
    await card.remove();
    await off;
  }
}

afterEach(removeAll);

afterAll(async () => {
  // Out of any pcsclite callback first (the card.off that ended the last test resolved inside one):
  // closing takes the mutex pcsclite holds while it calls listeners.
  await new Promise((resolve) => setImmediate(resolve));
  reader?.close();
  context?.close();
  await pcscd?.stop();
});

describe('DESFire EV2 through pcscd and vpcd', () => {
  it('grants a genuine card its credential', async () => {
    const channel = await present(genuineDesfireCard(UID, BUILDING_A, CREDENTIAL));
    expect(await readSecureCredential(channel, BUILDING_A)).toEqual({
      ok: true,
      uid: UID,
      credential: CREDENTIAL,
    });
  });

  it('refuses a clone with the same UID as card_not_authentic', async () => {
    const channel = await present(cloneDesfireCard(UID, BUILDING_A, CREDENTIAL));
    expect(await readSecureCredential(channel, BUILDING_A)).toMatchObject({
      ok: false,
      reason: 'card_not_authentic',
      uid: UID,
    });
  });

  it("refuses another building's card and a blank card", async () => {
    let channel = await present(genuineDesfireCard(UID, BUILDING_B, CREDENTIAL));
    expect(await readSecureCredential(channel, BUILDING_A)).toMatchObject({
      ok: false,
      reason: 'no_application',
    });
    await removeAll();
    channel = await present(blankDesfireCard(UID));
    expect(await readSecureCredential(channel, BUILDING_A)).toMatchObject({
      ok: false,
      reason: 'no_application',
    });
  });

  it('personalises a blank card, which then reads back as genuine', async () => {
    const chip = blankDesfireCard(UID);
    const channel = await present(chip);
    const credential = Buffer.from(CREDENTIAL, 'hex');
    expect(await personaliseDesfire(channel, BUILDING_A, credential)).toEqual({
      ok: true,
      uid: UID,
      outcome: 'personalised',
    });
    expect(await readSecureCredential(channel, BUILDING_A)).toEqual({
      ok: true,
      uid: UID,
      credential: CREDENTIAL,
    });
  });

  it.runIf(process.env['PORTVAKT_MEASURE_CARDS'] === '1')(
    'measures a secure read against a UID read',
    async () => {
      const channel = await present(genuineDesfireCard(UID, BUILDING_A, CREDENTIAL));
      const time = async (fn: () => Promise<unknown>): Promise<number[]> => {
        const samples: number[] = [];
        for (let i = 0; i < 50; i++) {
          const start = performance.now();
          await fn();
          samples.push(performance.now() - start);
        }
        return samples.sort((a, b) => a - b);
      };
      const uidOnly = await time(() => readUid(channel));
      const secure = await time(() => readSecureCredential(channel, BUILDING_A));
      const stat = (s: number[]): string => `median ${s[25]!.toFixed(2)} ms, p99 ${s[49]!.toFixed(2)} ms`;
      console.log(`GET DATA UID: ${stat(uidOnly)}; readSecureCredential: ${stat(secure)}`);
    },
  );
});

describe('MIFARE Classic legacy mode through pcscd and vpcd', () => {
  const profile: ClassicEnrolmentProfile = {
    sector: 1,
    systemIdentifier: Buffer.from('portvakt:A'),
    keyAMasterKey: Buffer.alloc(16, 0xc1),
    keyBMasterKey: Buffer.alloc(16, 0xc2),
  };

  it('personalises and reads a genuine card; refuses wrong keys', async () => {
    const uid = Buffer.from('A1B2C3D4', 'hex');
    const channel = await present(new MifareClassic1k(uid), 'A1B2C3D4');
    expect(await personaliseClassic(channel, profile, Buffer.from('0A0B0C', 'hex'))).toMatchObject({
      ok: true,
    });
    expect(await readClassicCredential(channel, profile)).toEqual({
      ok: true,
      uid: 'A1B2C3D4',
      credential: '0A0B0C',
    });
    const otherKeys = { ...profile, keyAMasterKey: Buffer.alloc(16, 0x55) };
    expect(await readClassicCredential(channel, otherKeys)).toMatchObject({
      ok: false,
      reason: 'card_not_authentic',
    });
  });
});
