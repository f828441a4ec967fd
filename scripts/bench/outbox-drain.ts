/**
 * outbox_drain_events_per_s: a panel comes back online with 20,000 audit events in its outbox; how fast
 * does the backlog reach the cloud? The agent (SyncAgent's EventStream over MqttLink) streams batches to
 * Mosquitto, the real hub (its own process) stores each batch with its EventConsumer and acks it, and a
 * row leaves the outbox on that ack. Measured from the link's start (connect + subscribe included) until
 * the outbox is empty, then checked against the hub's stored position for the panel.
 *
 * The agent paces a backlog with a token bucket at `sync.backlogEventsPerS`; this uses the config
 * default, so the figure cannot exceed roughly that rate plus the one-second burst.
 */
import { BENCH_PANEL_ID } from './hub-building.ts';
import { type BenchLine, round } from './stats.ts';
import { startSyncLab, within } from './sync-lab.ts';

/** The hub only accepts events from a panel it knows: a one-resident building is enough. */
const TINY_BUILDING = { residents: 1, cardsPerResident: 1, units: 1, timeProfiles: 1 };

export async function benchOutboxDrain(options: { events?: number } = {}): Promise<BenchLine[]> {
  const events = options.events ?? 20_000;
  const lab = await startSyncLab({ building: TINY_BUILDING });
  try {
    const store = lab.panel.store!;
    const audit = lab.panel.audit!;
    // One tap's worth of rows at a time, as the door path writes them. A real outage writes each row in
    // its own commit over hours; one transaction here only saves the bench 20,000 fsyncs.
    store.transaction(() => {
      for (let i = 0; audit.lastSeq() < events; i++) {
        const uidHash = (i * 2654435761).toString(16).padStart(16, '0');
        const readerId = 'entrance-reader';
        const doorId = 'main-entrance';
        const granted = audit.append({
          type: 'access.granted',
          readerId,
          data: {
            reason: 'granted',
            doorIds: [doorId],
            uidHash,
            cardId: `card-${i}`,
            residentId: `res-${i}`,
          },
        });
        audit.append({
          type: 'door.unlocked',
          doorId,
          data: {
            cause: 'access',
            decisionSeq: granted.seq,
            pulseMs: 5000,
            unlockedUntil: granted.ts + 5000,
            extended: false,
          },
        });
        audit.append({ type: 'door.opened', doorId, data: { authorized: true, by: 'access' } });
        audit.append({ type: 'door.closed', doorId, data: { openMs: 2000 } });
        audit.append({ type: 'door.locked', doorId, data: { reason: 'pulse_end' } });
      }
    });
    const backlog = lab.outbox.size();
    if (backlog < events) throw new Error(`outbox holds ${backlog} events, expected ${events}`);

    let drainedAt = 0;
    let drainedSeq = 0;
    const drained = new Promise<void>((resolve) =>
      lab.onHandled((leaf) => {
        if (leaf !== 'events/ack' || drainedAt !== 0 || lab.outbox.size() > 0) return;
        drainedAt = performance.now();
        drainedSeq = lab.outbox.ackedSeq();
        resolve();
      }),
    );
    let upAt = 0;
    lab.link.events.on('up', () => {
      upAt ||= performance.now();
    });
    const t0 = performance.now();
    lab.connect();
    await within(drained, 120_000, 'the outbox to drain');
    const seconds = (drainedAt - t0) / 1000;

    const res = await lab.hubApi('GET', `/api/v1/panels/${BENCH_PANEL_ID}`);
    const view = (await res.json()) as { eventPosition?: number };
    if (!((view.eventPosition ?? 0) >= drainedSeq))
      throw new Error(`hub stored up to seq ${view.eventPosition}, the panel had ${drainedSeq} acked`);
    return [
      {
        metric: 'outbox_drain_events_per_s',
        value: Math.round(backlog / seconds),
        unit: 'events/s',
        events: backlog,
        drain_ms: round(seconds * 1000, 0),
        connect_ms: round(upAt - t0, 1),
        backlog_events_per_s: lab.sync.backlogEventsPerS,
        backlog_pacing: 'config default',
        target: 2000,
        note: 'offline backlog -> MqttLink -> Mosquitto -> hub EventConsumer stores + acks -> outbox empty',
      },
    ];
  } finally {
    await lab.stop();
  }
}

if (import.meta.main) {
  for (const line of await benchOutboxDrain()) console.log(JSON.stringify(line));
}
