/**
 * A MIFARE DESFire EV2 card for vpcd (plug it into VirtualCard as its chip) or in-process tests: the PICC
 * level with free application creation (a factory-fresh card's settings), AES applications with their
 * keys, standard data files in plain, MAC or full mode, and the card side of the commands portvakt's host
 * uses: GetVersion, SelectApplication, GetApplicationIDs, CreateApplication, AuthenticateEV2First,
 * CreateStdDataFile, ReadData, WriteData, ChangeKey, with EV2 secure messaging (MACs checked, command
 * counter, full-mode encryption). The reader's GET DATA (FF CA) answers the UID.
 *
 * The secure-messaging arithmetic comes from lib/cards/desfire/ev2-crypto.ts, which the tests pin to NXP
 * AN12196's examples, so host and card cannot agree on a private mistake there. Not emulated: DES/3DES
 * keys, PICC master key authentication, value/record files, transactions, EV1 authentication.
 */
import { randomBytes } from 'node:crypto';
import { aesCbcDecrypt, aesCbcEncrypt, padIso9797M2, rotateLeft, ZERO_IV } from '../../lib/cards/aes.ts';
import {
  commandMac,
  deriveSessionKeys,
  responseIv,
  responseMac,
} from '../../lib/cards/desfire/ev2-crypto.ts';
import { runSecureCommand } from './desfire-secure-commands.ts';
import { type DesfireApplication, S, type Session, status } from './desfire-state.ts';

type Pending = { kind: 'auth'; keyNo: number; rndB: Buffer } | { kind: 'version'; frame: number };

/** The ATR PC/SC contactless readers synthesize for an ISO 14443-4 type A card without historical bytes. */
export const DESFIRE_ATR = '3B8180018080';

export class DesfireEv2Card {
  readonly atr = DESFIRE_ATR;
  readonly uid: Buffer;
  readonly applications = new Map<number, DesfireApplication>();
  readonly #random: (length: number) => Buffer;
  #selected = 0;
  #session: Session | undefined;
  #pending: Pending | undefined;

  /** GetVersion's hardware major version: 0x12 EV2 (default); 0x01 makes an EV1 for refusal tests. */
  hardwareMajor = 0x12;

  constructor(uid: Buffer, random: (length: number) => Buffer = randomBytes) {
    this.uid = Buffer.from(uid);
    this.#random = random;
  }

  /** Adds an application directly (a card personalised elsewhere); keys are AES-128, key 0 first. */
  addApplication(aid: number, keys: Buffer[], keySettings = 0x0b, version = 0): DesfireApplication {
    const app: DesfireApplication = {
      keySettings,
      keys: keys.map((k) => Buffer.from(k)),
      versions: keys.map(() => version),
      files: new Map(),
    };
    this.applications.set(aid, app);
    return app;
  }

  powerOff(): void {
    this.#selected = 0;
    this.#session = undefined;
    this.#pending = undefined;
  }

  apdu(apdu: Buffer): Buffer {
    if (apdu.length >= 2 && apdu[0] === 0xff && apdu[1] === 0xca)
      return Buffer.concat([this.uid, Buffer.from([0x90, 0x00])]);
    if (apdu.length < 5 || apdu[0] !== 0x90 || apdu[2] !== 0 || apdu[3] !== 0)
      return Buffer.from([0x6e, 0x00]);
    const ins = apdu[1]!;
    let data = Buffer.alloc(0);
    if (apdu.length > 5) {
      const lc = apdu[4]!;
      if (apdu.length !== 6 + lc || apdu[5 + lc] !== 0) return status(S.LENGTH_ERROR);
      data = Buffer.from(apdu.subarray(5, 5 + lc));
    }
    const pending = this.#pending;
    this.#pending = undefined;
    if (ins === 0xaf) return this.#continue(pending, data);
    switch (ins) {
      case 0x60:
        this.#pending = { kind: 'version', frame: 1 };
        return Buffer.concat([
          Buffer.from([0x04, 0x01, 0x01, this.hardwareMajor, 0x00, 0x1a, 0x05]),
          status(S.ADDITIONAL_FRAME),
        ]);
      case 0x5a:
        return this.#select(data);
      case 0x6a:
        return this.#listApplications();
      case 0xca:
        return this.#createApplication(data);
      case 0x71:
        return this.#authenticate(data);
      case 0x64:
        return this.#keyVersion(data);
      case 0xcd:
      case 0xbd:
      case 0x3d:
      case 0xc4:
        return this.#secure(ins, data);
      default:
        return status(S.ILLEGAL_COMMAND);
    }
  }

