/**
 * Call signaling on the wire, for the intercom: decodes and validates what app devices send, and sends
 * the panel's messages to them. The broker link comes and goes with cloud sync, so the channel is created
 * first and the link is attached when sync starts; until then, sending fails with a clear error.
 */
import {
  type AppCallMessage,
  appCallMessage,
  callIdOf,
  type PanelCallMessageInput,
  panelCallMessage,
} from '../../cloud-sync/protocol/calls.ts';
import { SafeEmitter } from '../../lib/events.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { CallLink } from './ports.ts';

export type CallChannelEvents = {
  message: { appDeviceId: string; message: AppCallMessage };
  /** A message that failed to decode or validate: answered with `refused` when it names a call. */
  invalid: { appDeviceId: string; callId: string | undefined; reason: string };
};

/** Bounds what a misbehaving device can make the panel parse. */
const MAX_PAYLOAD_BYTES = 64 * 1024;

export class CallChannel {
  readonly events: SafeEmitter<CallChannelEvents>;
  readonly #log: Logger;
  #link: CallLink | undefined;
  #unlisten: (() => void) | undefined;

  constructor(logger: Logger) {
    this.#log = logger;
    this.events = new SafeEmitter((event, err) =>
      logger.error({ event, err: String(err) }, 'call channel listener failed'),
    );
  }

  attach(link: CallLink): void {
    this.detach();
    this.#link = link;
    this.#unlisten = link.events.on('message', ({ appDeviceId, payload }) =>
      this.#receive(appDeviceId, payload),
    );
  }

  detach(): void {
    this.#unlisten?.();
    this.#unlisten = undefined;
    this.#link = undefined;
  }

  isUp(): boolean {
    return this.#link?.isUp() ?? false;
  }

  /** Validates the panel's own message too: a bug here must not put a malformed message on the wire. */
  async send(appDeviceId: string, message: PanelCallMessageInput, expiryS = 60): Promise<void> {
    const link = this.#link;
    if (!link) throw new Error('call signaling is not connected (cloud sync is not running)');
    const checked = panelCallMessage.parse(message);
    await link.publishCall(appDeviceId, checked, { expiryS });
  }

  #receive(appDeviceId: string, payload: Buffer): void {
    const refuse = (callId: string | undefined, reason: string) => {
      this.#log.warn({ appDeviceId, reason }, 'refused a call signaling message');
      this.events.emit('invalid', { appDeviceId, callId, reason });
    };
    if (payload.length > MAX_PAYLOAD_BYTES) {
      refuse(undefined, `message over ${MAX_PAYLOAD_BYTES} bytes`);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      refuse(undefined, 'not JSON');
      return;
    }
    const parsed = appCallMessage.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first?.path.length ? `${first.path.join('.')}: ` : '';
      refuse(callIdOf(json), `invalid ${describeType(json)}message: ${where}${first?.message ?? 'invalid'}`);
      return;
    }
    this.events.emit('message', { appDeviceId, message: parsed.data });
  }
}

function describeType(json: unknown): string {
  const type = (json as { type?: unknown } | null)?.type;
  return typeof type === 'string' && /^[a-z]{1,20}$/.test(type) ? `"${type}" ` : '';
}
