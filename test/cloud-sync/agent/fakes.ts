/** In-memory stand-ins for the agent's link and ports, recording what the agent did. */
import type { Link, LinkEvents, PublishOptions } from '../../../cloud-sync/agent/link.ts';
import { MemoryNonceStore } from '../../../cloud-sync/agent/nonce-cache.ts';
import {
  type CommandTarget,
  type ConfigReplica,
  type EnrolResult,
  type HubKeyStore,
  type OpenDoorResult,
  type Outbox,
  type OutboxEvent,
  type ProtocolError,
  UNKNOWN_DOOR,
  type UploadSkip,
} from '../../../cloud-sync/agent/ports.ts';
import { SyncAgent } from '../../../cloud-sync/agent/sync-agent.ts';
import { TrustedKeys } from '../../../cloud-sync/agent/trusted-keys.ts';
import type { ConfigPatchMessage } from '../../../cloud-sync/protocol/messages.ts';
import {
  exportPublicKey,
  generateSigningKeys,
  type SigningKey,
} from '../../../cloud-sync/protocol/signing.ts';
import type { DeviceLeaf } from '../../../cloud-sync/protocol/topics.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { ValidationError } from '../../../lib/errors.ts';
import { SafeEmitter } from '../../../lib/events.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { type Stamp, signedPatch, signedSnapshot, type TestSigner } from '../../support/signed-config.ts';

export interface Published {
  leaf: DeviceLeaf;
  payload: Record<string, unknown>;
  options: PublishOptions;
}

export class FakeLink implements Link {
  readonly events = new SafeEmitter<LinkEvents>((event, err) => {
    throw new Error(`link listener for ${event} threw: ${String(err)}`);
  });
  readonly published: Published[] = [];
  #up = false;

  isUp(): boolean {
    return this.#up;
  }

  up(): void {
    this.#up = true;
    this.events.emit('up', { sessionPresent: false });
  }

  down(): void {
    this.#up = false;
    this.events.emit('down', undefined);
  }

  publish(leaf: DeviceLeaf, payload: unknown, options: PublishOptions): Promise<void> {
    if (!this.#up) return Promise.reject(new Error('not connected'));
    // Through JSON, as the broker would carry it.
    this.published.push({ leaf, payload: JSON.parse(JSON.stringify(payload)), options });
    return Promise.resolve();
  }

  on(leaf: DeviceLeaf): Record<string, unknown>[] {
    return this.published.filter((p) => p.leaf === leaf).map((p) => p.payload);
  }

  clear(): void {
    this.published.length = 0;
  }
}

/** A replica whose "data" is a plain object; data with `bad: true` is rejected as invalid. */
export class FakeReplica implements ConfigReplica {
  #version = 0;
  #epoch = 0;
  data: unknown;
  patches: ConfigPatchMessage[] = [];

  version(): number {
    return this.#version;
  }

  epoch(): number {
    return this.#epoch;
  }

  applySnapshot(stamp: { epoch: number; version: number }, data: unknown): void {
    if ((data as { bad?: boolean }).bad) throw new ValidationError('bad data');
    this.data = data;
    this.#version = stamp.version;
    this.#epoch = stamp.epoch;
  }

  applyPatch(patch: ConfigPatchMessage): void {
    if (patch.epoch !== this.#epoch) throw new ValidationError('other epoch');
    if (patch.upsert.cards?.some((c) => (c as { bad?: boolean }).bad)) throw new ValidationError('bad card');
    this.patches.push(patch);
    this.#version = patch.version;
  }
}

export class FakeOutbox implements Outbox {
  readonly rows: OutboxEvent[] = [];
  #acked = 0;
  readonly #listeners = new Set<(e: OutboxEvent) => void>();
  readonly #clock: FakeClock;

  constructor(clock: FakeClock) {
    this.#clock = clock;
  }

