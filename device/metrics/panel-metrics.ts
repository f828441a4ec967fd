/**
 * The panel's Prometheus figures, sourced from the typed event bus and in-memory state — never from the
 * card-tap path itself: a bus listener that bumps a counter runs after the relay has moved (audit events
 * are announced after their commit), and gauges are read only when scraped.
 *
 * Label values come from closed sets (outcomes, deny reasons, alarm kinds, unlock causes, call outcomes)
 * or from the panel's own config (door ids), so no input from outside can grow the series; anything not
 * in its set is counted as `other`. No UID, hash, card, resident, name or token is ever a label.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CALL_OUTCOMES } from '../../cloud-sync/protocol/panel-api.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import { addDefaultMetrics } from '../../lib/metrics/default-metrics.ts';
import { DENY_REASONS } from '../access/types.ts';
import type { AuditEvent } from '../audit/types.ts';
import type { EventBus } from '../bus/event-bus.ts';
import { DOOR_ALARMS } from '../door/door-state.ts';
import { UNLOCK_KINDS } from '../door/types.ts';

/** What the gauges read at a scrape; each is in memory or one indexed row. */
export interface PanelMetricsSources {
  bus: EventBus;
  clock: Clock;
  /** The configured doors: the only door labels. */
  doorIds: readonly string[];
  /** The applied building-data version when the metrics start; config.applied events move it on. */
  configVersion: number;
  /** The sync outbox; undefined on a panel without sync (reported as empty). */
  syncBacklog?: (() => { depth: number; oldestAt: number | undefined }) | undefined;
  /** Each door's active alarms, from the controllers' in-memory state. */
  doorAlarms: () => ReadonlyArray<{ id: string; alarms: readonly string[] }>;
  /** Open WebRTC peers; undefined without an intercom. */
  mediaPeers?: (() => number) | undefined;
  /**
   * Node's default process metrics (memory, CPU, event-loop lag, GC). On by default; tests of the
   * collectors turn them off so a fake clock sees nothing else.
   */
  defaultMetrics?: boolean;
}

/** Call lengths: a door phone's calls run from seconds (declined) to a few minutes. */
const CALL_DURATION_BUCKETS = [5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600];

export class PanelMetrics {
  readonly registry = new Registry();
  readonly #unwatch: Array<() => void> = [];

  constructor(sources: PanelMetricsSources) {
    const r = [this.registry];
    const doors = new Set(sources.doorIds);
    const door = (id: string | null | undefined) => (id && doors.has(id) ? id : 'other');
    const decisions = counter(r, 'portvakt_card_decisions_total', 'Card decisions by outcome and reason', [
      'outcome',
      'reason',
    ]);
    const pulses = counter(r, 'portvakt_relay_pulses_total', 'Relay unlock pulses started or extended', [
      'door',
      'cause',
    ]);
    const alarms = counter(r, 'portvakt_door_alarms_total', 'Door alarms raised', ['door', 'kind']);
    const calls = counter(r, 'portvakt_calls_total', 'Visitor calls by how they ended', ['outcome']);
    const callDuration = new Histogram({
      name: 'portvakt_call_duration_seconds',
      help: 'Length of ended visitor calls, from the bell press',
      buckets: CALL_DURATION_BUCKETS,
      registers: r,
    });
    new Gauge({
      name: 'portvakt_door_alarm_active',
      help: 'Door alarms active now (1) by door and kind',
      labelNames: ['door', 'kind'],
      registers: r,
      collect() {
        for (const state of sources.doorAlarms()) {
          if (!doors.has(state.id)) continue;
          for (const kind of DOOR_ALARMS)
            this.set({ door: state.id, kind }, state.alarms.includes(kind) ? 1 : 0);
        }
      },
    });
    // Every known series starts at 0, so rate() and the dashboard work before the first event.
    decisions.inc({ outcome: 'granted', reason: 'granted' }, 0);
    for (const reason of DENY_REASONS) decisions.inc({ outcome: 'denied', reason }, 0);
    for (const id of doors) {
      for (const kind of DOOR_ALARMS) {
        alarms.inc({ door: id, kind }, 0);
      }
      for (const cause of UNLOCK_KINDS) pulses.inc({ door: id, cause }, 0);
    }
    for (const outcome of CALL_OUTCOMES) calls.inc({ outcome }, 0);

    const reasons = new Set<string>(['granted', ...DENY_REASONS]);
    const alarmKinds = new Set<string>(DOOR_ALARMS);
    const causes = new Set<string>(UNLOCK_KINDS);
    const outcomes = new Set<string>(CALL_OUTCOMES);
    const oneOf = (set: Set<string>, value: unknown) =>
      typeof value === 'string' && set.has(value) ? value : 'other';
    let configVersion = sources.configVersion;

    this.#unwatch.push(
      sources.bus.on('access.decided', (d) => {
        decisions.inc({ outcome: d.granted ? 'granted' : 'denied', reason: oneOf(reasons, d.reason) });
      }),
      sources.bus.on('audit', (event: AuditEvent) => {
        switch (event.type) {
          case 'door.unlocked': {
            const { cause } = event.data as { cause?: unknown };
            pulses.inc({ door: door(event.doorId), cause: oneOf(causes, cause) });
            break;
          }
          case 'alarm.raised': {
            const { alarm } = event.data as { alarm?: unknown };
            alarms.inc({ door: door(event.doorId), kind: oneOf(alarmKinds, alarm) });
            break;
          }
          case 'call.ended': {
            const { outcome, durationMs } = event.data as { outcome?: unknown; durationMs?: unknown };
            calls.inc({ outcome: oneOf(outcomes, outcome) });
            if (typeof durationMs === 'number' && durationMs >= 0) callDuration.observe(durationMs / 1000);
            break;
          }
          case 'config.applied': {
            const { version } = event.data as { version?: unknown };
            if (typeof version === 'number') configVersion = version;
            break;
          }
        }
      }),
    );

    const { clock, syncBacklog, mediaPeers } = sources;
    new Gauge({
      name: 'portvakt_outbox_depth',
      help: 'Events recorded but not yet acknowledged by the hub (0 without sync)',
      registers: r,
      collect() {
        this.set(syncBacklog?.().depth ?? 0);
      },
    });
    new Gauge({
      name: 'portvakt_sync_lag_seconds',
      help: 'Age of the oldest event the hub has not acknowledged (0 when none waits)',
      registers: r,
      collect() {
        const oldestAt = syncBacklog?.().oldestAt;
        this.set(oldestAt === undefined ? 0 : Math.max(0, (clock.now() - oldestAt) / 1000));
      },
    });
    new Gauge({
      name: 'portvakt_config_version',
      help: 'Version of the building data the panel applied (0: none yet)',
      registers: r,
      collect() {
        this.set(configVersion);
      },
    });
    new Gauge({
      name: 'portvakt_media_peers',
      help: 'WebRTC peers (app devices) the media process serves now',
      registers: r,
      collect() {
        this.set(mediaPeers?.() ?? 0);
      },
    });
    if (sources.defaultMetrics ?? true) addDefaultMetrics(this.registry);
  }

  /** Stops listening to the bus (the registry keeps its last values). */
  stop(): void {
    for (const off of this.#unwatch.splice(0)) off();
  }
}

function counter<L extends string>(
  registers: Registry[],
  name: string,
  help: string,
  labelNames: readonly L[],
): Counter<L> {
  return new Counter({ name, help, labelNames, registers });
}
