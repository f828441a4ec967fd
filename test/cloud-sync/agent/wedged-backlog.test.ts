/**
 * The wedged backlog of issue 11, against real Mosquitto and the real hub: a panel's outbox (the real
 * audit log) full of the largest events there are — visitor pictures at their maximum, refusals quoting
 * 64 KB of attacker text, rows of that text from before it was bounded, and one event the hub can never
 * accept — drains completely and in order. Every published batch stays under the byte bound (measured by a
 * subscriber on the broker), a batch the hub refuses is split, and the poison event is skipped with a note.
 */
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { EventStream, MAX_BATCH_BYTES } from '../../../cloud-sync/agent/event-stream.ts';
import { MqttLink } from '../../../cloud-sync/agent/mqtt-link.ts';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { EVENTS_MESSAGE_MAX_BYTES } from '../../../cloud-sync/protocol/messages.ts';
import { AUDIT_PICTURE_MAX_CHARS, AUDIT_TEXT_MAX_CHARS } from '../../../device/audit/payloads.ts';
import { PublishingAuditLog } from '../../../device/audit/publishing-audit-log.ts';
import { EventBus } from '../../../device/bus/event-bus.ts';
import { StoreOutbox } from '../../../device/sync/outbox.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { type MosquittoHandle, startMosquitto } from '../../../scripts/lab/mosquitto.ts';
import { until } from '../../../scripts/lab/until.ts';
import { openTempStore } from '../../device/store/temp-store.ts';
import { startTestHub } from '../../support/hub.ts';
import { HUB_PASSWORD, PANEL_PASSWORD } from './broker.ts';

const DEVICE = 'wedge-panel';
const PICTURE = `data:image/jpeg;base64,${'A'.repeat(AUDIT_PICTURE_MAX_CHARS - 23)}`;
/** What an attacker puts in a call message: 64 KB of text the refusal reason quotes. */
const HOSTILE = `invalid message: ${'é'.repeat(32 * 1024)}`;

interface Seen {
  leaf: string;
  bytes: number;
  payload: Record<string, unknown>;
}

const OBSERVER_PASSWORD = 'observer-password-0123456789';

/** The product's broker, plus a read-only user that watches the wire. */
function startBroker(): Promise<MosquittoHandle> {
  return startMosquitto({
    users: { [DEVICE]: PANEL_PASSWORD, hub: HUB_PASSWORD, observer: OBSERVER_PASSWORD },
    extraAcl: '\nuser observer\ntopic read portvakt/v1/#\n',
  });
}

/** Records everything of the panel's subtree as the broker delivers it, with its size. */
async function observer(port: number): Promise<{ client: MqttClient; seen: Seen[] }> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    protocolVersion: 5,
    clientId: 'observer',
    username: 'observer',
    password: OBSERVER_PASSWORD,
  });
  const seen: Seen[] = [];

  const prefix = `portvakt/v1/devices/${DEVICE}/`;
  client.on('message', (topic, payload) => {
    const leaf = topic.slice(prefix.length);
    if (leaf === 'events' || leaf === 'events/ack')
      seen.push({ leaf, bytes: payload.length, payload: JSON.parse(payload.toString()) });
  });
  await client.subscribeAsync(`${prefix}#`, { qos: 1 });
  return { client, seen };
}

