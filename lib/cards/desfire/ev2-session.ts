/**
 * The host side of DESFire EV2 AuthenticateEV2First (0x71) and of the secure messaging it opens.
 *
 * Why EV2First and not EV1's AuthenticateAES (0xAA): both are mutual AES-128 challenge-response and both
 * are in EV2 and EV3 cards, but EV2 secure messaging MACs every command and answer with a transaction
 * identifier and a command counter (no replay of a recorded answer inside a session) and derives session
 * keys with CMAC instead of concatenating nonce halves. EV1 cards (no 0x71) answer 91 1C and are refused.
 *
 * Handshake (AN12196 §5.6): → 71 KeyNo 00;  ← E(K, RndB) 91AF;  → AF E(K, RndA ‖ RndB');
 * ← E(K, TI ‖ RndA' ‖ PDcap2 ‖ PCDcap2) 9100. The card proves it holds K by returning RndA' (our
 * challenge, rotated); without K it cannot, so a clone with a copied UID fails here.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { aesCbcDecrypt, aesCbcEncrypt, padIso9797M2, rotateLeft, unpadIso9797M2, ZERO_IV } from '../aes.ts';
import { type CardChannel, CardProtocolError } from '../card-channel.ts';
import {
  commandIv,
  commandMac,
  deriveSessionKeys,
  type Ev2SessionKeys,
  responseIv,
  responseMac,
} from './ev2-crypto.ts';
import { ADDITIONAL_FRAME, DesfireStatusError, exchange, exchangeChained, expectOk } from './native-apdu.ts';

export const AUTHENTICATE_EV2_FIRST = 0x71;

/** The card could not prove it holds the key (or proved it does not). Distinct from transport trouble. */
export class CardAuthenticationError extends CardProtocolError {
  constructor(message: string) {
    super(message);
    this.name = 'CardAuthenticationError';
  }
}

/** A replaceable random source, so tests can replay AN12196's worked example. */
export type RandomSource = (length: number) => Buffer;

export async function authenticateEv2First(
  channel: CardChannel,
  keyNo: number,
  key: Buffer,
  random: RandomSource = randomBytes,
): Promise<Ev2Session> {
  const first = await exchange(channel, AUTHENTICATE_EV2_FIRST, Buffer.from([keyNo, 0x00]));
  if (first.status !== ADDITIONAL_FRAME) {
    // 91 AE / 9D / 40: the card refuses this key number; anything else is protocol trouble.
    throw new DesfireStatusError(AUTHENTICATE_EV2_FIRST, first.status);
  }
  if (first.data.length !== 16) throw new CardAuthenticationError('EV2First: E(K, RndB) is not 16 bytes');
  const rndB = aesCbcDecrypt(key, ZERO_IV, first.data);
  const rndA = random(16);
  const second = await exchange(
    channel,
    ADDITIONAL_FRAME,
    aesCbcEncrypt(key, ZERO_IV, Buffer.concat([rndA, rotateLeft(rndB)])),
  );
  if (second.status !== 0x00) {
    throw new CardAuthenticationError(
      `EV2First: the card rejected our proof (status 91${second.status.toString(16)})`,
    );
  }
  if (second.data.length !== 32) throw new CardAuthenticationError('EV2First: final answer is not 32 bytes');
  const plain = aesCbcDecrypt(key, ZERO_IV, second.data);
  if (!timingSafeEqual(plain.subarray(4, 20), rotateLeft(rndA))) {
    throw new CardAuthenticationError('EV2First: the card did not return our challenge (wrong key)');
  }
  return new Ev2Session(
    channel,
    keyNo,
    Buffer.from(plain.subarray(0, 4)),
    deriveSessionKeys(key, rndA, rndB),
  );
}

/** Communication modes of DESFire files and commands. */
export type CommMode = 'plain' | 'mac' | 'full';

export class Ev2Session {
  readonly keyNo: number;
  readonly ti: Buffer;
  readonly #channel: CardChannel;
  readonly #keys: Ev2SessionKeys;
  #cmdCtr = 0;
  #open = true;

  constructor(channel: CardChannel, keyNo: number, ti: Buffer, keys: Ev2SessionKeys) {
    this.#channel = channel;
    this.keyNo = keyNo;
    this.ti = ti;
    this.#keys = keys;
  }

  get commandCounter(): number {
    return this.#cmdCtr;
  }

  /**
   * Sends `command` with a plain `header` and `data` protected per `mode` (full: encrypted), checks the
   * answer's MAC and returns its data (decrypted in full mode). A wrong MAC means the answer did not
   * come from the card we authenticated with: CardAuthenticationError. `answerMac: false` is only for
   * ChangeKey of the authenticated key, whose answer ends the session without a MAC.
   */
  async send(
    command: number,
    header: Buffer,
    data: Buffer,
    mode: Exclude<CommMode, 'plain'>,
    options: { answerMac?: boolean } = {},
  ): Promise<Buffer> {
    if (!this.#open) throw new CardProtocolError('the DESFire session is closed');
    const payload =
      mode === 'full' && data.length > 0
        ? aesCbcEncrypt(this.#keys.enc, commandIv(this.#keys.enc, this.ti, this.#cmdCtr), padIso9797M2(data))
        : data;
    const body = Buffer.concat([header, payload]);
    const mac = commandMac(this.#keys.mac, command, this.#cmdCtr, this.ti, body);
    const response = await exchangeChained(this.#channel, command, Buffer.concat([body, mac]));
    if (response.status !== 0x00) {
      // An error answer carries no MAC and ends the authenticated state on the card.
      this.#open = false;
      expectOk(command, response);
    }
    this.#cmdCtr = (this.#cmdCtr + 1) & 0xffff;
    if (options.answerMac === false) {
      this.#open = false;
      return response.data;
    }
    if (response.data.length < 8) throw new CardAuthenticationError('answer lacks its MAC');
    const answer = response.data.subarray(0, -8);
    const expected = responseMac(this.#keys.mac, 0x00, this.#cmdCtr, this.ti, answer);
    if (!timingSafeEqual(expected, response.data.subarray(-8))) {
      this.#open = false;
      throw new CardAuthenticationError('the answer MAC is wrong');
    }
    if (mode !== 'full' || answer.length === 0) return Buffer.from(answer);
    if (answer.length % 16 !== 0) throw new CardAuthenticationError('encrypted answer is not whole blocks');
    const plain = aesCbcDecrypt(this.#keys.enc, responseIv(this.#keys.enc, this.ti, this.#cmdCtr), answer);
    const unpadded = unpadIso9797M2(plain);
    if (!unpadded) throw new CardAuthenticationError('encrypted answer has malformed padding');
    return Buffer.from(unpadded);
  }

  /** The keys, for ChangeKey's cryptogram (encrypted and MACed like a full-mode command). */
  get keys(): Ev2SessionKeys {
    return this.#keys;
  }
}
