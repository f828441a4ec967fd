/**
 * Turns an RS-485 byte stream (arbitrary chunks, line noise, split packets, junk between packets) into
 * packets. It resynchronises on SOM: a candidate that fails to decode costs one byte, so a packet that
 * starts inside junk is still found. The buffer never grows beyond OSDP_MAX_FRAME plus one chunk, and
 * each byte is examined at most OSDP_MAX_FRAME times, so a flood of junk costs O(n) time and bounded
 * memory. A half-received packet waits for more bytes; the driver calls reset() after a reply timeout
 * (the inter-character timeout of a real ACU), so a junk LEN cannot keep the parser waiting forever.
 */
import { OsdpFrameError } from './errors.ts';
import {
  decodeFrame,
  OSDP_HEADER_LENGTH,
  OSDP_MAX_FRAME,
  OSDP_MIN_FRAME,
  OSDP_SOM,
  type OsdpFrame,
} from './frame.ts';

export type ParsedItem = { frame: OsdpFrame } | { error: OsdpFrameError };

export class OsdpStreamParser {
  #buffer: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns the packets and errors found, in stream order. Never throws. */
  push(chunk: Uint8Array): ParsedItem[] {
    this.#buffer = this.#buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#buffer, chunk]);
    const out: ParsedItem[] = [];
    for (;;) {
      const som = this.#buffer.indexOf(OSDP_SOM);
      if (som < 0) {
        if (this.#buffer.length > 0) out.push({ error: noise(this.#buffer.length) });
        this.#buffer = Buffer.alloc(0);
        break;
      }
      if (som > 0) {
        out.push({ error: noise(som) });
        this.#buffer = this.#buffer.subarray(som);
      }
      if (this.#buffer.length < OSDP_HEADER_LENGTH) break;
      const length = this.#buffer.readUInt16LE(2);
      if (length < OSDP_MIN_FRAME || length > OSDP_MAX_FRAME) {
        out.push({
          error: new OsdpFrameError(
            'length_out_of_bounds',
            `LEN ${length} (valid ${OSDP_MIN_FRAME}-${OSDP_MAX_FRAME})`,
          ),
        });
        this.#buffer = this.#buffer.subarray(1);
        continue;
      }
      if (this.#buffer.length < length) break;
      try {
        out.push({ frame: decodeFrame(this.#buffer.subarray(0, length)) });
        this.#buffer = this.#buffer.subarray(length);
      } catch (err) {
        out.push({ error: err instanceof OsdpFrameError ? err : new OsdpFrameError('noise', String(err)) });
        this.#buffer = this.#buffer.subarray(1);
      }
    }
    // Keep a private copy of the tail so the caller's chunk can be reused.
    if (this.#buffer.length > 0) this.#buffer = Buffer.from(this.#buffer);
    return out;
  }

  /** Bytes held while waiting for the rest of a packet. */
  get pending(): number {
    return this.#buffer.length;
  }

  /** Drops a half-received packet (after a reply timeout). */
  reset(): void {
    this.#buffer = Buffer.alloc(0);
  }
}

function noise(count: number): OsdpFrameError {
  return new OsdpFrameError('noise', `${count} byte(s) before a start of message`);
}
