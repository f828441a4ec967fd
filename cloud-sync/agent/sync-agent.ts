/**
 * The panel's cloud sync: routes what arrives on the link to the config sync, the event stream and the
 * command handler, and announces the panel online on every connect. Nothing received can crash it: every
 * handler validates first and reports what it refuses through `onProtocolError` (or, for commands, the
 * CommandTarget), without changing state.
 */
import type { Clock } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { DeviceStateMessage } from '../protocol/messages.ts';
import { type DeviceLeaf, PROTOCOL_VERSION } from '../protocol/topics.ts';
import { Commands } from './commands.ts';
import { ConfigSync } from './config-sync.ts';
import { EventStream } from './event-stream.ts';
import type { Link } from './link.ts';
import { NonceCache } from './nonce-cache.ts';
import type { CommandTarget, ConfigReplica, NonceStore, Outbox, ProtocolErrorSink } from './ports.ts';
import type { TrustedKeys } from './trusted-keys.ts';

export interface SyncAgentDeps {
  deviceId: string;
  link: Link;
  replica: ConfigReplica;
  outbox: Outbox;
  target: CommandTarget;
  nonces: NonceStore;
  /** The hub keys config and commands must be signed with (learned keys persist: trusted-keys.ts). */
  trustedKeys: TrustedKeys;
  clock: Clock;
  logger: Logger;
  onProtocolError: ProtocolErrorSink;
  backlogEventsPerS: number;
  software?: string;
}

export class SyncAgent {
  readonly #d: SyncAgentDeps;
  readonly config: ConfigSync;
  readonly events: EventStream;
  readonly #commands: Commands;
  #unsubscribe: Array<() => void> = [];
  /** Commands are verified asynchronously; this chain keeps them in arrival order. */
  #commandQueue: Promise<void> = Promise.resolve();
  /** Config too (signature checks): patches apply in the order they arrive, after the snapshot before them. */
  #configQueue: Promise<void> = Promise.resolve();

  constructor(deps: SyncAgentDeps) {
    this.#d = deps;
    const onProtocolError: ProtocolErrorSink = (error) => {
      try {
        deps.onProtocolError(error);
      } catch (err) {
        deps.logger.error({ err: errorMessage(err) }, 'reporting a protocol error failed');
      }
    };
    const common = { link: deps.link, clock: deps.clock, logger: deps.logger, onProtocolError };
    this.config = new ConfigSync({
      ...common,
      deviceId: deps.deviceId,
      replica: deps.replica,
      trustedKeys: deps.trustedKeys,
    });
    this.events = new EventStream({
      ...common,
      outbox: deps.outbox,
      backlogEventsPerS: deps.backlogEventsPerS,
    });
    this.#commands = new Commands({
      ...common,
      deviceId: deps.deviceId,
      trustedKeys: deps.trustedKeys,
      nonces: new NonceCache(deps.nonces),
      target: deps.target,
      requestResync: () => this.config.request('command'),
    });
  }

  /** Starts listening; the link itself is started and stopped by its owner. */
  start(): void {
    const { link, outbox } = this.#d;
    this.#unsubscribe = [
      link.events.on('up', () => this.#onUp()),
      link.events.on('down', () => this.events.onDown()),
      link.events.on('message', ({ leaf, payload }) => this.handle(leaf, payload)),
      outbox.onAppend((event) => this.events.onAppend(event)),
    ];
    if (link.isUp()) this.#onUp();
  }

  stop(): void {
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    this.events.onDown();
  }

  /** Handles one received message; resolves when it has been fully processed. Never rejects. */
  handle(leaf: DeviceLeaf, payload: Uint8Array): Promise<void> {
    try {
      switch (leaf) {
        case 'config/desired':
          this.#configQueue = this.#configQueue.then(() => this.config.handleSnapshot(payload));
          return this.#configQueue;
        case 'config/patch':
          this.#configQueue = this.#configQueue.then(() => this.config.handlePatch(payload));
          return this.#configQueue;
        case 'events/ack':
          this.events.handleAck(payload);
          break;
        case 'commands':
          this.#commandQueue = this.#commandQueue.then(() => this.#commands.handle(payload));
          return this.#commandQueue;
        default:
          this.#d.onProtocolError({ leaf, reason: 'the panel does not accept messages on this topic' });
      }
    } catch (err) {
      // Handlers validate before acting; this is the last line that keeps a bug from killing the panel.
      this.#d.logger.error({ leaf, err: errorMessage(err) }, 'sync message handling failed');
      this.#d.onProtocolError({ leaf, reason: `internal error: ${errorMessage(err)}` });
    }
    return Promise.resolve();
  }

  #onUp(): void {
    const state: DeviceStateMessage = {
      protocol: PROTOCOL_VERSION,
      status: 'online',
      configVersion: this.#d.replica.version(),
      lastSeq: this.#d.outbox.ackedSeq(),
      ...(this.#d.software ? { software: this.#d.software } : {}),
      at: this.#d.clock.now(),
    };
    this.#d.link
      .publish('state', state, { qos: 1, retain: true })
      .catch((err: unknown) => this.#d.logger.debug({ err: errorMessage(err) }, 'state publish failed'));
    this.config.onUp();
    this.events.onUp();
  }
}