  append(type = 'access.granted', data: Record<string, unknown> = {}): OutboxEvent {
    const seq = (this.rows.at(-1)?.seq ?? this.#acked) + 1;
    const event = {
      id: `ev-${seq}`,
      seq,
      ts: this.#clock.now(),
      type,
      doorId: null,
      readerId: null,
      data,
    };
    this.rows.push(event);
    for (const l of this.#listeners) l(event);
    return event;
  }

  fill(n: number): void {
    for (let i = 0; i < n; i++) this.append();
  }

  ackedSeq(): number {
    return this.#acked;
  }

  pending(afterSeq: number, limit: number): OutboxEvent[] {
    return this.rows.filter((r) => r.seq > afterSeq).slice(0, limit);
  }

  ack(upToSeq: number): void {
    this.#acked = Math.max(this.#acked, upToSeq);
    this.rows.splice(0, this.rows.filter((r) => r.seq <= this.#acked).length);
  }

  size(): number {
    return this.rows.length;
  }

  onAppend(listener: (event: OutboxEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  readonly skips: UploadSkip[] = [];

  noteSkipped(skip: UploadSkip): void {
    this.skips.push(skip);
    this.append('sync.event_skipped', { ...skip });
  }
}

export class FakeTarget implements CommandTarget {
  readonly doors = new Set(['front']);
  readonly opened: Array<{ doorId: string; pulseMs: number | undefined }> = [];
  readonly refusals: Array<{ reason: string; detail: string; nonce: string | undefined }> = [];
  readonly identified: number[] = [];
  /** What the next card.enrol resolves with (a tapped card by default), and the enrolments asked for. */
  enrolResult: EnrolResult = { ok: true, uid: '04A1B2C3D4E5F6' };
  readonly enrolments: Array<{ doorId: string; untilMs: number }> = [];

  openDoor(doorId: string, _by: unknown, _reason: string, pulseMs?: number): OpenDoorResult {
    if (!this.doors.has(doorId)) return { ok: false, reason: UNKNOWN_DOOR };
    this.opened.push({ doorId, pulseMs });
    return { ok: true };
  }

  identify(durationS: number): void {
    this.identified.push(durationS);
  }

  async enrolCard(doorId: string, untilMs: number): Promise<EnrolResult> {
    this.enrolments.push({ doorId, untilMs });
    if (!this.doors.has(doorId)) return { ok: false, reason: UNKNOWN_DOOR };
    return this.enrolResult;
  }

  recordRefusal(reason: string, detail: string, nonce?: string): void {
    this.refusals.push({ reason, detail, nonce });
  }
}

/** The panel store's learned hub keys, in memory. */
export class MemoryHubKeyStore implements HubKeyStore {
  keys: string[] | undefined;

  load(): string[] | undefined {
    return this.keys;
  }

  save(keys: string[]): void {
    this.keys = keys;
  }
}

export const DEVICE_ID = 'panel-1';

/** A started agent on fakes, with the hub's signing key. */
export async function agentHarness(
  options: { backlogEventsPerS?: number; keyStore?: MemoryHubKeyStore } = {},
) {
  const clock = new FakeClock();
  const link = new FakeLink();
  const replica = new FakeReplica();
  const outbox = new FakeOutbox(clock);
  const target = new FakeTarget();
  const errors: ProtocolError[] = [];
  const keys = await generateSigningKeys();
  const keyStore = options.keyStore ?? new MemoryHubKeyStore();
  const trustedKeys = await TrustedKeys.open(
    await exportPublicKey(keys.publicKey as SigningKey),
    keyStore,
    silentLogger,
  );
  const agent = new SyncAgent({
    deviceId: DEVICE_ID,
    link,
    replica,
    outbox,
    target,
    nonces: new MemoryNonceStore(),
    trustedKeys,
    clock,
    logger: silentLogger,
    onProtocolError: (e) => errors.push(e),
    backlogEventsPerS: options.backlogEventsPerS ?? 5000,
  });
  agent.start();
  const send = (leaf: DeviceLeaf, payload: unknown) =>
    agent.handle(
      leaf,
      payload instanceof Uint8Array
        ? payload
        : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
    );
  const signer = keys as unknown as TestSigner;
  /** A snapshot / patch signed with the harness's hub key, for this panel unless told otherwise. */
  const snapshot = (version: number, data: unknown = {}, stamp: Partial<Stamp> = {}) =>
    signedSnapshot(signer, { deviceId: DEVICE_ID, version, ...stamp }, data);
  const patch = (
    baseVersion: number,
    changes: Parameters<typeof signedPatch>[2] = {},
    stamp: Partial<Stamp> = {},
  ) => signedPatch(signer, { deviceId: DEVICE_ID, baseVersion, version: baseVersion + 1, ...stamp }, changes);
  return {
    clock,
    link,
    replica,
    outbox,
    target,
    errors,
    keys,
    signer,
    keyStore,
    trustedKeys,
    agent,
    send,
    snapshot,
    patch,
  };
}
