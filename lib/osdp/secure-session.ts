/**
 * Both ends of an OSDP Secure Channel session (v2.2 Annex D) as pure state machines over frames:
 *   ACU → CHLNG(RND.A) [SCS_11]; PD → CCRYPT(cUID, RND.B, client cryptogram) [SCS_12];
 *   ACU → SCRYPT(server cryptogram) [SCS_13]; PD → RMAC_I(RMAC-I) [SCS_14]; then every command carries
 *   SCS_15/17 and every reply SCS_16/18 with a chained MAC (IV = the other side's last MAC).
 * The ACU side refuses a wrong client cryptogram (wrong key) and the PD side a wrong server cryptogram.
 * Randomness is injected so tests can replay the annex's vectors; production uses crypto.randomBytes.
 */
import { randomBytes } from 'node:crypto';
import { OsdpScbType } from './codes.ts';
import { OsdpSecureError } from './errors.ts';
import { encodeFrame, type OsdpFrame, type OsdpFrameFields } from './frame.ts';
import {
  clientCryptogram,
  decryptData,
  deriveSessionKeys,
  encryptData,
  initialRmac,
  messageMac,
  SCBK_D,
  type SessionKeys,
  sameBytes,
  serverCryptogram,
} from './secure-crypto.ts';

export type RandomSource = (size: number) => Buffer;
/** What a sealed message needs besides its code and data. */
export type FrameBase = Pick<OsdpFrameFields, 'address' | 'sqn' | 'crc'>;
export interface HandshakeMessage {
  scb: { type: number; data: Buffer };
  data: Buffer;
}

const KEY_TYPE_DEFAULT = 0x00;
const KEY_TYPE_SCBK = 0x01;

/** The MAC chain once both sides have proven the key. */
class MacChain {
  readonly keys: SessionKeys;
  /** Last MAC the PD sent (RMAC-I at first): the IV of the next command's MAC. */
  replyMac: Buffer;
  /** Last MAC the ACU sent: the IV of the next reply's MAC. */
  commandMac: Buffer = Buffer.alloc(16);

  constructor(keys: SessionKeys, initialRmac: Buffer) {
    this.keys = keys;
    this.replyMac = initialRmac;
  }

  seal(fields: OsdpFrameFields & { reply: boolean }): Buffer {
    const iv = fields.reply ? this.commandMac : this.replyMac;
    const encrypted = fields.data.length > 0;
    const type = fields.reply
      ? encrypted
        ? OsdpScbType.REPLY_ENC
        : OsdpScbType.REPLY_MAC
      : encrypted
        ? OsdpScbType.CMD_ENC
        : OsdpScbType.CMD_MAC;
    const data = encrypted ? encryptData(this.keys, iv, fields.data) : fields.data;
    return encodeFrame({ ...fields, scb: { type, data: Buffer.alloc(0) }, data }, (authenticated) => {
      const mac = messageMac(this.keys, iv, authenticated);
      if (fields.reply) this.replyMac = mac;
      else this.commandMac = mac;
      return mac;
    });
  }

  /** Verifies a sealed frame from the other side and returns its clear data. */
  open(frame: OsdpFrame): Buffer {
    const type = frame.scb?.type;
    const expected = frame.reply
      ? [OsdpScbType.REPLY_MAC, OsdpScbType.REPLY_ENC]
      : [OsdpScbType.CMD_MAC, OsdpScbType.CMD_ENC];
    if (type === undefined || !(expected as number[]).includes(type) || !frame.mac)
      throw new OsdpSecureError(
        'unexpected_scb',
        `a ${frame.reply ? 'reply' : 'command'} without its secure block`,
      );
    const iv = frame.reply ? this.commandMac : this.replyMac;
    const mac = messageMac(this.keys, iv, frame.authenticated);
    if (!sameBytes(mac.subarray(0, 4), frame.mac))
      throw new OsdpSecureError('mac_mismatch', 'message MAC does not match');
    if (frame.reply) this.replyMac = mac;
    else this.commandMac = mac;
    if (type === OsdpScbType.CMD_MAC || type === OsdpScbType.REPLY_MAC) return frame.data;
    return decryptData(this.keys, iv, frame.data);
  }
}