  #fail(code: number): Buffer {
    this.#session = undefined;
    return status(code);
  }

  #continue(pending: Pending | undefined, data: Buffer): Buffer {
    if (pending?.kind === 'version') {
      if (pending.frame === 1) {
        this.#pending = { kind: 'version', frame: 2 };
        return Buffer.concat([Buffer.from('04010102011A05', 'hex'), status(S.ADDITIONAL_FRAME)]);
      }
      const uid7 = Buffer.alloc(7);
      this.uid.copy(uid7, 0, 0, 7);
      return Buffer.concat([uid7, Buffer.from('BA5E0000000000', 'hex'), status(S.OK)]);
    }
    if (pending?.kind !== 'auth') return this.#fail(S.ILLEGAL_COMMAND);
    const key = this.applications.get(this.#selected)?.keys[pending.keyNo];
    if (!key || data.length !== 32) return this.#fail(S.LENGTH_ERROR);
    const plain = aesCbcDecrypt(key, ZERO_IV, data);
    if (!plain.subarray(16).equals(rotateLeft(pending.rndB))) return this.#fail(S.AUTHENTICATION_ERROR);
    const rndA = plain.subarray(0, 16);
    const ti = this.#random(4);
    const keys = deriveSessionKeys(key, rndA, pending.rndB);
    this.#session = { keyNo: pending.keyNo, ti, enc: keys.enc, mac: keys.mac, ctr: 0 };
    const answer = Buffer.concat([ti, rotateLeft(rndA), Buffer.alloc(12)]);
    return Buffer.concat([aesCbcEncrypt(key, ZERO_IV, answer), status(S.OK)]);
  }

  #select(data: Buffer): Buffer {
    if (data.length !== 3) return this.#fail(S.LENGTH_ERROR);
    const aid = data.readUIntLE(0, 3);
    this.#session = undefined;
    if (aid !== 0 && !this.applications.has(aid)) {
      this.#selected = 0;
      return status(S.APPLICATION_NOT_FOUND);
    }
    this.#selected = aid;
    return status(S.OK);
  }

  #listApplications(): Buffer {
    if (this.#selected !== 0) return this.#fail(S.ILLEGAL_COMMAND);
    const aids = Buffer.concat(
      [...this.applications.keys()].map((aid) => Buffer.from([aid & 0xff, (aid >> 8) & 0xff, aid >> 16])),
    );
    return Buffer.concat([aids, status(S.OK)]);
  }

  #createApplication(data: Buffer): Buffer {
    if (this.#selected !== 0) return this.#fail(S.ILLEGAL_COMMAND);
    if (data.length !== 5) return this.#fail(S.LENGTH_ERROR);
    const aid = data.readUIntLE(0, 3);
    const keyCount = data[4]! & 0x0f;
    if (aid === 0 || (data[4]! & 0xc0) !== 0x80 || keyCount < 1 || keyCount > 14)
      return this.#fail(S.PARAMETER_ERROR);
    if (this.applications.has(aid)) return this.#fail(S.DUPLICATE_ERROR);
    this.addApplication(
      aid,
      Array.from({ length: keyCount }, () => Buffer.alloc(16)),
      data[3]!,
    );
    return status(S.OK);
  }

  /** Plain GetKeyVersion, as before authentication (inside a session a real card would MAC it). */
  #keyVersion(data: Buffer): Buffer {
    this.#session = undefined;
    const app = this.applications.get(this.#selected);
    if (data.length !== 1) return this.#fail(S.LENGTH_ERROR);
    const version = app?.versions[data[0]!];
    if (version === undefined) return this.#fail(S.NO_SUCH_KEY);
    return Buffer.from([version, 0x91, S.OK]);
  }

  #authenticate(data: Buffer): Buffer {
    this.#session = undefined;
    if (data.length < 2) return this.#fail(S.LENGTH_ERROR);
    const key = this.applications.get(this.#selected)?.keys[data[0]!];
    if (!key) return this.#fail(S.NO_SUCH_KEY);
    const rndB = this.#random(16);
    this.#pending = { kind: 'auth', keyNo: data[0]!, rndB };
    return Buffer.concat([aesCbcEncrypt(key, ZERO_IV, rndB), status(S.ADDITIONAL_FRAME)]);
  }

  /** Commands that need the EV2 session: check the command MAC, run, answer with MAC (or fail and drop it). */
  #secure(ins: number, data: Buffer): Buffer {
    const session = this.#session;
    const app = this.applications.get(this.#selected);
    if (!session || !app) return this.#fail(S.AUTHENTICATION_ERROR);
    if (data.length < 9) return this.#fail(S.LENGTH_ERROR);
    const body = data.subarray(0, -8);
    if (!commandMac(session.mac, ins, session.ctr, session.ti, body).equals(data.subarray(-8))) {
      return this.#fail(S.INTEGRITY_ERROR);
    }
    const result = runSecureCommand(ins, body, session, app);
    if (typeof result === 'number') return this.#fail(result);
    session.ctr = (session.ctr + 1) & 0xffff;
    if (result === 'session-ended') {
      this.#session = undefined;
      return status(S.OK);
    }
    const { payload, encrypt } = result;
    const wire =
      encrypt && payload.length > 0
        ? aesCbcEncrypt(session.enc, responseIv(session.enc, session.ti, session.ctr), padIso9797M2(payload))
        : payload;
    const mac = responseMac(session.mac, S.OK, session.ctr, session.ti, wire);
    return Buffer.concat([wire, mac, status(S.OK)]);
  }
}
