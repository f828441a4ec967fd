/**
 * The far end of a simulated RS-485 bus: opens the bus side of a pty pair with node-serialport (a real
 * tty, as the driver's side is) and lets several SimulatedPd answer their own addresses, as on a
 * multi-drop line where every device sees every frame. It can also misbehave on the wire: raw noise, and
 * the next reply sent with a broken CRC, a wrong length or cut short.
 */
import { SerialPort } from 'serialport';
import { osdpCrc16 } from '../../lib/osdp/crc.ts';
import { OsdpStreamParser } from '../../lib/osdp/parser.ts';
import type { SimulatedPd } from './osdp-pd.ts';

export type WireFault = 'crc' | 'length' | 'truncate' | 'garbage-before';

export class SimulatedOsdpBus {
  readonly #port: SerialPort;
  readonly #pds: SimulatedPd[];
  readonly #parser = new OsdpStreamParser();
  readonly #faults: WireFault[] = [];
  /** Frames the bus end could not parse (what the driver sent must always parse). */
  rejected = 0;

  private constructor(port: SerialPort, pds: SimulatedPd[]) {
    this.#port = port;
    this.#pds = pds;
    port.on('data', (chunk: Buffer) => this.#onData(chunk));
  }

  static async open(path: string, pds: SimulatedPd[], baudRate = 115200): Promise<SimulatedOsdpBus> {
    const port = await new Promise<SerialPort>((resolve, reject) => {
      const p: SerialPort = new SerialPort({ path, baudRate }, (err) => (err ? reject(err) : resolve(p)));
    });
    return new SimulatedOsdpBus(port, pds);
  }

  /** Writes bytes onto the bus as they are (line noise, a forged frame). */
  inject(bytes: Buffer): void {
    this.#port.write(bytes);
  }

  /** Spoils the next reply of any PD in the given way. */
  spoilNextReply(fault: WireFault): void {
    this.#faults.push(fault);
  }

  /** Faults still waiting for a reply to spoil. */
  get pendingFaults(): number {
    return this.#faults.length;
  }

  async close(): Promise<void> {
    if (!this.#port.isOpen) return;
    await new Promise<void>((resolve) => this.#port.close(() => resolve()));
  }

  #onData(chunk: Buffer): void {
    for (const item of this.#parser.push(chunk)) {
      if ('error' in item) {
        this.rejected++;
        continue;
      }
      for (const pd of this.#pds) {
        const reply = pd.handle(item.frame);
        if (reply) this.#port.write(this.#spoil(reply));
      }
    }
  }

  #spoil(reply: Buffer): Buffer {
    const fault = this.#faults.shift();
    if (!fault) return reply;
    const bad = Buffer.from(reply);
    switch (fault) {
      case 'crc':
        bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
        return bad;
      case 'length': {
        // A LEN one byte short, with a CRC that is right for the bytes LEN now covers.
        bad.writeUInt16LE(bad.length - 1, 2);
        const cut = bad.subarray(0, bad.length - 1);
        cut.writeUInt16LE(osdpCrc16(cut, 0, cut.length - 2), cut.length - 2);
        return cut;
      }
      case 'truncate':
        return bad.subarray(0, bad.length - 3);
      case 'garbage-before':
        return Buffer.concat([Buffer.from([0x00, 0xff, 0x53, 0x01, 0x02]), bad]);
    }
  }
}
