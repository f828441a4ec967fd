/**
 * The DESFire native commands portvakt uses, host side, on top of native-apdu.ts (plain) and an
 * Ev2Session (MAC or full). Command codes and layouts from the DESFire EV1/EV2 datasheets as reproduced by
 * NXP's application notes and libfreefare.
 */
import { xor } from '../aes.ts';
import type { CardChannel } from '../card-channel.ts';
import { crc32Desfire } from './ev2-crypto.ts';
import type { CommMode, Ev2Session } from './ev2-session.ts';
import { exchange, exchangeChained, expectOk, le24 } from './native-apdu.ts';

export const Command = {
  GET_VERSION: 0x60,
  SELECT_APPLICATION: 0x5a,
  GET_APPLICATION_IDS: 0x6a,
  CREATE_APPLICATION: 0xca,
  CREATE_STD_DATA_FILE: 0xcd,
  READ_DATA: 0xbd,
  WRITE_DATA: 0x3d,
  CHANGE_KEY: 0xc4,
  GET_KEY_VERSION: 0x64,
} as const;

export const PICC_AID = 0x000000;

/** Communication settings byte of a file. */
export const COMM_SETTINGS: Record<CommMode, number> = { plain: 0x00, mac: 0x01, full: 0x03 };

/** GetVersion's hardware type of a DESFire; major versions: 0x00 EV0, 0x01 EV1, 0x12 EV2, 0x33 EV3. */
export const DESFIRE_HARDWARE_TYPE = 0x01;
export const DESFIRE_EV2_MAJOR = 0x12;

export interface CardVersion {
  vendor: number;
  hardwareType: number;
  hardwareMajor: number;
  /** 7-byte UID as the card reports it after the third frame. */
  uid: Buffer;
}

/** GetVersion (three frames). Hardware major version 0x12 is EV2, 0x33 EV3, 0x01 EV1. */
export async function getVersion(channel: CardChannel): Promise<CardVersion> {
  const all = expectOk(Command.GET_VERSION, await exchangeChained(channel, Command.GET_VERSION));
  if (all.length < 21) throw new RangeError('GetVersion answer too short');
  return {
    vendor: all[0]!,
    hardwareType: all[1]!,
    hardwareMajor: all[3]!,
    uid: Buffer.from(all.subarray(14, 21)),
  };
}

/** Status of SelectApplication: OK or APPLICATION_NOT_FOUND (the caller decides what that means). */
export async function selectApplication(channel: CardChannel, aid: number): Promise<number> {
  return (await exchange(channel, Command.SELECT_APPLICATION, le24(aid))).status;
}

/** GetKeyVersion before authentication (plain): the version byte of one key of the selected application. */
export async function getKeyVersion(channel: CardChannel, keyNo: number): Promise<number> {
  const data = expectOk(
    Command.GET_KEY_VERSION,
    await exchange(channel, Command.GET_KEY_VERSION, Buffer.from([keyNo])),
  );
  if (data.length !== 1) throw new RangeError('GetKeyVersion answer is not one byte');
  return data[0]!;
}

export async function getApplicationIds(channel: CardChannel): Promise<number[]> {
  const data = expectOk(
    Command.GET_APPLICATION_IDS,
    await exchangeChained(channel, Command.GET_APPLICATION_IDS),
  );
  const aids: number[] = [];
  for (let i = 0; i + 3 <= data.length; i += 3) aids.push(data.readUIntLE(i, 3));
  return aids;
}

export interface ApplicationSpec {
  aid: number;
  /** KeySett1: bit 0 master key changeable, 1 free directory, 2 free create/delete, 3 config changeable, 7-4 ChangeKey right. */
  keySettings: number;
  /** Number of AES keys (1..14). */
  keyCount: number;
}

/** CreateApplication with AES keys (KeySett2 bits 7-6 = 10). */
export async function createApplication(channel: CardChannel, spec: ApplicationSpec): Promise<number> {
  const data = Buffer.concat([
    le24(spec.aid),
    Buffer.from([spec.keySettings, 0x80 | (spec.keyCount & 0x0f)]),
  ]);
  return (await exchange(channel, Command.CREATE_APPLICATION, data)).status;
}

export interface AccessRights {
  read: number;
  write: number;
  readWrite: number;
  change: number;
}

/** The 16-bit access rights word, little-endian: RW ‖ Change in the first byte, Read ‖ Write in the second. */
export function encodeAccessRights(rights: AccessRights): Buffer {
  return Buffer.from([(rights.readWrite << 4) | rights.change, (rights.read << 4) | rights.write]);
}

export interface StdFileSpec {
  fileNo: number;
  mode: CommMode;
  rights: AccessRights;
  size: number;
}

/** CreateStdDataFile, MACed in the session of the application master key. */
export async function createStdDataFile(session: Ev2Session, spec: StdFileSpec): Promise<void> {
  const header = Buffer.concat([
    Buffer.from([spec.fileNo, COMM_SETTINGS[spec.mode]]),
    encodeAccessRights(spec.rights),
    le24(spec.size),
  ]);
  await session.send(Command.CREATE_STD_DATA_FILE, header, Buffer.alloc(0), 'mac');
}

export async function readData(
  session: Ev2Session,
  fileNo: number,
  offset: number,
  length: number,
  mode: Exclude<CommMode, 'plain'>,
): Promise<Buffer> {
  const header = Buffer.concat([Buffer.from([fileNo]), le24(offset), le24(length)]);
  return session.send(Command.READ_DATA, header, Buffer.alloc(0), mode);
}

export async function writeData(
  session: Ev2Session,
  fileNo: number,
  offset: number,
  data: Buffer,
  mode: Exclude<CommMode, 'plain'>,
): Promise<void> {
  const header = Buffer.concat([Buffer.from([fileNo]), le24(offset), le24(data.length)]);
  await session.send(Command.WRITE_DATA, header, data, mode);
}

/**
 * ChangeKey (EV2 secure messaging, always full mode). Changing another key than the authenticated one
 * sends (new ⊕ old) ‖ version ‖ CRC32(new), proving we knew the old key; changing the authenticated key
 * sends new ‖ version and ends the session (the card answers without a MAC).
 */
export async function changeKey(
  session: Ev2Session,
  keyNo: number,
  newKey: Buffer,
  oldKey: Buffer,
  version: number,
): Promise<void> {
  const self = keyNo === session.keyNo;
  const plain = self
    ? Buffer.concat([newKey, Buffer.from([version])])
    : Buffer.concat([xor(newKey, oldKey), Buffer.from([version]), crc32Desfire(newKey)]);
  await session.send(Command.CHANGE_KEY, Buffer.from([keyNo]), plain, 'full', { answerMac: !self });
}
