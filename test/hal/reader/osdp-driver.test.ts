/**
 * The OSDP driver against simulated readers on a socat pty pair, node-serialport on both ends.
 * Each test starts its own bus; waits are bounded polls (scripts/lab/until.ts), never timing assertions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OsdpCommand } from '../../../lib/osdp/codes.ts';
import { OsdpLedColor } from '../../../lib/osdp/messages.ts';
import { until } from '../../../scripts/lab/until.ts';
import { KEY_A, KEY_B, type OsdpLab, startOsdpLab } from './osdp-fixture.ts';

let lab: OsdpLab | undefined;
afterEach(async () => {
  await lab?.close();
  lab = undefined;
});

describe('OSDP driver (plain channel)', () => {
  it('polls a reader online, reports a card, keypad keys, tamper and power', async () => {
    lab = await startOsdpLab([{ pd: { address: 1 } }]);
    await lab.waitFor('reader.attached');
    expect(lab.driver.attachedReaders()).toEqual(['r1']);
    const [pd] = lab.pds;
    pd!.present('04A2B3C4');
    const card = await lab.waitFor('card');
    expect(card).toMatchObject({ uid: '04A2B3C4', reader: 'r1', bits: 32, atr: '', secureLink: false });
    pd!.present(Buffer.from([0x12, 0x34, 0x56, 0xc0]), 26);
    expect(await lab.waitFor('card', (c) => c.bits === 26)).toMatchObject({ uid: '123456C0' });
    pd!.press('1234#');
    expect(await lab.waitFor('keypad')).toMatchObject({ reader: 'r1', keys: '1234#' });
    pd!.setTamper(true);
    expect(await lab.waitFor('reader.tamper')).toEqual({ reader: 'r1', tamper: true });
    pd!.setPowerFailure(true);
    expect(await lab.waitFor('reader.power')).toEqual({ reader: 'r1', powerFailure: true });
    expect(lab.seen('reader.tamper')).toHaveLength(1);
  });

  it('feedback: grant and deny reach the reader as LED colour and beeps', async () => {
    lab = await startOsdpLab([{ pd: { address: 2 } }]);
    await lab.waitFor('reader.attached');
    await lab.driver.feedback('r2', 'grant');
    await lab.driver.feedback('r2', 'deny');
    const pd = lab.pds[0]!;
    expect(pd.leds.map((l) => l.temporary?.onColor)).toEqual([OsdpLedColor.GREEN, OsdpLedColor.RED]);
    expect(pd.buzzers.map((b) => b.count)).toEqual([1, 3]);
    await expect(lab.driver.feedback('nope', 'grant')).rejects.toThrow(/no OSDP reader/);
  });

  it('a reader that is tampered when it comes online is reported at once; BUSY is asked again', async () => {
    lab = await startOsdpLab([{ pd: { address: 9 } }]);
    const pd = lab.pds[0]!;
    await lab.waitFor('reader.attached');
    expect(lab.seen('reader.tamper')).toEqual([]);
    pd.silent = true;
    await lab.waitFor('reader.detached');
    pd.startTampered();
    pd.silent = false;
    expect(await lab.waitFor('reader.tamper')).toEqual({ reader: 'r9', tamper: true });
    pd.busyReplies = 2;
    await lab.driver.feedback('r9', 'deny');
    expect(pd.leds).toHaveLength(1);
    expect(pd.buzzers).toHaveLength(1);
  });

  it('two readers on one bus each answer their own address', async () => {
    lab = await startOsdpLab([{ pd: { address: 3 } }, { pd: { address: 4 } }]);
    await until(() => lab!.driver.attachedReaders().length === 2, 'both readers online');
    lab.pds[1]!.present('0A0B0C0D');
    lab.pds[0]!.present('01020304');
    await until(() => lab!.seen('card').length === 2, 'two cards');
    const cards = lab.seen('card').map((c) => [c.reader, c.uid]);
    expect(cards).toEqual(
      expect.arrayContaining([
        ['r4', '0A0B0C0D'],
        ['r3', '01020304'],
      ]),
    );
  });

  it('a reader that stops answering is detached, and attached again when it is back', async () => {
    lab = await startOsdpLab([{ pd: { address: 5 } }, { pd: { address: 6 } }]);
    await until(() => lab!.driver.attachedReaders().length === 2, 'both readers online');
    lab.pds[0]!.silent = true;
    await lab.waitFor('reader.detached');
    expect(lab.driver.attachedReaders()).toEqual(['r6']);
    await expect(lab.driver.feedback('r5', 'grant')).rejects.toThrow(/not attached/);
    // The other reader keeps working meanwhile.
    lab.pds[1]!.present('0A0B0C0D');
    await lab.waitFor('card');
    lab.pds[0]!.silent = false;
    await until(() => lab!.seen('reader.attached').length === 3, 'r5 back');
    expect(lab.driver.attachedReaders().sort()).toEqual(['r5', 'r6']);
  });

  it('noise and corrupt replies are refused without a crash; the link carries on', async () => {
    lab = await startOsdpLab([{ pd: { address: 7 } }]);
    await lab.waitFor('reader.attached');
    // ('length' keeps a valid CRC: an inconsistent payload, tested below)
    for (const fault of ['crc', 'truncate', 'garbage-before', 'crc'] as const) lab.bus.spoilNextReply(fault);
    lab.bus.inject(Buffer.from([0x53, 0xff, 0xff, 0x53, 0x87, 0x09, 0x00, 0x04, 0x50, 0x00, 0x00]));
    lab.bus.inject(Buffer.alloc(300, 0x53));
    await until(() => lab!.bus.pendingFaults === 0, 'the spoiled replies to be sent');
    lab.pds[0]!.present('04A2B3C4');
    expect(await lab.waitFor('card')).toMatchObject({ uid: '04A2B3C4' });
    expect(lab.seen('card')).toHaveLength(1);
    expect(lab.seen('error')).toEqual([]);
    expect(lab.driver.attachedReaders()).toEqual(['r7']);
  });
});

describe('OSDP driver (Secure Channel)', () => {
  it('secures the channel with the reader key; cards arrive over it', async () => {
    lab = await startOsdpLab([{ pd: { address: 1, scbk: KEY_A }, acu: { scbk: KEY_A } }]);
    await lab.waitFor('reader.attached');
    expect(lab.pds[0]!.secured).toBe(true);
    lab.pds[0]!.present('04A2B3C4');
    expect(await lab.waitFor('card')).toMatchObject({ uid: '04A2B3C4', secureLink: true });
    await lab.driver.feedback('r1', 'grant');
    expect(lab.pds[0]!.leds).toHaveLength(1);
  });

  it('a reader with another key is refused and reported; its cards are never accepted', async () => {
    lab = await startOsdpLab([{ pd: { address: 1, scbk: KEY_B }, acu: { scbk: KEY_A } }]);
    expect(await lab.waitFor('reader.security')).toMatchObject({ reader: 'r1', alarm: 'wrong_key' });
    lab.pds[0]!.present('04A2B3C4');
    // Several reconnect attempts (with backoff) later: still no card, no attach, one alarm.
    await until(() => lab!.pds[0]!.challenges >= 3, 'three secure channel attempts');
    expect(lab.seen('card')).toEqual([]);
    expect(lab.seen('reader.attached')).toEqual([]);
    expect(lab.seen('reader.security')).toHaveLength(1);
  });

  it('a reader without a key that refuses the secure channel raises an alarm', async () => {
    lab = await startOsdpLab([{ pd: { address: 1 }, acu: { scbk: KEY_A } }]);
    expect(await lab.waitFor('reader.security')).toMatchObject({ alarm: 'secure_refused' });
    expect(lab.driver.attachedReaders()).toEqual([]);
  });

  it('a downgrade (unsecured replies after securing) is refused: alarm, card dropped, secured again', async () => {
    lab = await startOsdpLab([{ pd: { address: 1, scbk: KEY_A }, acu: { scbk: KEY_A } }]);
    await lab.waitFor('reader.attached');
    const pd = lab.pds[0]!;
    await until(() => pd.commands.includes(OsdpCommand.POLL), 'polling to begin');
    pd.present('DEADBEEF');
    pd.downgrade = true;
    expect(await lab.waitFor('reader.security')).toMatchObject({ alarm: 'downgrade' });
    await lab.waitFor('reader.detached');
    pd.downgrade = false;
    await until(() => lab!.seen('reader.attached').length === 2, 'secured again');
    pd.present('04A2B3C4');
    await lab.waitFor('card');
    // The card sent in the clear was dropped; the next one came over the secure channel.
    expect(lab.seen('card').map((c) => [c.uid, c.secureLink])).toEqual([['04A2B3C4', true]]);
  });

  it('install mode: a factory-fresh reader gets its key by KEYSET, then talks only with it', async () => {
    lab = await startOsdpLab([
      { pd: { address: 1, installMode: true }, acu: { scbk: KEY_A, installMode: true } },
    ]);
    await lab.waitFor('reader.attached');
    const pd = lab.pds[0]!;
    expect(pd.scbk).toEqual(KEY_A);
    expect(pd.installMode).toBe(false);
    expect(pd.secured).toBe(true);
    pd.present('04A2B3C4');
    expect(await lab.waitFor('card')).toMatchObject({ secureLink: true });
  });
});

describe('OSDP driver (bad reports)', () => {
  it('a report whose CRC is right but whose payload is inconsistent is an error event, not a card', async () => {
    lab = await startOsdpLab([{ pd: { address: 8 } }]);
    await lab.waitFor('reader.attached');
    // After the status query that follows attaching, so the spoiled reply is the card's.
    await until(() => lab!.pds[0]!.commands.includes(OsdpCommand.POLL), 'polling to begin');
    lab.bus.spoilNextReply('length');
    lab.pds[0]!.present('04A2B3C4');
    await lab.waitFor('error');
    expect(lab.seen('error')[0]!.error.message).toMatch(/malformed report.*RAW/);
    lab.pds[0]!.present('0A0B0C0D');
    expect(await lab.waitFor('card')).toMatchObject({ uid: '0A0B0C0D' });
    expect(lab.seen('card')).toHaveLength(1);
  });
});