describe('a wedged backlog drains (Mosquitto, real hub, real audit log)', () => {
  const stops: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const stop of stops.reverse()) await stop();
    stops.length = 0;
  });

  async function world(maxBatchBytes?: number) {
    const broker = await startBroker();
    stops.push(() => broker.stop());
    const hub: Hub = await startTestHub({
      brokerUrl: `mqtt://127.0.0.1:${broker.port}`,
      protocolVersion: 5,
      username: 'hub',
      password: HUB_PASSWORD,
    });
    stops.push(() => hub.stop());
    hub.store.entities.create('buildings', { id: 'b1', name: 'Storgatan 12', timeZone: 'UTC' });
    hub.store.entities.create('panels', { id: DEVICE, name: 'Entrance', buildingId: 'b1' });
    const watch = await observer(broker.port);
    stops.push(() => watch.client.endAsync());

    const t = openTempStore();
    stops.push(() => t.cleanup());
    const bus = new EventBus(silentLogger);
    const audit = new PublishingAuditLog(t.store.audit, bus);
    const clock = new FakeClock();
    const start = () => {
      const outbox = new StoreOutbox({
        sync: t.store.sync,
        audit,
        bus,
        logger: silentLogger,
        maxRows: 100_000,
        retainAckedRows: 1000,
      });
      const link = new MqttLink({
        deviceId: DEVICE,
        brokerUrl: `mqtt://127.0.0.1:${broker.port}`,
        username: DEVICE,
        password: PANEL_PASSWORD,
        sessionExpiryS: 3600,
        clock,
        logger: silentLogger,
        backoff: { random: () => 0 },
      });
      const stream = new EventStream({
        outbox,
        link,
        clock,
        logger: silentLogger,
        onProtocolError: (e) => {
          throw new Error(`protocol error ${e.leaf}: ${e.reason}`);
        },
        backlogEventsPerS: 100_000,
        ...(maxBatchBytes ? { maxBatchBytes } : {}),
      });
      link.events.on('up', () => stream.onUp());
      link.events.on('down', () => stream.onDown());
      link.events.on('message', ({ leaf, payload }) => {
        if (leaf === 'events/ack') stream.handleAck(payload);
      });
      const unwatch = outbox.onAppend((e) => stream.onAppend(e));
      link.start();
      stops.push(async () => {
        unwatch();
        outbox.close();
        await link.stop();
      });
      return outbox;
    };
    const hubSeqs = () =>
      hub.store.events
        .list({ panelId: DEVICE, after: 0, limit: 10_000 })
        .map((e) => e.seq)
        .sort((a, b) => a - b);
    return { hub, audit, store: t.store, path: t.path, watch, start, hubSeqs };
  }

  it('pictures, hostile reasons and a poison event: drained in order, every batch under the bound', async () => {
    const w = await world();
    // Rows an older version wrote, before reasons were bounded, and one the hub can never accept (a
    // reader id longer than the protocol allows).
    const raw = new Database(w.path);
    const insert = raw.prepare(
      'INSERT INTO audit_events (id, ts, type, door_id, reader_id, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (let i = 0; i < 10; i++)
      insert.run(
        `old-${i}`,
        1,
        'call.refused',
        null,
        null,
        JSON.stringify({ appDeviceId: 'a', reason: HOSTILE }),
      );
    insert.run(
      'poison',
      1,
      'reader.error',
      null,
      'r'.repeat(300),
      JSON.stringify({ reader: null, message: 'x' }),
    );
    raw.close();
    // And through today's audit log: pictures at their maximum, refusals quoting the attacker.
    for (let i = 0; i < 30; i++) {
      w.audit.append({ type: 'call.snapshot', data: { callId: `call-${i}`, snapshot: PICTURE } });
      w.audit.append({ type: 'call.refused', data: { appDeviceId: 'app-1', reason: HOSTILE } });
    }
    const poisonSeq = 11;
    const last = w.store.audit.lastSeq();
    expect(last).toBe(71);
    w.start();
    // The skip note comes after everything else: the hub has it all once its position reaches it.
    await until(() => w.hub.store.events.position(DEVICE) >= last + 1, 'the backlog drained', 20_000);

    const expected = Array.from({ length: last + 1 }, (_, i) => i + 1).filter((s) => s !== poisonSeq);
    expect(w.hubSeqs()).toEqual(expected);
    const stored = w.hub.store.events.list({ panelId: DEVICE, after: 0, limit: 10_000 });
    const note = stored.find((e) => e.type === 'sync.event_skipped');
    expect(note).toMatchObject({
      seq: last + 1,
      data: { seq: poisonSeq, eventType: 'reader.error', reason: 'invalid' },
    });
    expect(String(note?.data['detail'])).toContain('readerId');
    // Today's refusals arrived bounded, the old ones whole; the pictures whole.
    const reasons = stored
      .filter((e) => e.type === 'call.refused')
      .map((e) => String(e.data['reason']).length);
    expect(reasons.filter((n) => n === HOSTILE.length)).toHaveLength(10);
    expect(reasons.filter((n) => n <= AUDIT_TEXT_MAX_CHARS)).toHaveLength(30);
    expect(stored.filter((e) => e.data['snapshot'] === PICTURE)).toHaveLength(30);

    const batches = w.watch.seen.filter((s) => s.leaf === 'events');
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches) expect(b.bytes).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    // The in-order stream never sent the poison event again after the hub named it.
    const refusals = w.watch.seen.filter((s) => s.leaf === 'events/ack' && s.payload['rejected']);
    expect(refusals.map((r) => r.payload['rejected'])).toEqual([
      expect.objectContaining({ fromSeq: poisonSeq, toSeq: poisonSeq, reason: 'invalid' }),
    ]);
  });

  it('a panel whose batches are over the hub limit: the hub refuses them, the panel splits, all arrive', async () => {
    // Over the events limit (a panel of another version, say) and under the inbox limit: the hub reads
    // such a batch and refuses it with its range.
    const w = await world(600 * 1024);
    for (let i = 0; i < 40; i++)
      w.audit.append({ type: 'call.snapshot', data: { callId: `call-${i}`, snapshot: PICTURE } });
    w.start();
    await until(() => w.hub.store.events.position(DEVICE) >= 40, 'the backlog drained', 20_000);
    expect(w.hubSeqs()).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const refusals = w.watch.seen
      .filter((s) => s.leaf === 'events/ack' && s.payload['rejected'])
      .map((s) => s.payload['rejected'] as { reason: string });
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.every((r) => r.reason === 'too_large')).toBe(true);
    // The first batches were over the hub's limit; the panel learnt the limit from the refusals (without
    // that, every range of 9 pictures would be refused again): after the last refusal, every batch fits.
    const batches = w.watch.seen.filter((s) => s.leaf === 'events');
    expect(batches[0]?.bytes).toBeGreaterThan(EVENTS_MESSAGE_MAX_BYTES);
    expect(refusals.length).toBeLessThanOrEqual(3);
    const lastRefusal = w.watch.seen.findLastIndex((s) => s.leaf === 'events/ack' && s.payload['rejected']);
    const after = w.watch.seen.slice(lastRefusal).filter((s) => s.leaf === 'events');
    expect(after.length).toBeGreaterThan(5);
    for (const b of after) expect(b.bytes).toBeLessThanOrEqual(EVENTS_MESSAGE_MAX_BYTES);
    // Everything the hub stored came in batches it accepted, split to fit.
    expect(
      w.hub.store.events
        .list({ panelId: DEVICE, after: 0, limit: 100 })
        .some((e) => e.type === 'sync.event_skipped'),
    ).toBe(false);
  });
});
