/**
 * The Chrome DevTools Protocol over `--remote-debugging-pipe`: JSON messages, each ended by a NUL byte,
 * written to the browser's fd 3 and read from its fd 4. Only the process that started the browser holds
 * these descriptors, so unlike a DevTools port no other local program can drive the kiosk's browser.
 * A few commands and events are all the kiosk needs, so no client library.
 */
import type { Readable, Writable } from 'node:stream';
import { z } from 'zod';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { SafeEmitter } from '../../lib/events.ts';
import type { Logger } from '../../lib/log/logger.ts';

/** What the browser sends: a reply to a command (id) or an event (method), flat sessions by sessionId. */
const cdpMessage = z.object({
  id: z.number().optional(),
  method: z.string().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  result: z.record(z.string(), z.unknown()).optional(),
  error: z.object({ message: z.string() }).optional(),
  sessionId: z.string().optional(),
});

export interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
  sessionId: string | undefined;
}

/** Bounds a reply wait: a wedged browser must not hang the session (it gets restarted instead). */
const COMMAND_TIMEOUT_MS = 10_000;
/** A message larger than this is not one the kiosk asked for; the channel is dropped. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export class CdpPipe {
  readonly events = new SafeEmitter<{ event: CdpEvent; closed: undefined }>();
  readonly #out: Writable;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #pending = new Map<
    number,
    { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void; timer: TimerHandle }
  >();
  #nextId = 1;
  #buffered: Buffer[] = [];
  #bufferedBytes = 0;
  #closed = false;

  constructor(toBrowser: Writable, fromBrowser: Readable, clock: Clock, log: Logger) {
    this.#out = toBrowser;
    this.#clock = clock;
    this.#log = log;
    fromBrowser.on('data', (chunk: Buffer) => this.#receive(chunk));
    fromBrowser.on('close', () => this.close());
    fromBrowser.on('error', () => this.close());
    toBrowser.on('error', () => this.close());
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(method: string, params: object = {}, sessionId?: string): Promise<Record<string, unknown>> {
    if (this.#closed) return Promise.reject(new Error(`DevTools pipe closed (${method})`));
    const id = this.#nextId++;
    const message = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return new Promise((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`no reply to ${method} within ${COMMAND_TIMEOUT_MS} ms`));
      }, COMMAND_TIMEOUT_MS);
      this.#pending.set(id, { resolve, reject, timer });
      this.#out.write(`${message}\0`);
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [, pending] of this.#pending) {
      this.#clock.clearTimeout(pending.timer);
      pending.reject(new Error('DevTools pipe closed'));
    }
    this.#pending.clear();
    this.events.emit('closed', undefined);
  }

  #receive(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(0); end >= 0; end = chunk.indexOf(0, start)) {
      this.#buffered.push(chunk.subarray(start, end));
      const text = Buffer.concat(this.#buffered).toString('utf8');
      this.#buffered = [];
      this.#bufferedBytes = 0;
      this.#dispatch(text);
      start = end + 1;
    }
    if (start < chunk.length) {
      this.#buffered.push(chunk.subarray(start));
      this.#bufferedBytes += chunk.length - start;
      if (this.#bufferedBytes > MAX_MESSAGE_BYTES) {
        this.#log.warn({ bytes: this.#bufferedBytes }, 'oversized DevTools message; dropping the channel');
        this.close();
      }
    }
  }

  #dispatch(text: string): void {
    let parsed: z.output<typeof cdpMessage>;
    try {
      parsed = cdpMessage.parse(JSON.parse(text));
    } catch {
      this.#log.warn('unreadable DevTools message ignored');
      return;
    }
    if (parsed.id !== undefined) {
      const pending = this.#pending.get(parsed.id);
      if (!pending) return;
      this.#pending.delete(parsed.id);
      this.#clock.clearTimeout(pending.timer);
      if (parsed.error) pending.reject(new Error(parsed.error.message));
      else pending.resolve(parsed.result ?? {});
      return;
    }
    if (parsed.method) {
      this.events.emit('event', {
        method: parsed.method,
        params: parsed.params ?? {},
        sessionId: parsed.sessionId,
      });
    }
  }
}
