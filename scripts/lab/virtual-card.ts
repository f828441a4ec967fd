/**
 * A virtual contactless card for vpcd (a MIFARE Classic 1K by default, or any chip, e.g. the DESFire EV2
 * of desfire-card.ts) (vsmartcard's virtual PC/SC reader driver), so the PC/SC
 * stack (pcscd → pcsclite → nfc-pcsc → our driver) runs end to end without hardware.
 *
 * vpcd protocol: every message is a 2-byte big-endian length and a payload. A 1-byte payload is a
 * control (0 power off, 1 power on, 2 reset, 4 get ATR → answer the ATR); anything longer is an APDU
 * (answer the response APDU). Connecting the socket inserts the card, closing it removes the card.
 *
 * UID and ATR are deliberately not validated: tests use this card to feed garbage to the driver.
 *
 * CLI: node scripts/lab/virtual-card.ts --port 35963 --uid 04A2B3C4D5E6F7 [--atr HEX] [--host H]
 */
import { Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { MifareClassic1k, type MifareOptions } from './mifare-classic.ts';

export const MIFARE_CLASSIC_1K_ATR = '3B8F8001804F0CA000000306030001000000006A';

/** What sits in the field: answers APDUs (data ‖ SW1 SW2) and loses its state when the field drops. */
export interface VirtualChip {
  apdu(apdu: Buffer): Buffer;
  powerOff(): void;
  /** The ATR a PC/SC reader reports for this chip (hex); VirtualCard's `atr` option overrides it. */
  readonly atr?: string;
}

export interface VirtualCardOptions extends MifareOptions {
  /** Hex UID returned by GET DATA (any length, so tests can send invalid ones). */
  uid: string;
  /** Hex ATR; defaults to the chip's, or a MIFARE Classic 1K behind a PC/SC contactless reader. */
  atr?: string;
  /** The chip to emulate; default a MIFARE Classic 1K with `uid` and the MifareOptions. */
  chip?: VirtualChip;
  port: number;
  host?: string;
  /** Consulted before the emulation; return a response to override it (e.g. a garbage GET DATA answer). */
  respond?: (apdu: Buffer) => Buffer | undefined;
  /** Called on every vpcd control message (0 power off, 1 power on, 2 reset, 4 get ATR). */
  onControl?: (control: number) => void;
}

export class VirtualCard {
  /** Every APDU received, as upper-case hex, oldest first. */
  readonly apdus: string[] = [];
  readonly #options: VirtualCardOptions;
  readonly #atr: Buffer;
  readonly #uid: Buffer;
  readonly #chip: VirtualChip;
  #socket: Socket | undefined;
  #pending = Buffer.alloc(0);

  constructor(options: VirtualCardOptions) {
    this.#options = options;
    this.#uid = hex(options.uid);
    this.#chip = options.chip ?? new MifareClassic1k(this.#uid, options);
    this.#atr = hex(options.atr ?? this.#chip.atr ?? MIFARE_CLASSIC_1K_ATR);
  }

  get inserted(): boolean {
    return this.#socket !== undefined;
  }

  /** Connects to vpcd (the card enters the field). */
  async insert(): Promise<void> {
    if (this.#socket) throw new Error('card already inserted');
    const socket = new Socket();
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(this.#options.port, this.#options.host ?? '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.#socket = socket;
    this.#pending = Buffer.alloc(0);
    this.#chip.powerOff();
    socket.on('data', (chunk) => this.#onData(chunk));
    // pcscd killed or restarted: the card simply leaves the field.
    socket.on('error', () => {});
    socket.once('close', () => {
      if (this.#socket === socket) this.#socket = undefined;
    });
  }

  /** Closes the connection (the card leaves the field); resolves once closed. */
  async remove(): Promise<void> {
    const socket = this.#socket;
    if (!socket) return;
    this.#socket = undefined;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      // A peer that never acknowledges must not keep remove() pending.
      setTimeout(() => socket.destroy(), 1000).unref();
    });
  }

  #onData(chunk: Buffer): void {
    this.#pending = Buffer.concat([this.#pending, chunk]);
    while (this.#pending.length >= 2) {
      const length = this.#pending.readUInt16BE(0);
      if (this.#pending.length < 2 + length) return;
      const payload = this.#pending.subarray(2, 2 + length);
      this.#pending = this.#pending.subarray(2 + length);
      const reply = this.#handle(Buffer.from(payload));
      if (reply) this.#send(reply);
    }
  }

  #handle(payload: Buffer): Buffer | undefined {
    if (payload.length === 1) {
      this.#options.onControl?.(payload[0]!);
      switch (payload[0]) {
        case 0:
          this.#chip.powerOff();
          return undefined;
        case 1:
        case 2:
          this.#chip.powerOff();
          return undefined;
        case 4:
          return this.#atr;
        default:
          return undefined;
      }
    }
    this.apdus.push(payload.toString('hex').toUpperCase());
    return this.#options.respond?.(payload) ?? this.#chip.apdu(payload);
  }

  #send(reply: Buffer): void {
    const header = Buffer.alloc(2);
    header.writeUInt16BE(reply.length);
    this.#socket?.write(Buffer.concat([header, reply]));
  }
}

function hex(text: string): Buffer {
  const clean = text.replace(/[\s:-]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`not a hex byte string: "${text}"`);
  return Buffer.from(clean, 'hex');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '35963' },
      host: { type: 'string', default: '127.0.0.1' },
      uid: { type: 'string', default: '04A2B3C4D5E6F7' },
      atr: { type: 'string' },
    },
  });
  const card = new VirtualCard({
    port: Number(values.port),
    host: values.host,
    uid: values.uid,
    ...(values.atr ? { atr: values.atr } : {}),
    respond: (apdu) => {
      console.log(`APDU ${apdu.toString('hex').toUpperCase()}`);
      return undefined;
    },
  });
  await card.insert();
  console.log(`card ${values.uid} inserted into vpcd at ${values.host}:${values.port}; Ctrl-C removes it`);
  const quit = (): void => {
    void card.remove().then(() => process.exit(0));
  };
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
}

if (import.meta.main) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
