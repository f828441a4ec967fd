/**
 * A minimal PhoneMediaLeg for the SIP dialer's tests: a bound UDP socket (the address the offer
 * advertises) that records what start() was given and counts the RTP packets the phone sends. The real
 * leg (G.711, RFC 4733, the panel's audio) is the media process's; these tests are about signaling.
 */
import { createSocket, type Socket } from 'node:dgram';
import type {
  PhoneMediaEvents,
  PhoneMediaLeg,
  PhoneMediaRemote,
  PhonePrompt,
} from '../../device/phone/types.ts';
import { SafeEmitter } from '../../lib/events.ts';

export class UdpMediaLeg implements PhoneMediaLeg {
  readonly events = new SafeEmitter<PhoneMediaEvents>();
  readonly starts: Array<{ remote: PhoneMediaRemote; prompt: PhonePrompt | undefined }> = [];
  packetsReceived = 0;
  /** RTP payload types seen, in order of first arrival. */
  readonly payloadTypes: number[] = [];
  closed = false;
  readonly #socket: Socket;
  #local: { address: string; port: number } = { address: '127.0.0.1', port: 0 };

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('message', (msg: Buffer) => {
      this.packetsReceived += 1;
      const pt = (msg[1] ?? 0) & 0x7f;
      if (msg.length >= 12 && !this.payloadTypes.includes(pt)) this.payloadTypes.push(pt);
    });
  }

  static async open(): Promise<UdpMediaLeg> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const leg = new UdpMediaLeg(socket);
    leg.#local = { address: '127.0.0.1', port: socket.address().port };
    return leg;
  }

  get local(): { address: string; port: number } {
    return this.#local;
  }

  start(remote: PhoneMediaRemote, prompt?: PhonePrompt): void {
    this.starts.push({ remote, prompt });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }
}