/** The ACU (panel) side of one PD's session. */
export class AcuSecureSession {
  readonly #scbk: Buffer;
  readonly #keyType: number;
  readonly #random: RandomSource;
  #rndA: Buffer | undefined;
  #keys: SessionKeys | undefined;
  #serverCrypt: Buffer | undefined;
  #chain: MacChain | undefined;
  /** The PD's client UID from CCRYPT (vendor + serial), for logs and audit. */
  clientUid: Buffer | undefined;

  /** `scbk` undefined = install mode: the well-known SCBK-D. */
  constructor(scbk: Buffer | undefined, random: RandomSource = randomBytes) {
    if (scbk && scbk.length !== 16) throw new RangeError('an SCBK is 16 bytes');
    this.#scbk = scbk ?? SCBK_D;
    this.#keyType = scbk ? KEY_TYPE_SCBK : KEY_TYPE_DEFAULT;
    this.#random = random;
  }

  get established(): boolean {
    return this.#chain !== undefined;
  }

  /** osdp_CHLNG. */
  challenge(): HandshakeMessage {
    this.#chain = undefined;
    this.#rndA = this.#random(8);
    this.#keys = deriveSessionKeys(this.#scbk, this.#rndA);
    return { scb: { type: OsdpScbType.CHLNG, data: Buffer.from([this.#keyType]) }, data: this.#rndA };
  }

  /** Checks osdp_CCRYPT and returns osdp_SCRYPT. Throws when the PD does not hold our key. */
  onClientCryptogram(frame: OsdpFrame): HandshakeMessage {
    if (!this.#rndA || !this.#keys || frame.scb?.type !== OsdpScbType.CCRYPT || frame.data.length !== 32)
      throw new OsdpSecureError('unexpected_scb', 'expected CCRYPT (SCS_12) with 32 bytes');
    // The PD must answer with the key we asked for: a CCRYPT made with SCBK-D to a challenge for the
    // reader's own key would let a reset (or spoofed) reader pull the link down to the public key.
    if (frame.scb.data[0] !== this.#keyType)
      throw new OsdpSecureError('unexpected_scb', 'the reader answered with another key type than asked for');
    this.clientUid = Buffer.from(frame.data.subarray(0, 8));
    const rndB = frame.data.subarray(8, 16);
    const expected = clientCryptogram(this.#keys, this.#rndA, rndB);
    if (!sameBytes(expected, frame.data.subarray(16, 32)))
      throw new OsdpSecureError('client_cryptogram_mismatch', 'the reader does not hold the configured key');
    this.#serverCrypt = serverCryptogram(this.#keys, this.#rndA, rndB);
    return { scb: { type: OsdpScbType.SCRYPT, data: Buffer.from([this.#keyType]) }, data: this.#serverCrypt };
  }

  /** Checks osdp_RMAC_I; afterwards the session is established. */
  onInitialRmac(frame: OsdpFrame): void {
    if (
      !this.#keys ||
      !this.#serverCrypt ||
      frame.scb?.type !== OsdpScbType.RMAC_I ||
      frame.data.length !== 16
    )
      throw new OsdpSecureError('unexpected_scb', 'expected RMAC_I (SCS_14) with 16 bytes');
    if (frame.scb.data[0] !== 0x01)
      throw new OsdpSecureError('rmac_mismatch', 'the reader refused our cryptogram');
    const rmac = initialRmac(this.#keys, this.#serverCrypt);
    if (!sameBytes(rmac, frame.data)) throw new OsdpSecureError('rmac_mismatch', 'RMAC-I does not match');
    this.#chain = new MacChain(this.#keys, rmac);
  }

  sealCommand(base: FrameBase, code: number, data: Buffer): Buffer {
    return this.#established().seal({ ...base, reply: false, code, data });
  }

  /** Verifies a reply's MAC and returns its clear data; throws on any secure-channel fault. */
  openReply(frame: OsdpFrame): Buffer {
    return this.#established().open(frame);
  }

  reset(): void {
    this.#chain = undefined;
    this.#rndA = undefined;
  }

  #established(): MacChain {
    if (!this.#chain) throw new OsdpSecureError('not_established', 'no secure session');
    return this.#chain;
  }
}

/** The PD (reader) side: used by the simulated reader and the handshake unit tests. */
export class PdSecureSession {
  readonly #random: RandomSource;
  readonly #clientUid: Buffer;
  #keys: SessionKeys | undefined;
  #rndA: Buffer | undefined;
  #rndB: Buffer | undefined;
  #chain: MacChain | undefined;

  constructor(clientUid: Buffer, random: RandomSource = randomBytes) {
    this.#clientUid = clientUid;
    this.#random = random;
  }

  get established(): boolean {
    return this.#chain !== undefined;
  }

  /** Key type asked for in a CHLNG: 'scbk' or 'scbk-d'. */
  static requestedKey(frame: OsdpFrame): 'scbk' | 'scbk-d' {
    return frame.scb?.data[0] === KEY_TYPE_SCBK ? 'scbk' : 'scbk-d';
  }

  /** Answers osdp_CHLNG with osdp_CCRYPT, using `key` (the PD's SCBK, or SCBK-D in install mode). */
  onChallenge(frame: OsdpFrame, key: Buffer): HandshakeMessage {
    if (frame.scb?.type !== OsdpScbType.CHLNG || frame.data.length !== 8)
      throw new OsdpSecureError('unexpected_scb', 'expected CHLNG (SCS_11) with 8 bytes');
    this.#chain = undefined;
    this.#rndA = Buffer.from(frame.data);
    this.#rndB = this.#random(8);
    this.#keys = deriveSessionKeys(key, this.#rndA);
    const crypt = clientCryptogram(this.#keys, this.#rndA, this.#rndB);
    return {
      scb: { type: OsdpScbType.CCRYPT, data: Buffer.from(frame.scb.data.subarray(0, 1)) },
      data: Buffer.concat([this.#clientUid, this.#rndB, crypt]),
    };
  }

  /** Checks osdp_SCRYPT; returns osdp_RMAC_I. Throws (the caller NAKs) when the ACU's key differs. */
  onServerCryptogram(frame: OsdpFrame): HandshakeMessage {
    if (
      !this.#keys ||
      !this.#rndA ||
      !this.#rndB ||
      frame.scb?.type !== OsdpScbType.SCRYPT ||
      frame.data.length !== 16
    )
      throw new OsdpSecureError('unexpected_scb', 'expected SCRYPT (SCS_13) with 16 bytes');
    const expected = serverCryptogram(this.#keys, this.#rndA, this.#rndB);
    if (!sameBytes(expected, frame.data))
      throw new OsdpSecureError('server_cryptogram_mismatch', 'the controller does not hold our key');
    const rmac = initialRmac(this.#keys, expected);
    this.#chain = new MacChain(this.#keys, rmac);
    return { scb: { type: OsdpScbType.RMAC_I, data: Buffer.from([0x01]) }, data: rmac };
  }

  openCommand(frame: OsdpFrame): Buffer {
    if (!this.#chain) throw new OsdpSecureError('not_established', 'no secure session');
    return this.#chain.open(frame);
  }

  sealReply(base: FrameBase, code: number, data: Buffer): Buffer {
    if (!this.#chain) throw new OsdpSecureError('not_established', 'no secure session');
    return this.#chain.seal({ ...base, reply: true, code, data });
  }

  reset(): void {
    this.#chain = undefined;
  }
}
